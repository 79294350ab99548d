"""What readers meet on the built warehouse: MetricFlow query latency, and the quality suites."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import duckdb

import contract
from contract.landing import read_landing

from . import measure

ROOT = Path(__file__).resolve().parents[1]
QUERIES = {
    "sales full cycle, month x store (8 metrics)": (
        [
            "store_visit_count",
            "order_new_count",
            "order_valid_count",
            "test_drive_rate",
            "order_close_rate",
            "store_visit_card_rate",
            "prospect_new_conversion_rate",
            "order_cancellation_rate",
        ],
        ["metric_time__month", "store"],
    ),
    "DAU by day": (["app_member_active_count"], ["metric_time__day"]),
    "conversion metrics by month (5)": (
        [
            "lead_to_test_drive_conversion_rate",
            "test_drive_to_order_conversion_rate",
            "member_retention_d1_rate",
            "member_retention_d7_rate",
            "member_retention_d30_rate",
        ],
        ["metric_time__month"],
    ),
}


def query_latency(database: Path, runs: int) -> dict[str, float]:
    """The median seconds of each query over runs (after one warm-up run), in-process MetricFlow."""
    os.environ["NEV_DUCKDB_PATH"] = str(database)
    os.environ["DBT_TARGET"] = "duckdb"  # the profile's default target, which MetricFlow uses
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    from indicators.engine import metricflow_session

    out = {}
    with metricflow_session() as engine:
        for label, (metrics, group_by) in QUERIES.items():
            times = []
            for _ in range(runs + 1):
                start = time.perf_counter()
                engine.query(MetricFlowQueryRequest.create(metric_names=metrics, group_by_names=group_by))
                times.append(time.perf_counter() - start)
            out[label] = statistics.median(times[1:])
    return out


def landing_views(database: Path, landing: Path) -> None:
    """GX reads raw.<table>: on the landing zone those are views over its Parquet files."""
    with duckdb.connect(str(database)) as con:
        con.execute("create schema if not exists raw")
        for t in contract.TABLES:
            con.execute(
                f"create or replace view raw.{t.name} as select {', '.join(t.column_names)} "
                f"from {read_landing(landing, t)}"
            )


def quality_suites(database: Path, landing: Path, env: dict) -> tuple[measure.Measured, str]:
    """Every GX suite on the newest partition: the run, and its summary line."""
    landing_views(database, landing)
    dq = measure.run([sys.executable, "-m", "quality", "run", "--target", "duckdb"], cwd=ROOT, env=env, echo=False)
    summary = [line for line in dq.output.splitlines() if "suites," in line]
    return dq, summary[-1] if summary else "no summary"
