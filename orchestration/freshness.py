"""ADS freshness by data time: how new the numbers in each ADS table are, judged against the clock.

A table is fresh when its newest data period is the one that is due now. Each ADS model declares,
in its dbt meta, the column its data time is in, the grain, and how long after a day ends that
day's data is due (`freshness: {data_time: activity_date, grain: day, due_hours: 32}`):

- day grain: the newest day must be the last day that ended at least `due_hours` ago, or later;
- month grain (month-to-date rows): the newest month must hold that day.

Rebuilding a table with old data does not make it fresh, and a table nobody rebuilds turns stale
on its own: that is what tells the on-call that the sources stopped landing. The raw suites judge
each source against the run's partition ("no rows landed for D"); these checks judge what the
boards read against the clock (settings.business_now(), NEV_NOW to pin it).

The checks are blocking: a stale table fails its run, and the failure alert names the table, its
newest data and what was due. They run in the daily job (after ADS) and on their own job
`ads_freshness`, every 15 minutes.
"""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

import settings
from lock import warehouse_lock

from .assets import WAREHOUSE_POOL, relation_key

CHECK_NAME = "data_freshness"
JOB_NAME = "ads_freshness"


@dataclass(frozen=True)
class DataTime:
    relation: str  # schema.table
    column: str
    grain: str  # day or month
    due_hours: int

    def due_day(self, now: dt.datetime) -> dt.date:
        """The newest day whose data is due at `now`."""
        return (now - dt.timedelta(hours=self.due_hours)).date() - dt.timedelta(days=1)

    def verdict(self, newest: dt.date | None, now: dt.datetime) -> tuple[bool, str]:
        due = self.due_day(now)
        if self.grain == "month":
            passed = newest is not None and newest >= due.replace(day=1)
            wanted = f"the month of {due} ({due:%Y-%m})"
        else:
            passed = newest is not None and newest >= due
            wanted = str(due)
        if newest is None:
            return False, f"{self.relation}: no rows; data through {wanted} was due by {now:%Y-%m-%d %H:%M}"
        if passed:
            return True, f"{self.relation}: newest {self.column} {newest}, due {wanted}"
        behind = (due - newest).days if self.grain == "day" else (due.replace(day=1) - newest).days
        return False, (
            f"{self.relation}: newest {self.column} {newest} is {behind} day(s) behind: data through {wanted} was "
            f"due by {now:%Y-%m-%d %H:%M} ({self.due_hours} h after a day ends); have the sources stopped landing?"
        )


def data_times(manifest_path: Path) -> list[DataTime]:
    """Every model that declares `meta.freshness` (the ADS tables), from dbt's manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    out = []
    for node in manifest["nodes"].values():
        spec = node.get("config", {}).get("meta", {}).get("freshness")
        if node["resource_type"] == "model" and spec:
            out.append(
                DataTime(f"{node['schema']}.{node['name']}", spec["data_time"], spec["grain"], int(spec["due_hours"]))
            )
    return sorted(out, key=lambda d: d.relation)


def newest_data(database: Path, tables: list[DataTime]) -> dict[str, dt.date | None]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        return {t.relation: con.execute(f"select max({t.column}) from {t.relation}").fetchall()[0][0] for t in tables}


def freshness_checks(manifest_path: Path) -> dg.AssetChecksDefinition:
    tables = data_times(manifest_path)

    @dg.multi_asset_check(
        name="ads_data_freshness",
        specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=relation_key(t.relation),
                blocking=True,
                description=f"How new the data is: the newest {t.column} against the clock "
                f"({t.grain} grain, due {t.due_hours} h after a day ends).",
            )
            for t in tables
        ],
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description="ADS freshness by data time (orchestration/freshness.py)",
    )
    def _freshness(context: dg.AssetCheckExecutionContext):
        wanted = {k.asset_key for k in context.selected_asset_check_keys}
        selected = [t for t in tables if relation_key(t.relation) in wanted]
        now = settings.business_now()
        with warehouse_lock(holder="dagster ads freshness", log=context.log.info):
            newest = newest_data(settings.warehouse_path(), selected)
        for t in selected:
            passed, description = t.verdict(newest[t.relation], now)
            yield dg.AssetCheckResult(
                asset_key=relation_key(t.relation),
                check_name=CHECK_NAME,
                passed=passed,
                severity=dg.AssetCheckSeverity.ERROR,
                description=description,
                metadata={
                    "newest": str(newest[t.relation]),
                    "due": str(t.due_day(now)),
                    "judged_at": now.isoformat(sep=" ", timespec="minutes"),
                    "grain": t.grain,
                },
            )

    return _freshness


def freshness_job(checks: dg.AssetChecksDefinition):
    return dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.checks(checks),
        description="How new the ADS tables' data is, against the clock.",
    )


@dg.schedule(
    job_name=JOB_NAME,
    cron_schedule="*/15 * * * *",
    execution_timezone=settings.BUSINESS_TIME_ZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every 15 minutes: is the ADS tables' data as new as the clock says it must be?",
)
def ads_freshness_every_15_minutes(context: dg.ScheduleEvaluationContext):
    return dg.RunRequest(run_key=context.scheduled_execution_time.isoformat())
