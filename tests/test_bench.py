"""The benchmark runs end to end at a tiny scale, so that it cannot rot: generation (tiled from
copies of a base world), the full build on the landing zone (killed part-way and resumed, then killed after it and resumed again), the
micro-batch of one new day, the metric queries and the quality suites; and a failed build is
reported. It checks what the bench reports, never how fast."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, parsed_rows

from bench.builds import read_attempt
from datagen import tile
from quality.suites import suites

SF = 0.02  # two copies of a base world at 0.01


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bench")
    landing = tmp_path / "landing"
    # Two copies of a small base world, as --scale above BASE_SCALE writes them.
    subprocess.run(
        [sys.executable, "-m", "datagen", "--scale", "0.01", "--days", "90", "--out", str(tmp_path / "base")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    rows = tile.tile(tmp_path / "base", landing, copies=2, log=lambda m: None)
    with duckdb.connect() as con:
        base_events = con.execute(
            f"select count(*) from read_parquet('{tmp_path}/base/raw_app__events/*/*.parquet')"
        ).fetchall()[0][0]
        ids = con.execute(
            f"select count(distinct event_id), count(*) from read_parquet('{landing}/raw_app__events/*/*.parquet')"
        ).fetchall()[0]
    assert rows["raw_app__events"] == 2 * base_events and ids[0] >= 2 * base_events * 0.97  # dirt: exact duplicates
    (landing / "_complete").write_text("tiled in the test\n")
    return landing


def bench_command(landing, work, report, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench",
        "--sf",
        str(SF),
        "--days",
        "90",
        "--landing",
        str(landing),
        "--work",
        str(work),
        "--runs",
        "1",
        "--report",
        str(report),
        "--log",
        str(log_of(report)),
        *args,
    ]


def log_of(report: Path) -> Path:
    """The run log a test's bench appends to, beside its report."""
    return report.with_name("benchmark-history.md")


BENCH_ENV = dict(os.environ, PYTHONPATH=str(ROOT), DBT_PROFILES_DIR=str(ROOT))


def bench(landing, work, report, *args: str, **env):
    return subprocess.run(
        bench_command(landing, work, report, *args), cwd=ROOT, env=BENCH_ENV | env, capture_output=True, text=True
    )


def test_a_failed_build_is_reported_with_what_was_measured_before_it(landing, tmp_path):
    """A scale run that fails (here: a memory limit DuckDB cannot parse) still appends its table,
    with the floor it measured, the step that failed, after how long, and the error; and exits 1."""
    report = tmp_path / "BENCHMARKS.md"
    proc = bench(landing, tmp_path / "work", report, NEV_DUCKDB_MEMORY_LIMIT="lots")
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = log_of(report).read_text()
    assert re.search(r"\| read-everything floor \| [0-9.]+ s \|", text)
    failed = re.search(r"\| full build: FAILED \| [0-9.]+ s \| peak [^;]+; (.+) \|", text)
    assert failed and "memory" in failed.group(1).lower(), text
    assert "micro-batch (one new day)" not in text and "query:" not in text


def run_until(command: list[str], stop_when) -> None:
    """Start a bench, and kill it (SIGKILL, bench and dbt together) as soon as stop_when() holds."""
    proc = subprocess.Popen(
        command, cwd=ROOT, env=BENCH_ENV, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while proc.poll() is None and not stop_when():
            time.sleep(0.2)
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone: the caller's assert says so
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_a_killed_bench_resumes_where_it_stopped_and_reports_every_figure(landing, tmp_path):
    """The bench is killed once the full build has finished some nodes; --resume (here with one dbt
    thread instead of two) builds only the nodes that had not finished, and is killed in turn once the
    full build has finished; a second --resume builds nothing again, reports the full build as both
    attempts together, and runs every step after it. (One run end to end, to keep the suite short.)"""
    report, work = tmp_path / "BENCHMARKS.md", tmp_path / "work"
    builds = work / "full-build"
    first = builds / "attempt-1"
    # past the 22 parsed batches: some of their readers finish in this attempt, the rest in the next
    run_until(bench_command(landing, work, report), lambda: len(read_attempt(first).nodes) >= 30)
    done_first = read_attempt(first).done
    assert len(done_first) >= 30 and not (builds / "finished").exists(), (
        "the first run was not stopped inside its full build"
    )

    run_until(bench_command(landing, work, report, "--resume", "--threads", "1"), (builds / "finished").exists)
    assert (builds / "finished").exists() and not log_of(report).exists(), (
        "the second run was not stopped after its full build"
    )
    second = read_attempt(builds / "attempt-2").nodes
    assert second and not done_first & set(second), "a node that had finished was built again"
    # The parsed batches were emptied although their readers ran over two attempts.
    assert set(parsed_rows(work / "warehouse.duckdb").values()) == {0}

    resumed = bench(landing, work, report, "--resume", "--threads", "1")
    assert resumed.returncode == 0, resumed.stdout[-4000:] + resumed.stderr[-2000:]
    assert "the full build finished in an earlier run (2 attempt(s)" in resumed.stdout
    assert not (builds / "attempt-3").exists(), "the finished full build ran again"
    text = log_of(report).read_text()
    full = re.search(
        r"\| full build \(dbt build\) \| ([0-9.]+) s \| .*in 2 attempts \(([0-9]+) \+ ([0-9]+) s, "
        r"dbt threads 2 \+ 1\), resumed with --resume; the steps below ran again in a later run",
        text,
    )
    assert full, text
    assert abs(float(full.group(1)) - int(full.group(2)) - int(full.group(3))) <= 1
    for measure in [
        "read-everything floor",
        "full build (dbt build)",
        "freshness: 15-minute slice, file written -> ADS and metric",
        "micro-batch (one new day)",
        "rows landed that day",
        "rows the ODS models took in",
        "rows the incremental models wrote",
        "query: DAU by day",
        "dq (every GX suite, newest partition)",
    ]:
        assert re.search(rf"\|\s+{re.escape(measure)} \| [0-9][0-9,.]* (s|ms)? ?\|", text), measure
    assert "cores" in text and f"{len(suites())} suites" in text and "0 failed" in text
    # the slice's dbt nodes, as dagster-dbt reported them, right after its job's steps
    assert re.search(r"\|\s+real-time job steps \|[^\n]*\n\|\s+slowest nodes \|\s*\|\s*[a-z0-9_]+ [0-9.]+ s", text), (
        text
    )
    # the same job, warm, on a quarter hour nothing landed in: what a slice costs before it reads a row
    assert re.search(r"\|\s+real-time job, nothing landed \| [0-9.]+ s \| [0-9-]+ [0-9:]+ to [0-9:]+, warm", text), text
    took_in = int(re.search(r"\|\s+rows the ODS models took in \| ([0-9,]+) \|", text).group(1).replace(",", ""))
    assert took_in > 0
    # The micro-batch and the slice after the full build are windowed: they keep what they parsed.
    assert sum(parsed_rows(work / "warehouse.duckdb").values()) > 0
    # Every step ran: a further --resume has nothing to continue and starts over.
    assert (builds / "completed").exists()


def test_a_run_rewrites_its_own_column_of_the_current_figures_and_keeps_the_other(tmp_path):
    from bench import report

    path, log = tmp_path / "BENCHMARKS.md", tmp_path / "docs" / "benchmark-history.md"
    ten = report.Results(
        freshness=150.0,
        micro_batch=200.0,
        full_build=3000.0,
        full_peak=10 * 2**30,
        full_disk=45 * 10**9,
        slowest_query=0.5,
    )
    report.write(path, log, "## SF 10 run\n", 10, ten, "2026-11-29, code aaa")
    one = report.Results(freshness=20.0, micro_batch=40.0, micro_share=0.1, full_build=250.0, full_peak=5 * 2**30)
    report.write(path, log, "## SF 1 run\n", 1, one, "2026-11-30, code bbb")
    text = path.read_text()
    summary = text.split(report.BEGIN)[1].split(report.END)[0]
    assert "SF 1: 2026-11-30, code bbb" in summary and "SF 10: 2026-11-29, code aaa" in summary
    row = next(line for line in summary.splitlines() if line.startswith("| 15-minute slice"))
    assert row.split("|")[3].strip() == "20.0 s (met)" and row.split("|")[5].strip().startswith(
        "150 s (**missed** by 2.5x"
    )
    row = next(line for line in summary.splitlines() if line.startswith("| one whole day"))
    assert "40.0 s (**missed** by 2.0x)" in row
    row = next(line for line in summary.splitlines() if line.startswith("| largest warehouse file"))
    assert [c.strip() for c in row.split("|")[2:6]] == ["-", "not measured", "<= 40", "45.0 (**missed** by 1.1x)"]
    assert "## SF" not in text, "BENCHMARKS.md holds the current figures only"
    history = log.read_text()
    assert history.index("## SF 10 run") < history.index("## SF 1 run")  # the run log, oldest first


def test_the_spark_bench_runs_dbt_and_reads_pyspark_from_the_spark_environment(monkeypatch, tmp_path):
    """`make bench TARGET=spark` once ran .venv's dbt (no Spark adapter) and imported pyspark in .venv."""
    import settings
    from bench import builds, measure, report

    ran = []

    def fake_run(cmd, **kwargs):
        ran.append(cmd)
        return measure.Measured(seconds=0.0, peak_bytes=0, output="Done.", returncode=0)

    monkeypatch.setattr(measure, "run", fake_run)
    (tmp_path / "target").mkdir()
    builds.dbt(["build", "--target", "spark"], tmp_path, {})
    builds.dbt(["build", "--target", "duckdb"], tmp_path, {})
    assert ran[0][0] == str(settings.SPARK_VENV / "bin" / "dbt"), ran[0]
    assert ran[1][0] == str(Path(sys.executable).with_name("dbt")), ran[1]
    header = report.header(1, 365, True, 2, "abc")  # no ImportError: pyspark is asked of its own environment
    assert "on Spark" in header


def test_the_bench_reports_the_largest_size_a_file_reached_not_its_last(tmp_path):
    """The warehouse file can shrink before a build ends (the parsed batches are emptied): the
    bench samples its size (with the write-ahead log) while the build runs."""
    from bench import measure

    warehouse = tmp_path / "warehouse.duckdb"
    script = (
        f"head -c 3000000 /dev/zero > {warehouse}.wal; head -c 1000000 /dev/zero > {warehouse}; "
        f"sleep 0.5; rm {warehouse}.wal; sleep 0.3"
    )
    result = measure.run(["sh", "-c", script], echo=False, watch=warehouse)
    assert result.returncode == 0
    assert result.peak_file_bytes == 4_000_000, result.peak_file_bytes
    assert measure.file_size(warehouse) == 1_000_000
