"""Jobs, schedules and sensors: the daily pipeline, the 15-minute micro-batch of the real-time
facts, new raw files in the landing zone, and run-failure alerts (ADS freshness: freshness.py)."""

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
from contract.landing import landed_at_sql, read_files

from .assets import MICRO_BATCH_JOB, SEMANTIC_GROUP, daily_partitions, window_tags

# The real-time sources' models carry the dbt tag `realtime` (leads, follow-ups, store visits, APP
# events, orders and members): the micro-batch builds them and everything above them up to ADS.
REALTIME_TAG = "tag:realtime"
REALTIME_SELECT = f"{REALTIME_TAG}+"
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
    if not daily_partitions.has_partition_key(day):
        return dg.SkipReason(beyond_the_data(day))
    return dg.RunRequest(run_key=day, partition_key=day)


def beyond_the_data(day: str) -> str:
    return (
        f"no partition {day}: the demo's data ends on {daily_partitions.get_last_partition_key()} and nothing "
        "lands on the demo seeds (NEV_RAW_SOURCE=landing runs on landed files)"
    )


@dg.schedule(
    job_name=MICRO_BATCH_JOB,
    cron_schedule="*/15 * * * *",
    execution_timezone=BUSINESS_TIMEZONE,
    description="Every 15 minutes: the real-time facts landed in the quarter hour before, up to ADS.",
)
def realtime_every_15_minutes(context: dg.ScheduleEvaluationContext):
    end = context.scheduled_execution_time.astimezone(ZoneInfo(BUSINESS_TIMEZONE)).replace(tzinfo=None)
    end = end.replace(second=0, microsecond=0)
    start = end - dt.timedelta(minutes=15)
    if not daily_partitions.has_partition_key(start.date().isoformat()):
        return dg.SkipReason(beyond_the_data(start.date().isoformat()))
    return dg.RunRequest(run_key=end.isoformat(), partition_key=start.date().isoformat(), tags=window_tags(start, end))


def landed_files(root: Path) -> dict[str, list[Path]]:
    """New-file candidates in the landing zone, by landing day: <table>/load_date=YYYY-MM-DD/<file>."""
    by_day = defaultdict(list)
    for path in root.glob("*/load_date=*/*"):
        if path.suffix in {".parquet", ".csv"} and path.is_file():
            by_day[path.parent.name.split("=", 1)[1]].append(path)
    return by_day


def arrival_windows(files: list[Path]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The batch windows (business time, whole minutes) that hold every row of the files: each file's
    span from the minute of its earliest landing time to the minute after its latest, overlapping
    spans merged, cut at business midnight so that each window is one partition's. Files without a
    landing time give none."""
    import duckdb

    landed = landed_at_sql()
    with duckdb.connect() as con:
        spans = con.execute(
            f"select min({landed}), max({landed}) from ({read_files(files)}) group by filename "
            f"having min({landed}) is not null order by 1"
        ).fetchall()
    merged: list[list[dt.datetime]] = []
    for first, last in spans:
        start = first.replace(second=0, microsecond=0)
        end = last.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    windows = []
    for start, end in merged:
        while start < end:
            midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time())
            windows.append((start, min(end, midnight)))
            start = min(end, midnight)
    return windows


@dg.sensor(
    job_name=MICRO_BATCH_JOB,
    minimum_interval_seconds=30,
    description="New raw files in the landing zone start a micro-batch of the minutes their rows landed in.",
)
def raw_arrival(context: dg.SensorEvaluationContext):
    root = settings.landing_dir()
    if not root.exists():
        return dg.SkipReason(f"no landing folder at {root}")
    seen = float(context.cursor or 0)
    fresh = [f for files in landed_files(root).values() for f in files if f.stat().st_mtime > seen]
    if not fresh:
        return dg.SkipReason(f"no new files in {root}")
    newest = max(f.stat().st_mtime for f in fresh)
    tables = ",".join(sorted({f.parent.parent.name for f in fresh}))
    requests = [
        dg.RunRequest(
            run_key=f"{start.isoformat()}@{newest}",
            partition_key=start.date().isoformat(),
            tags={"landing/files": str(len(fresh)), "landing/tables": tables, **window_tags(start, end)},
        )
        for start, end in arrival_windows(fresh)
    ]
    if not requests:
        return dg.SensorResult(
            skip_reason=f"{len(fresh)} new file(s) in {root} without a landing time: the daily run takes them",
            cursor=str(newest),
        )
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


def alert_about(kind: str, run, **details) -> dict:
    """An alert line: what happened to which run (job, partition, its page in the UI), and details."""
    return {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "job": run.job_name,
        "run_id": run.run_id,
        "partition": run.tags.get("dagster/partition"),
        "run_url": run_url(run.run_id),
        **details,
    }


def run_url(run_id: str) -> str:
    """The run's page in the Dagster UI (`make dagster`: DAGSTER_PORT, else 3000)."""
    return f"http://127.0.0.1:{os.environ.get('DAGSTER_PORT', '3000')}/runs/{run_id}"


def last_alert(job: str, log_path: Path, kinds: tuple[str, ...] = ("failure", "recovered")) -> dict | None:
    """The newest failure or recovery alert written for a job (warnings aside), if any."""
    if not log_path.exists():
        return None
    found = None
    for line in log_path.read_text(encoding="utf-8").splitlines():
        try:
            alert = json.loads(line)
        except ValueError:
            continue
        if alert.get("job") == job and alert.get("kind", "failure") in kinds:
            found = alert
    return found


def step_causes(context: dg.RunFailureSensorContext, limit: int = 3) -> list[str]:
    """Each failed step with the first line of its error: the table, check or expectation it names."""
    causes = []
    for event in context.get_step_failure_events()[:limit]:
        error = event.event_specific_data.error if event.event_specific_data else None
        while error is not None and error.cause is not None:  # the step's own exception, not Dagster's wrapper
            error = error.cause
        message = (error.message if error else event.message or "").strip()
        first = next((line.strip() for line in message.splitlines() if line.strip()), "")
        causes.append(f"{event.step_key}: {first[:400]}")
    return causes


def failed_checks(instance: dg.DagsterInstance, run_id: str, limit: int = 5) -> list[str]:
    """Each failed asset check of the run with what it found (its description, else its failures)."""
    found = []
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        if evaluation.passed:
            continue
        metadata = evaluation.metadata or {}
        said = evaluation.description or str(getattr(metadata.get("failures"), "value", "")).strip()
        found.append(f"{evaluation.asset_key.to_user_string()} {evaluation.check_name}: {said[:300]}")
    return found[:limit]


def warned_checks(instance: dg.DagsterInstance, run_id: str, limit: int = 5) -> list[str]:
    """Each asset check of the run that failed with a warning (rows set aside), with what it found."""
    found = []
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        if evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.WARN:
            continue
        said = str(getattr((evaluation.metadata or {}).get("failures"), "value", "")).strip()
        found.append(f"{evaluation.asset_key.to_user_string()} {evaluation.check_name}: {said[:600]}")
    return found[:limit]


def check_names(checks: list[str]) -> list[str]:
    return sorted(c.split(":", 1)[0] for c in checks)


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"A failed run is written to state/alerts.log and, when {WEBHOOK_ENV} is set, posted to that URL: "
    "the job, its partition, each failed step with its error, and a link to the run.",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext):
    checks = failed_checks(context.instance, context.dagster_run.run_id)
    previous = last_alert(context.dagster_run.job_name, settings.alert_log())
    if (
        checks
        and previous
        and previous.get("kind") == "failure"
        and check_names(previous.get("failed_checks", [])) == check_names(checks)
    ):
        # The same checks still failing (the 15-minute freshness job on a stalled feed): one alert
        # until the job recovers, not one every quarter hour.
        return dg.SkipReason(f"the same checks still fail; alerted at {previous['at']} (run {previous['run_id']})")
    alert = alert_about(
        "failure",
        context.dagster_run,
        error="; ".join(step_causes(context)) or context.failure_event.message,
        failed_checks=checks,
        recover="fix the cause, then re-execute the run from the UI with 'Re-execute all' "
        "(re-executing from failure skips the steps that loaded the bad input)",
    )
    record_alert(alert, settings.alert_log(), os.environ.get(WEBHOOK_ENV))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After a failure alert, the job's next successful run writes (and posts) a 'recovered' line.",
)
def alert_on_recovery(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    log_path = settings.alert_log()
    previous = last_alert(run.job_name, log_path)
    if not previous or previous.get("kind", "failure") != "failure":
        return dg.SkipReason(f"{run.job_name} had no unrecovered failure")
    alert = alert_about("recovered", run, recovers=previous.get("run_id"))
    record_alert(alert, log_path, os.environ.get(WEBHOOK_ENV))


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A run that succeeded with warning checks (rows set aside below the flood threshold) writes "
    f"(and posts to {WEBHOOK_ENV}) a 'warning' line naming the checks and what they found.",
)
def alert_on_warning(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    warned = warned_checks(context.instance, run.run_id)
    if not warned:
        return dg.SkipReason(f"{run.job_name} run {run.run_id} passed every check")
    record_alert(alert_about("warning", run, warned_checks=warned), settings.alert_log(), os.environ.get(WEBHOOK_ENV))
