"""The benchmark runs end to end at a tiny scale, so that it cannot rot: generation (tiled from
copies of a base world), the full build on the landing zone, the micro-batch of one new day, the
metric queries and the quality suites. It checks what the bench reports, never how fast."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import duckdb

from conftest import ROOT
from datagen import tile

SF = 0.02  # two copies of a base world at 0.01


def test_the_benchmark_runs_and_reports_every_figure(tmp_path):
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

    report = tmp_path / "BENCHMARKS.md"
    proc = subprocess.run([sys.executable, "-m", "bench", "--sf", str(SF), "--days", "90", "--landing", str(landing),
                           "--work", str(tmp_path / "work"), "--runs", "1", "--report", str(report)],
                          cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), DBT_PROFILES_DIR=str(ROOT)),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    text = report.read_text()
    for measure in ["read-everything floor", "full build (dbt build)", "micro-batch (one new day)",
                    "rows landed that day", "rows the incremental models took in", "query: DAU by day",
                    "dq (every GX suite, newest partition)"]:
        assert re.search(rf"\|\s+{re.escape(measure)} \| [0-9][0-9,.]* (s|ms)? ?\|", text), measure
    assert "cores" in text and "30 suites" in text and "0 failed" in text
    took_in = int(re.search(r"\|\s+rows the incremental models took in \| ([0-9,]+) \|", text).group(1).replace(",", ""))
    assert took_in > 0
