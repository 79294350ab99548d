"""What readers meet on the built warehouse: MetricFlow query latency, and the quality suites."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

import contract
import settings
from contract.landing import read_landing
from products.access import issue

from . import measure

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
    "DAU by day": (["app_member_active_daily_avg"], ["metric_time__day"]),
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
        for name in saved_queries():
            times = []
            for _ in range(runs + 1):
                start = time.perf_counter()
                engine.query(MetricFlowQueryRequest.create(saved_query_name=name))
                times.append(time.perf_counter() - start)
            out[f"saved query {name}"] = statistics.median(times[1:])
    return out


def saved_queries() -> list[str]:
    from indicators.export import saved_queries as names

    return names()


BOARDS = {
    "board: 门店看板 (store)": "/boards/store?store={store}",
    "board: 经营大屏 (C-level)": "/boards/c-level",
    "board: 经销商月报 (dealer)": "/boards/dealer",
    "API: DAU by day": "/api/query?metrics=app_member_active_daily_avg&group_by=metric_time__day",
    "API: conversion metrics by month": "/api/query?metrics=lead_to_test_drive_conversion_rate,"
    "test_drive_to_order_conversion_rate,member_retention_d7_rate&group_by=metric_time__month",
}


BIN_MF = [
    str(settings.ROOT / "bin" / "mf"),
    "query",
    "--metrics",
    "lead_count,order_new_count,order_close_rate",
    "--group-by",
    "metric_time__month",
]


def serving_latency(database: Path, work: Path, runs: int, env: dict) -> dict[str, tuple[float, float]]:
    """Each board page and API query through a real server process (python -m products serve), warm:
    (median seconds with the answers recomputed, as after every new batch; median seconds cached)."""
    access = work / "access.json"
    with duckdb.connect(str(database), read_only=True) as con:
        (store,) = con.execute("select min(store_id) from dwd.dwd_dim_store").fetchone()
    token = issue(access, "bench", None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = work / "products-server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "products", "serve", "--port", str(port), "--busy-timeout", "60"],
        cwd=settings.ROOT,
        env=dict(env, NEV_DUCKDB_PATH=str(database), NEV_ACCESS_FILE=str(access), PYTHONPATH=str(settings.ROOT)),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def get(path: str) -> float:
        request = urllib.request.Request(url + path, headers={"Authorization": f"Bearer {token}"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            body = response.read()
        seconds = time.perf_counter() - start
        if b'data-testid="warning"' in body:  # a board serving its last good data renders nothing new
            raise RuntimeError(f"{path} shows a quality-gate warning instead of fresh figures: not measured")
        return seconds

    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                get("/healthz")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the products server did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.5)
        out = {}
        for label, path in BOARDS.items():
            path = path.format(store=store)
            get(path)  # warm: the engine's plans and the file's pages
            fresh, cached = [], []
            for _ in range(runs):
                os.utime(database)  # a new warehouse version, as a batch leaves it: nothing cached
                fresh.append(get(path))
                cached.append(get(path))
            out[label] = (statistics.median(fresh), statistics.median(cached))
        # bin/mf as a person types it, while the server runs: answered by its warm engine
        mf_env = dict(env, NEV_DUCKDB_PATH=str(database), NEV_ACCESS_FILE=str(access), NEV_MF_VERBOSE="1")

        def bin_mf() -> float:
            start = time.perf_counter()
            done = subprocess.run(BIN_MF, env=mf_env, capture_output=True, text=True, cwd=settings.ROOT)
            seconds = time.perf_counter() - start
            if done.returncode or "answered by the metrics server" not in done.stderr:
                raise RuntimeError(f"bin/mf did not go through the server: {done.stderr[-500:]}")
            return seconds

        bin_mf()
        fresh, again = [], []
        for _ in range(runs):
            os.utime(database)
            fresh.append(bin_mf())
            again.append(bin_mf())
        out["bin/mf query, server running"] = (statistics.median(fresh), statistics.median(again))
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=30)


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
    dq = measure.run(
        [sys.executable, "-m", "quality", "run", "--target", "duckdb"], cwd=settings.ROOT, env=env, echo=False
    )
    summary = [line for line in dq.output.splitlines() if "suites," in line]
    return dq, summary[-1] if summary else "no summary"
