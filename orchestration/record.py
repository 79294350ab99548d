"""Tell Dagster what `make demo` built, so that its catalog is not all *Never materialized*.

    python -m orchestration.record [RESULTS]   (the last step of make demo; DAGSTER_HOME: state/dagster)

`make demo` builds every table with dbt, outside Dagster. This records a materialisation of each
dbt asset (seeds, ODS, DWD, DWS, ADS) in the instance `make dagster` opens: for a partitioned one,
every landing day the demo holds (730 days x 89 models), so that no day the tables hold shows as
*Missing*. A later demo records each asset's newest day again and only the days the instance does
not show yet: the event log grows by about a hundred events per demo, not by 65,000.

Each asset check gets the verdict the demo reached: a dbt test's from the run results of the
demo's dbt builds (RESULTS, the folder make demo keeps them in), a Great Expectations suite's from
the warehouse's gates file; each ADS table's data freshness is judged as its check judges it, by the
demo's clock (the 15-minute schedule judges it again once the daemon runs).

Dagster stores one event at a time (two SQLite commits, about 12 ms here: 13 minutes for the demo's
days); on its default SQLite storage the events are written here in one transaction per database
file, the same rows `store_event` writes (about 4 s), through the storage's own row and asset-entry
helpers (private to the pinned Dagster: tests/test_orchestration.py reads the result back through
the public API). Any other storage gets them one by one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path

import settings

DESCRIPTION = "built by make demo (dbt build of every landing day the demo holds)"


# Every materialisation of an asset serialises the same but for its partition: one serialisation
# per asset, with this in the partition's place, then each day's key put in (about 6 s saved).
_PLACEHOLDER = "partition-placeholder-0f3a"


def _materialisation(key, partition: str | None, now: float):
    """The event Dagster's `report_runless_asset_event` would store for the demo's build."""
    import dagster as dg
    from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
    from dagster._core.events.log import EventLogEntry
    from dagster._core.instance.utils import RUNLESS_JOB_NAME, RUNLESS_RUN_ID

    event = DagsterEvent(
        event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
        event_specific_data=StepMaterializationData(
            dg.AssetMaterialization(asset_key=key, partition=partition, description=DESCRIPTION)
        ),
        job_name=RUNLESS_JOB_NAME,
    )
    return EventLogEntry(
        user_message="",
        level=logging.INFO,
        job_name=RUNLESS_JOB_NAME,
        run_id=RUNLESS_RUN_ID,
        error_info=None,
        timestamp=now,
        step_key=None,
        dagster_event=event,
    )


def _planned(instance, graph) -> dict:
    """Per asset, the partitions to record: every landing day not yet shown as materialised and
    its newest day always (None for an unpartitioned asset), the newest last."""
    from .assets import SEMANTIC_GROUP

    planned = {}
    for key in sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        node = graph.get(key)
        if node.group_name == SEMANTIC_GROUP:  # the exports and the dictionary: make demo builds neither
            continue
        partitions: list[str | None] = [None]
        if node.partitions_def:
            days = node.partitions_def.get_partition_keys()
            shown = instance.get_materialized_partitions(key)
            partitions = [day for day in days[:-1] if day not in shown] + days[-1:]
        planned[key] = partitions
    return planned


def _store(storage, planned: dict, now: float) -> None:
    """Write the events as `store_event` would, in one transaction per SQLite file."""
    import sqlalchemy as sa
    from dagster._core.instance.utils import RUNLESS_RUN_ID
    from dagster._core.storage.event_log.schema import SqlEventLogStorageTable as Events
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    if type(storage) is not SqliteEventLogStorage:
        storage.store_event_batch([_materialisation(k, p, now) for k, days in planned.items() for p in days])
        return
    rows = []
    for key, partitions in planned.items():
        if partitions == [None]:
            rows.append(storage._event_to_row(_materialisation(key, None, now)))
            continue
        template = storage._event_to_row(_materialisation(key, _PLACEHOLDER, now))
        if template["event"].count(_PLACEHOLDER) != 1 or template["partition"] != _PLACEHOLDER:
            raise RuntimeError(f"{key.to_user_string()}: Dagster serialises a partition differently than expected")
        rows += [
            {**template, "event": template["event"].replace(_PLACEHOLDER, day), "partition": day} for day in partitions
        ]
    with storage.run_connection(RUNLESS_RUN_ID) as conn:
        conn.execute(Events.insert(), rows)
    newest = {key.to_string(): _materialisation(key, days[-1], now) for key, days in planned.items()}
    with storage.index_transaction() as conn:
        conn.execute(Events.insert(), rows)
        # each asset's latest materialisation, which the catalog reads, with the id it was given
        latest = sa.select(Events.c.asset_key, sa.func.max(Events.c.id))
        latest = latest.where(Events.c.asset_key.in_(list(newest))).group_by(Events.c.asset_key)
        for key, event_id in conn.execute(latest):
            storage._store_asset_event(conn, newest[key], event_id)


def verdicts(results: Path | None, gates: dict) -> dict[str, str]:
    """What the demo found, by dbt test (its unique id) and by GX suite (its check's name):
    passed, warned or failed."""
    from .checks import check_name

    found = {}
    for path in sorted(results.glob("run_results_*.json")) if results else []:
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            if result["unique_id"].startswith("test."):
                verdict = {"pass": "passed", "warn": "warned", "fail": "failed", "error": "failed"}.get(
                    result["status"]
                )
                if verdict:  # a skipped test found nothing
                    found[result["unique_id"]] = verdict
    for gate in gates.values():
        for suite, verdict in (gate.get("suites") or {}).items():
            found[check_name(suite)] = verdict
    return found


def check_evaluations(graph, found: dict[str, str]) -> list:
    """One evaluation per check of a recorded asset whose verdict the demo reached."""
    import dagster as dg

    from .assets import SEMANTIC_GROUP

    evaluations = []
    for key in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        if graph.get(key.asset_key).group_name == SEMANTIC_GROUP:
            continue
        spec = graph.get_check_spec(key)
        unique_id = spec.metadata.get("dagster_dbt/unique_id")
        verdict = found.get(unique_id or key.name)
        if verdict is None:
            continue
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=key.asset_key,
                check_name=key.name,
                passed=verdict == "passed",
                severity=dg.AssetCheckSeverity.WARN if verdict == "warned" else dg.AssetCheckSeverity.ERROR,
                description=f"{verdict} in make demo",
                metadata={"source": "dbt test" if unique_id else "Great Expectations suite"},
            )
        )
    return evaluations


def freshness_evaluations(database: Path) -> list:
    """Each ADS table's freshness, judged now as its check judges it."""
    import dagster as dg

    from quality.freshness import data_times

    from .freshness import judge

    tables = data_times(settings.ROOT / "target" / "manifest.json")
    return [dg.AssetCheckEvaluation(**verdict) for verdict in judge(tables, database)]


def record(
    instance=None, results: Path | None = None, gates: dict | None = None, database: Path | None = None
) -> tuple[int, int]:
    """Record the demo's build, what its tests and suites found and, with the warehouse (database),
    how fresh its ADS tables are; returns how many materialisations and check evaluations were
    written."""
    import dagster as dg

    from .definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    instance = instance or dg.DagsterInstance.get()
    planned = _planned(instance, graph)
    _store(instance.event_log_storage, planned, time.time())
    evaluations = check_evaluations(graph, verdicts(results, gates or {}))
    evaluations += freshness_evaluations(database) if database else []
    for evaluation in evaluations:  # a few hundred: Dagster's own writer
        instance.report_runless_asset_event(evaluation)
    return sum(len(days) for days in planned.values()), len(evaluations)


def main() -> int:
    home = os.environ.setdefault("DAGSTER_HOME", str(settings.state_dir() / "dagster"))
    os.makedirs(home, exist_ok=True)
    if not os.path.exists(os.path.join(home, "dagster.yaml")):
        shutil.copy(settings.ROOT / "dagster.yaml", os.path.join(home, "dagster.yaml"))
    from quality.run import read_gates

    results = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    started = time.monotonic()
    database = settings.warehouse_path()
    materialised, checked = record(results=results, gates=read_gates(database), database=database)
    print(
        f"Dagster ({home}): the demo's build recorded ({materialised:,} materialisations, {checked} check "
        f"results, {time.monotonic() - started:.0f} s); `make dagster` shows every table and landing day"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
