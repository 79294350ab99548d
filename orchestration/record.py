"""Tell Dagster what `make demo` built, so that its catalog is not all *Never materialized*.

    python -m orchestration.record        (the last step of make demo; DAGSTER_HOME: state/dagster)

`make demo` builds every table with dbt, outside Dagster. This records a materialisation of each
dbt asset (seeds, ODS, DWD, DWS, ADS) in the instance `make dagster` opens: for a partitioned one,
every landing day the demo holds (730 days x 89 models), so that no day the tables hold shows as
*Missing*. A later demo records each asset's newest day again and only the days the instance does
not show yet: the event log grows by about a hundred events per demo, not by 65,000.

Dagster stores one event at a time (two SQLite commits, about 12 ms here: 13 minutes for the demo's
days); on its default SQLite storage the events are written here in one transaction per database
file, the same rows `store_event` writes (about 12 s). Any other storage gets them one by one.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Iterable, Sequence

import settings

DESCRIPTION = "built by make demo (dbt build of every landing day the demo holds)"


def _events(instance, graph) -> list:
    """One materialisation event per asset and landing day not yet shown as materialised, and
    each asset's newest day (or, unpartitioned, the asset) always: the build it records."""
    import dagster as dg
    from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
    from dagster._core.events.log import EventLogEntry
    from dagster._core.instance.utils import RUNLESS_JOB_NAME, RUNLESS_RUN_ID

    from .assets import SEMANTIC_GROUP

    now = time.time()
    events = []
    for key in sorted(graph.materializable_asset_keys, key=lambda k: k.to_user_string()):
        node = graph.get(key)
        if node.group_name == SEMANTIC_GROUP:  # the exports and the dictionary: make demo builds neither
            continue
        partitions: Iterable[str | None] = [None]
        if node.partitions_def:
            days = node.partitions_def.get_partition_keys()
            shown = instance.get_materialized_partitions(key)
            partitions = [day for day in days[:-1] if day not in shown] + days[-1:]
        for partition in partitions:
            event = DagsterEvent(
                event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
                event_specific_data=StepMaterializationData(
                    dg.AssetMaterialization(asset_key=key, partition=partition, description=DESCRIPTION)
                ),
                job_name=RUNLESS_JOB_NAME,
            )
            events.append(
                EventLogEntry(
                    user_message="",
                    level=logging.INFO,
                    job_name=RUNLESS_JOB_NAME,
                    run_id=RUNLESS_RUN_ID,
                    error_info=None,
                    timestamp=now,
                    step_key=None,
                    dagster_event=event,
                )
            )
    return events


def _store(storage, events: Sequence) -> None:
    """Write the events as `store_event` would, in one transaction per SQLite file."""
    import sqlalchemy as sa
    from dagster._core.instance.utils import RUNLESS_RUN_ID
    from dagster._core.storage.event_log.schema import SqlEventLogStorageTable as Events
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    if type(storage) is not SqliteEventLogStorage or not events:
        storage.store_event_batch(events)
        return
    rows = [storage._event_to_row(event) for event in events]
    with storage.run_connection(RUNLESS_RUN_ID) as conn:
        conn.execute(Events.insert(), rows)
    newest = {event.dagster_event.asset_key.to_string(): event for event in events}
    with storage.index_transaction() as conn:
        conn.execute(Events.insert(), rows)
        # each asset's latest materialisation, which the catalog reads, with the id it was given
        latest = sa.select(Events.c.asset_key, sa.func.max(Events.c.id))
        latest = latest.where(Events.c.asset_key.in_(list(newest))).group_by(Events.c.asset_key)
        for key, event_id in conn.execute(latest):
            storage._store_asset_event(conn, newest[key], event_id)


def record(instance=None) -> int:
    """Record the demo's build; returns how many events were written."""
    import dagster as dg

    from .definitions import build_definitions

    graph = build_definitions().resolve_asset_graph()
    instance = instance or dg.DagsterInstance.get()
    events = _events(instance, graph)
    _store(instance.event_log_storage, events)
    return len(events)


def main() -> int:
    home = os.environ.setdefault("DAGSTER_HOME", str(settings.state_dir() / "dagster"))
    os.makedirs(home, exist_ok=True)
    if not os.path.exists(os.path.join(home, "dagster.yaml")):
        shutil.copy(settings.ROOT / "dagster.yaml", os.path.join(home, "dagster.yaml"))
    started = time.monotonic()
    count = record()
    print(
        f"Dagster ({home}): the demo's build recorded ({count:,} events, {time.monotonic() - started:.0f} s); "
        "`make dagster` shows every table and landing day materialised"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
