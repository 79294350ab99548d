"""ADS freshness by data time: how new the numbers in each ADS table are, judged against the clock.

A table is fresh when its newest data period is the one that is due now; the rule (each ADS
model's `meta.freshness`: data time column, grain, hours after a day ends) is quality/freshness.py,
which the boards' age line also reads.

Rebuilding a table with old data does not make it fresh, and a table nobody rebuilds turns stale
on its own: that is what tells the on-call that the sources stopped landing. The raw suites judge
each source against the run's partition ("no rows landed for D"); these checks judge what the
boards read against the clock (settings.business_now(), NEV_NOW to pin it).

The checks are blocking: a stale table fails its run, and the failure alert names the table, its
newest data and what was due. They run in the daily job (after ADS) and on their own job
`ads_freshness`, every 15 minutes.
"""

from pathlib import Path

import dagster as dg

import settings
from lock import warehouse_lock
from quality.freshness import DataTime, data_times, newest_data

from .assets import WAREHOUSE_POOL, relation_key

CHECK_NAME = "data_freshness"
JOB_NAME = "ads_freshness"


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
        for verdict in judge(selected, log=context.log.info):
            yield dg.AssetCheckResult(**verdict)

    return _freshness


def judge(tables: list[DataTime], database: Path | None = None, log=lambda message: None) -> list[dict]:
    """Each table's freshness check, judged now (settings.business_now()) on the warehouse: the
    arguments of its check result (the check above, and the demo's record in Dagster)."""
    now = settings.business_now()
    database = database or settings.warehouse_path()
    with warehouse_lock(database, holder="dagster ads freshness", log=log):
        newest = newest_data(database, tables)
    verdicts = []
    for t in tables:
        passed, description = t.verdict(newest[t.relation], now)
        verdicts.append(
            {
                "asset_key": relation_key(t.relation),
                "check_name": CHECK_NAME,
                "passed": passed,
                "severity": dg.AssetCheckSeverity.ERROR,
                "description": description,
                "metadata": {
                    "newest": str(newest[t.relation]),
                    "due": str(t.due_day(now)),
                    "judged_at": now.isoformat(sep=" ", timespec="minutes"),
                    "grain": t.grain,
                },
            }
        )
    return verdicts


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
