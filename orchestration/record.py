"""Tell Dagster what `make demo` built, so that its catalog is not all *Never materialized*.

    python -m orchestration.record        (the last step of make demo; DAGSTER_HOME: state/dagster)

`make demo` builds every table with dbt, outside Dagster. This records one materialisation of each
dbt asset (seeds, ODS, DWD, DWS, ADS) in the instance `make dagster` opens: for a partitioned one,
its newest partition, the demo's last day. Dagster keeps one event per asset and partition, about
12 ms each here, so recording all 730 days of the 89 partitioned models would take some 13 minutes
of a two-minute demo: older days show as *Missing* although the tables hold them, and a
`warehouse_daily` run over a range (or *Materialize all*) records them as it builds them.
"""

from __future__ import annotations

import os
import shutil
import sys

import settings


def record(instance=None) -> int:
    import dagster as dg

    from .assets import SEMANTIC_GROUP
    from .definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    instance = instance or dg.DagsterInstance.get()
    count = 0
    for key in sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        node = graph.get(key)
        if node.group_name == SEMANTIC_GROUP:  # the exports and the dictionary: make demo builds neither
            continue
        partition = node.partitions_def.get_last_partition_key() if node.partitions_def else None
        instance.report_runless_asset_event(
            dg.AssetMaterialization(
                asset_key=key,
                partition=partition,
                description="built by make demo (dbt build of every landing day the demo holds)",
                metadata={"recorded_by": "make demo"},
            )
        )
        count += 1
    return count


def main() -> int:
    home = os.environ.setdefault("DAGSTER_HOME", str(settings.state_dir() / "dagster"))
    os.makedirs(home, exist_ok=True)
    if not os.path.exists(os.path.join(home, "dagster.yaml")):
        shutil.copy(settings.ROOT / "dagster.yaml", os.path.join(home, "dagster.yaml"))
    count = record()
    print(f"Dagster ({home}): {count} assets recorded as built by the demo; `make dagster` shows them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
