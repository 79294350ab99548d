"""Jobs, schedules and sensors: the daily pipeline, the 15-minute micro-batch of the real-time
facts, new raw files in the landing zone, run-failure alerts and ADS freshness."""

import datetime as dt
import functools
import json
import operator
import os
import urllib.request
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from dagster_dbt import build_dbt_asset_selection

import settings

from .assets import MICRO_BATCH_JOB, SEMANTIC_GROUP

# The real-time sources' models carry the dbt tag `realtime` (leads, follow-ups, store visits, APP
# events, orders and members): the micro-batch builds them and everything above them up to ADS.
REALTIME_TAG = "tag:realtime"
REALTIME_SELECT = f"{REALTIME_TAG}+"
ADS_FRESHNESS = dt.timedelta(hours=26)  # the daily run plus two hours of slack
WEBHOOK_ENV = "NEV_ALERT_WEBHOOK_URL"
BUSINESS_TIMEZONE = settings.BUSINESS_TIME_ZONE

warehouse_daily = dg.define_asset_job(
    "warehouse_daily",
    selection=dg.AssetSelection.all(),
    description="Every layer, its quality gates, the metric exports and the indicator dictionary.",
)


def realtime_micro_batch(dbt_layers: list[dg.AssetsDefinition]):
    tagged = functools.reduce(
        operator.or_, [build_dbt_asset_selection([layer], dbt_select=REALTIME_TAG) for layer in dbt_layers]
    )
    return dg.define_asset_job(
        MICRO_BATCH_JOB,
        selection=tagged.downstream() - dg.AssetSelection.groups(SEMANTIC_GROUP),
        description="The day's new leads, follow-ups, store visits, APP events, orders and members, and the "
        "DWD, DWS and ADS tables above them.",
    )


def partition_of(instant: dt.datetime) -> str:
    return instant.astimezone(ZoneInfo(BUSINESS_TIMEZONE)).date().isoformat()


@dg.schedule(
    job=warehouse_daily,
    cron_schedule="0 6 * * *",
    execution_timezone=BUSINESS_TIMEZONE,
    description="06:00 Asia/Shanghai: yesterday's landing day through every layer.",
)
def daily_at_six(context: dg.ScheduleEvaluationContext):
    day = partition_of(context.scheduled_execution_time - dt.timedelta(days=1))
    return dg.RunRequest(run_key=day, partition_key=day)


@dg.schedule(
    job_name=MICRO_BATCH_JOB,
    cron_schedule="*/15 * * * *",
    execution_timezone=BUSINESS_TIMEZONE,
    description="Every 15 minutes: today's real-time facts up to ADS.",
)
def realtime_every_15_minutes(context: dg.ScheduleEvaluationContext):
    tick = context.scheduled_execution_time
    return dg.RunRequest(run_key=tick.isoformat(), partition_key=partition_of(tick))


def landed_files(root: Path) -> dict[str, list[Path]]:
    """New-file candidates in the landing zone, by landing day: <table>/load_date=YYYY-MM-DD/<file>."""
    by_day = defaultdict(list)
    for path in root.glob("*/load_date=*/*"):
        if path.suffix in {".parquet", ".csv"} and path.is_file():
            by_day[path.parent.name.split("=", 1)[1]].append(path)
    return by_day


@dg.sensor(
    job_name=MICRO_BATCH_JOB,
    minimum_interval_seconds=60,
    description="New raw files in the landing zone start the micro-batch for their landing day.",
)
def raw_arrival(context: dg.SensorEvaluationContext):
    root = settings.landing_dir()
    if not root.exists():
        return dg.SkipReason(f"no landing folder at {root}")
    seen = float(context.cursor or 0)
    newest = seen
    requests = []
    for day, files in sorted(landed_files(root).items()):
        fresh = [f for f in files if f.stat().st_mtime > seen]
        if not fresh:
            continue
        stamp = max(f.stat().st_mtime for f in fresh)
        newest = max(newest, stamp)
        tables = sorted({f.parent.parent.name for f in fresh})
        requests.append(
            dg.RunRequest(
                run_key=f"{day}@{stamp}",
                partition_key=day,
                tags={"landing/files": str(len(fresh)), "landing/tables": ",".join(tables)},
            )
        )
    if not requests:
        return dg.SkipReason(f"no new files in {root}")
    return dg.SensorResult(run_requests=requests, cursor=str(newest))


def record_alert(alert: dict, log_path: Path, webhook: str | None) -> dict:
    """Append the alert to the log; post it to the webhook if one is named (a failed post is logged)."""
    if webhook:
        try:
            request = urllib.request.Request(
                webhook, data=json.dumps(alert).encode(), method="POST", headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                alert["webhook_status"] = response.status
        except OSError as error:
            alert["webhook_error"] = str(error)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(json.dumps(alert, ensure_ascii=False) + "\n")
    return alert


@dg.run_failure_sensor(
    description=f"A failed run is written to state/alerts.log and, when {WEBHOOK_ENV} is set, posted to that URL."
)
def alert_on_run_failure(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    alert = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "job": run.job_name,
        "run_id": run.run_id,
        "partition": run.tags.get("dagster/partition"),
        "error": context.failure_event.message,
    }
    record_alert(alert, settings.alert_log(), os.environ.get(WEBHOOK_ENV))
