"""Freshness end to end: a 15-minute slice lands as new files; the arrival sensor's own logic asks
for the run, the real-time job runs in this process (as Dagster's run worker would run it), and the
clock stops when the ADS table and a metric query both show the slice's day."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

import settings

from . import measure
from .builds import BIN, StepFailed, top_nodes
from .landing import Scratch

METRIC = "app_member_active_daily_avg"  # DAU: the slice's day has it only once the slice is in


@dataclass
class Freshness:
    seconds: float  # file written -> ADS and the metric show the day
    sensor: float
    job: float
    visible: float  # the ADS read and the metric query after the job
    runs: int
    rows: int
    peak_bytes: int
    dau: int
    steps: dict[str, float]  # the real-time job's steps: where its time went
    nodes: dict[str, float]  # each dbt model and test the job ran: seconds, as dagster-dbt reported them
    idle: Idle  # the same job on a quarter hour nothing landed in

    def figures(self) -> list[tuple[str, str, str]]:
        return [
            (
                "freshness: 15-minute slice, file written -> ADS and metric",
                f"{self.seconds:.1f} s",
                f"{self.rows:,} rows in {self.runs} run(s); sensor {self.sensor:.1f} s, real-time job {self.job:.1f} s, "
                f"ADS + metric query {self.visible:.1f} s; DAU of the day {self.dau:,}; peak {measure.gib(self.peak_bytes)}; "
                "a deployed sensor adds up to its 30 s tick",
            ),
            ("  real-time job steps", "", steps_text(self.steps)),
            ("  slowest nodes", "", top_nodes(self.nodes)),
            self.idle.figure(),
        ]


@dataclass
class Idle:
    """The real-time job, warm, on a window nothing landed in: what a slice costs before it reads a row."""

    window: str
    seconds: float
    steps: dict[str, float]
    error: str | None

    def figure(self) -> tuple[str, str, str]:
        name = "  real-time job, nothing landed"
        if self.error:
            return (name, "FAILED", f"{self.window}: {self.error}")
        return (
            name,
            f"{self.seconds:.1f} s",
            f"{self.window}, warm: the cost before a row is read; {steps_text(self.steps)}",
        )


def steps_text(steps: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())


def run_job(job, instance, partition_key: str, tags: dict[str, str]):  # noqa: ANN001, ANN201 (Dagster's types)
    """Run the job in this process; returns (the run, seconds per step)."""
    run = job.execute_in_process(partition_key=partition_key, tags=tags, instance=instance, raise_on_error=False)
    steps: dict[str, float] = {}
    for stat in instance.get_run_step_stats(run.run_id):
        if stat.start_time and stat.end_time:
            steps[stat.step_key] = steps.get(stat.step_key, 0.0) + stat.end_time - stat.start_time
    return run, steps


def run_error(run) -> str:  # noqa: ANN001 (Dagster's type)
    return next((e.message for e in run.all_events if e.is_step_failure), "the run failed")[:300]


def idle_run(job, instance, scratch: Scratch, database: Path) -> Idle:  # noqa: ANN001 (Dagster's types)
    """The job on a quarter hour two days after the zone's last landing day, which no file can hold
    a row of (late rows land for days after the newest business day); the landing records
    (ods_quality__landing_minutes) must then show none. The clock stays the slice's: the ADS
    freshness checks pass as they did for it."""
    from orchestration.assets import window_tags
    from orchestration.automation import landed_files

    last = dt.date.fromisoformat(max(landed_files(scratch.root)))
    start = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(6, 0))
    end = start + dt.timedelta(minutes=15)
    began = time.perf_counter()
    run, steps = run_job(job, instance, start.date().isoformat(), window_tags(start, end))
    seconds = time.perf_counter() - began
    window = f"{start:%Y-%m-%d %H:%M} to {end:%H:%M}"
    with duckdb.connect(str(database), read_only=True) as con:
        landed = con.execute(
            "select coalesce(sum(rows_landed), 0) from ods.ods_quality__landing_minutes "
            "where landed_minute >= ? and landed_minute < ?",
            [start, end],
        ).fetchone()[0]
    error = run_error(run) if not run.success else f"{landed:,} rows landed in it" if landed else None
    return Idle(window, seconds, steps, error)


def node_seconds(events) -> dict[str, float]:
    """Each dbt node's execution time from a run's events: dagster-dbt puts it in the metadata of the
    materialization of a model and of the check of a test."""
    seconds = {}
    for event in events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            data = event.event_specific_data.materialization
            name = data.asset_key.path[-1]
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            name = data.check_name
        else:
            continue
        duration = data.metadata.get("Execution Duration")
        if duration is not None:
            seconds[name] = float(duration.value)
    return seconds


def ads_dau(database: Path, day: dt.date) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(
            "select daily_active_members from ads.ads_aarrr_overview_daily where activity_date = ?", [day]
        ).fetchone()
    return int(row[0] or 0) if row else 0


def metric_dau(day: dt.date) -> int:
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    from indicators.engine import metricflow_session

    with metricflow_session() as engine:
        result = engine.query(
            MetricFlowQueryRequest.create(
                metric_names=[METRIC],
                group_by_names=["metric_time__day"],
                where_constraints=[f"{{{{ TimeDimension('metric_time', 'day') }}}} = '{day}'"],
            )
        )
    table = result.result_df
    column = list(table.column_names).index(METRIC)
    return sum(int(row[column] or 0) for row in table.rows)


def deploy_manifest(env: dict[str, str], folder: Path) -> dict[str, str]:
    """Parse the project once the way a deployment does (`make manifest`), with the bench's warehouse
    file and landing zone, into folder; returns the environment that has dagster-dbt start each run
    from that parse (DBT_TARGET_PATH), so the run parses nothing. The parse `make bench` saved has
    other settings, which dbt treats as a changed profile: the run's first op would parse the whole
    project again. A folder of its own, so that nothing else reading target/ sees it change."""
    subprocess.run(
        [str(BIN / "dbt"), "parse", "--quiet", "--target-path", str(folder)], cwd=settings.ROOT, env=env, check=True
    )
    return {"DBT_TARGET_PATH": str(folder)}


def slice_to_ads(scratch: Scratch, database: Path, day: dt.date, env: dict[str, str]) -> Freshness:
    """Land the held-back slice and take it through Dagster's real-time path to ADS and a metric."""
    # dagster-dbt hands dbt this process's environment; MetricFlow reads it too
    os.environ.update(env | deploy_manifest(env, database.parent / "deployed-target"))
    import dagster as dg

    from orchestration import automation
    from orchestration.assets import LANDED_BEFORE_TAG, MICRO_BATCH_JOB
    from orchestration.definitions import build_definitions

    job = build_definitions().resolve_job_def(MICRO_BATCH_JOB)
    rows = scratch.slice_rows()
    before = ads_dau(database, day)
    with dg.DagsterInstance.ephemeral() as instance, measure.TreePeak() as peak:
        cursor = str(time.time())  # everything in the zone now is old news to the sensor
        time.sleep(0.05)
        start = time.perf_counter()
        scratch.land_slice()
        with dg.build_sensor_context(cursor=cursor, instance=instance) as context:
            asked = automation.raw_arrival(context)
        sensed = time.perf_counter()
        requests = getattr(asked, "run_requests", None) or []
        if not requests:
            raise StepFailed(
                "freshness", measure.Measured(sensed - start, 0, "", 1), f"the sensor asked for no run: {asked}"
            )
        steps: dict[str, float] = {}
        nodes: dict[str, float] = {}
        for request in requests:
            # The replayed slice lands at its own time: the ADS freshness checks judge by that clock.
            os.environ["NEV_NOW"] = request.tags[LANDED_BEFORE_TAG].replace(" ", "T")
            run, took = run_job(job, instance, request.partition_key, request.tags)
            for step, seconds in took.items():
                steps[step] = steps.get(step, 0.0) + seconds
            nodes |= node_seconds(run.all_events)
            if not run.success:
                raise StepFailed(
                    "freshness", measure.Measured(time.perf_counter() - start, peak.peak, "", 1), run_error(run)
                )
        ran = time.perf_counter()
        dau, metric = ads_dau(database, day), metric_dau(day)
        done = time.perf_counter()
        slice_peak = peak.peak  # the idle run below is not the slice's
        idle = idle_run(job, instance, scratch, database)
    if not dau or dau == before or not metric:
        raise StepFailed(
            "freshness",
            measure.Measured(done - start, slice_peak, "", 1),
            f"the slice did not show: DAU of {day} in ADS {before} before, {dau} after; the metric says {metric}",
        )
    return Freshness(
        done - start, sensed - start, ran - sensed, done - ran, len(requests), rows, slice_peak, dau, steps, nodes, idle
    )
