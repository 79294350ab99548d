"""The benchmark runs end to end at a tiny scale, so that it cannot rot: generation (tiled from
copies of a base world), the full build on the landing zone, the micro-batch of one new day, the
metric queries and the quality suites. It checks what the bench reports, never how fast."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import duckdb
import pytest

from conftest import ROOT
from datagen import tile

SF = 0.02  # two copies of a base world at 0.01


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bench")
    landing = tmp_path / "landing"
    # Two copies of a small base world, as --scale above BASE_SCALE writes them.
    subprocess.run([sys.executable, "-m", "datagen", "--scale", "0.01", "--days", "90", "--out", str(tmp_path / "base")],
                   cwd=ROOT, check=True, capture_output=True)
    rows = tile.tile(tmp_path / "base", landing, copies=2, log=lambda m: None)
    with duckdb.connect() as con:
        base_events = con.execute(f"select count(*) from read_parquet('{tmp_path}/base/raw_app__events/*/*.parquet')").fetchall()[0][0]
        ids = con.execute(f"select count(distinct event_id), count(*) from read_parquet('{landing}/raw_app__events/*/*.parquet')").fetchall()[0]
    assert rows["raw_app__events"] == 2 * base_events and ids[0] >= 2 * base_events * 0.97  # dirt: exact duplicates
    (landing / "_complete").write_text("tiled in the test\n")
    return landing


def bench(landing, work, report, **env):
    return subprocess.run([sys.executable, "-m", "bench", "--sf", str(SF), "--days", "90", "--landing", str(landing),
                           "--work", str(work), "--runs", "1", "--report", str(report)],
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), DBT_PROFILES_DIR=str(ROOT), **env),
                          capture_output=True, text=True)


def test_the_benchmark_runs_and_reports_every_figure(landing, tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    proc = bench(landing, tmp_path / "work", report)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    text = report.read_text()
    for measure in ["read-everything floor", "full build (dbt build)", "micro-batch (one new day)",
                    "rows landed that day", "rows the incremental models took in", "query: DAU by day",
                    "dq (every GX suite, newest partition)"]:
        assert re.search(rf"\|\s+{re.escape(measure)} \| [0-9][0-9,.]* (s|ms)? ?\|", text), measure
    assert "cores" in text and "30 suites" in text and "0 failed" in text
    took_in = int(re.search(r"\|\s+rows the incremental models took in \| ([0-9,]+) \|", text).group(1).replace(",", ""))
    assert took_in > 0


def test_a_failed_build_is_reported_with_what_was_measured_before_it(landing, tmp_path):
    """A scale run that fails (here: a memory limit DuckDB cannot parse) still appends its table,
    with the floor it measured, the step that failed, after how long, and the error; and exits 1."""
    report = tmp_path / "BENCHMARKS.md"
    proc = bench(landing, tmp_path / "work", report, NEV_DUCKDB_MEMORY_LIMIT="lots")
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = report.read_text()
    assert re.search(r"\| read-everything floor \| [0-9.]+ s \|", text)
    failed = re.search(r"\| full build: FAILED \| [0-9.]+ s \| peak [^;]+; (.+) \|", text)
    assert failed and "memory" in failed.group(1).lower(), text
    assert "micro-batch (one new day)" not in text and "query:" not in text
