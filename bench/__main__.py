"""python -m bench --sf 1: the warehouse at a scale factor, measured end to end.

Generates the landing zone if missing (data/raw/sf<SF>/, Parquet by landing day), links it into a
scratch folder (state/bench/sf<SF>/) holding back one 15-minute slice of the newest day D, then:

  floor        DuckDB reading every raw column once: the least any build must do
  full build   dbt build (models and data tests) on everything landed before D
  freshness    the slice lands as new files; the arrival sensor's logic asks for the run, the
               Dagster real-time job runs in this process; seconds until the ADS table and a
               metric query show D. Then the same job, warm, on a quarter hour nothing landed
               in: what a slice costs before it reads a row
  micro-batch  the whole of D as one batch (the real-time facts and everything above them, tests
               sized to the batch); the rows it took in against the rows landed
  queries      in-process MetricFlow: the median of repeated runs per query
  dq           every Great Expectations suite on the newest partition

prints a table and appends it, with the machine's cores and memory, to docs/benchmark-history.md; at SF 1 and
SF 10 it also rewrites that scale factor's column of the "current figures against targets" table
at the top of the file.

--resume continues where an earlier run on the same dbt project files (models, macros, data tests,
project, profiles, pins), landing zone and cut-off stopped (failed, stopped or killed):
- inside the full build: dbt's JSON log of each attempt (full-build/attempt-<n>/) says which nodes
  finished; the rest are built, and the full build is reported as the sum of the attempts' times,
  with the number of attempts and each one's dbt threads. The threads may differ between attempts
  (--threads 1 keeps two large models from spilling side by side): they change the pace of a
  build, not what it builds.
- after it (full-build/finished, but not full-build/completed): the full build is reported from its
  attempts and the steps after it run again. A batch cut short is simply run again: it re-derives
  every key it reads (delete+insert), so a second run over the same window leaves the same tables.

--target spark runs the builds on the local Spark cluster (scripts/spark.sh, which must be up), its
metastore and Parquet tables in the scratch folder; peak memory then counts the cluster's daemons
and executors too. Dagster, MetricFlow and GX run on DuckDB (and GX on PostgreSQL): the freshness
step, the queries and dq are measured on DuckDB only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import settings

from . import builds, freshness, landing, measure, reading, report
from .builds import StepFailed


@dataclass
class Run:
    """One bench run's settings and scratch places."""

    sf: float
    days: int
    runs: int
    threads: int
    spark: bool
    resume: bool
    landing: Path
    work: Path

    @property
    def database(self) -> Path:
        return self.work / "warehouse.duckdb"  # named like the warehouse: the semantic manifest says "warehouse"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sf", type=float, required=True, help="scale factor (1 = one year at ~150k cars)")
    p.add_argument("--days", type=int, default=365, help="days of data to generate (default %(default)s)")
    p.add_argument("--runs", type=int, default=5, help="query repetitions (median reported)")
    p.add_argument("--landing", type=Path, default=None, help="landing zone (default data/raw/sf<SF>)")
    p.add_argument("--work", type=Path, default=None, help="scratch folder (default state/bench/sf<SF>)")
    p.add_argument(
        "--report", type=Path, default=settings.ROOT / "BENCHMARKS.md", help="the current figures (SF 1 and 10)"
    )
    p.add_argument(
        "--log",
        type=Path,
        default=settings.ROOT / "docs" / "benchmark-history.md",
        help="the run log, where each run's table is appended",
    )
    p.add_argument("--no-report", action="store_true", help="print only")
    p.add_argument(
        "--threads",
        type=int,
        default=2,
        help="dbt threads (default %(default)s, as profiles.yml; DuckDB also runs each query on every core)",
    )
    p.add_argument("--generate-only", action="store_true", help="generate the landing zone if missing, then stop")
    p.add_argument(
        "--target", choices=["duckdb", "spark"], default="duckdb", help="dbt target (spark needs `make spark-up`)"
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the full build an earlier run left unfinished on the same dbt project and data",
    )
    return p.parse_args(argv)


def dbt_environment(run: Run, also: list[int]) -> dict[str, str]:
    env = dict(
        os.environ,
        NEV_DUCKDB_PATH=str(run.database),
        NEV_LANDING_DIR=str(run.work / "landing"),
        NEV_RAW_SOURCE="landing",
        NEV_DUCKDB_TEMP_DIR=str(run.work / "duckdb_tmp"),
        DBT_PROFILES_DIR=str(settings.ROOT),
        PYTHONPATH=str(settings.ROOT),
        DBT_TARGET="spark" if run.spark else "duckdb",
    )
    for name in settings.BATCH_VARIABLES:
        env.pop(name, None)  # the shell's batch must not leak into the bench's
    if run.spark:
        env |= {
            "NEV_SPARK_STATE": str(run.work / "spark"),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_CONF_DIR": str(settings.ROOT / "scripts" / "spark-conf"),
        }
    return env


def measure_micro_batch(
    run: Run, common: list[str], env: dict, also: list[int], scratch, day: dt.date, full, figures: list, results
) -> None:
    """The newest whole day as one micro-batch: its time against the full build's, its slowest nodes,
    and the rows it took in against the rows that landed."""
    tables = landing.realtime_tables()
    day_start, next_day = f"{day} 00:00:00", f"{day + dt.timedelta(days=1)} 00:00:00"
    new_rows, all_rows = landing.landed_rows(scratch.root, day, tables)
    window = {
        "NEV_RAW_LOADED_BEFORE": next_day,
        "NEV_BATCH_LANDED_FROM": day_start,
        "NEV_BATCH_LANDED_BEFORE": next_day,
    }
    micro = builds.micro_batch(common, run.work, env | window, also)
    spark_tables = run.work / "spark" / "warehouse" if run.spark else None
    took_in = builds.rows_in_window(
        run.database, builds.incremental_models(run.work / "target"), day_start, next_day, spark_tables
    )
    share = micro.seconds / full.seconds
    figures.append(
        (
            "micro-batch (one new day)",
            f"{micro.seconds:.1f} s",
            f"{share:.1%} of the full build; peak {measure.gib(micro.peak_bytes)}",
        )
    )
    figures.append(("  slowest nodes", "", builds.slowest(run.work / "target")))
    figures.append(
        (
            "  rows landed that day",
            f"{new_rows:,}",
            f"{new_rows / max(all_rows, 1):.2%} of {all_rows:,} rows of the real-time tables",
        )
    )
    # ODS takes in the landed rows (less rejects and exact copies); the layers above re-derive
    # the keys those rows touch, which can be more rows than landed
    ods = sum(n for m, n in took_in.items() if m.startswith("ods.ods_") and not m.startswith("ods.ods_quality"))
    figures.append(
        (
            "  rows the ODS models took in",
            f"{ods:,}",
            f"{ods / max(new_rows, 1):.2f}x the rows landed that day",
        )
    )
    figures.append(
        (
            "  rows the incremental models wrote",
            f"{sum(took_in.values()):,}",
            ", ".join(f"{m} {n:,}" for m, n in sorted(took_in.items()) if n),
        )
    )
    results.micro_batch, results.micro_share = micro.seconds, share
    results.took_in, results.landed = ods, new_rows


def measure_reading(run: Run, scratch, env: dict, figures: list, results) -> bool:
    """What readers meet on the built warehouse: metric queries, the quality suites, then the boards
    and the API through a real server; False when a suite failed."""
    latency = reading.query_latency(run.database, run.runs)
    for label, secs in latency.items():
        figures.append((f"query: {label}", f"{secs * 1000:.0f} ms", f"median of {run.runs}"))
    results.slowest_query = max(latency.values())
    dq, summary = reading.quality_suites(run.database, scratch.root, env)
    figures.append(
        (
            "dq (every GX suite, newest partition)",
            f"{dq.seconds:.1f} s",
            summary + ("" if dq.returncode == 0 else " (FAILED)"),
        )
    )
    # after the suites: the boards show fresh figures only once the day's ADS gate has passed
    try:
        serving = reading.serving_latency(run.database, run.work, run.runs, env)
    except RuntimeError as error:
        figures.append(("boards and API", "not measured", str(error)[:300]))
        serving = {}
    for label, (fresh, cached) in serving.items():
        figures.append(
            (
                label,
                f"{fresh * 1000:.0f} ms",
                f"median of {run.runs} after a new batch; {cached * 1000:.0f} ms cached",
            )
        )
    if serving:
        results.slowest_board = max(fresh for label, (fresh, _) in serving.items() if label.startswith("board"))
    return dq.returncode == 0


def measure_run(run: Run, figures: list, results: report.Results) -> bool:
    """Every step after generation, appending to figures and results; False when a step failed."""
    floor, raw_rows = landing.read_floor(run.landing)
    figures.append(("read-everything floor", f"{floor:.1f} s", f"{raw_rows:,} raw rows, every column once"))

    day = landing.newest_day(run.landing)
    day_start = f"{day} 00:00:00"
    tables = landing.realtime_tables()
    scratch = landing.scratch_landing(run.landing, run.work, day, tables)
    also: list[int] = []
    if run.spark:
        also = builds.spark_daemons()
        if not also:
            raise SystemExit("--target spark: the Spark cluster is not running: `make spark-up` first")
    env = dbt_environment(run, also)
    common = ["--threads", str(run.threads), "--target", "spark" if run.spark else "duckdb"]
    identity = {
        "dbt project": builds.build_inputs_version(),
        "landing": str(run.landing),
        "loaded_before": day_start,
        "target": common[-1],
    }
    attempts = builds.Attempts(run.work / "full-build", identity, run.resume)
    if not attempts.earlier:
        for stale in (run.database, run.database.with_name(run.database.name + ".wal")):
            stale.unlink(missing_ok=True)
        if run.spark:
            shutil.rmtree(run.work / "spark", ignore_errors=True)
    try:
        full = builds.full_build(attempts, common, run.work, env | {"NEV_RAW_LOADED_BEFORE": day_start}, also)
        figures.append(("full build (dbt build)", f"{full.seconds:.1f} s", full.note(floor, day)))
        figures.append(("  slowest nodes", "", full.slowest()))
        results.full_build, results.full_peak = full.seconds, full.peak_bytes
        results.full_disk = full.largest_file_bytes if len(full.attempts) == 1 else None  # else a part of it

        if run.spark:
            figures.append(("freshness", "(DuckDB only)", "Dagster runs the warehouse on DuckDB"))
            scratch.land_slice()
        else:
            fresh = freshness.slice_to_ads(scratch, run.database, day, env)
            figures.extend(fresh.figures())
            results.freshness = fresh.seconds

        measure_micro_batch(run, common, env, also, scratch, day, full, figures, results)

        if run.spark:
            figures.append(("queries, dq", "(DuckDB only)", "MetricFlow and the GX suites do not run on Spark"))
            attempts.completed()
            return True
        ok = measure_reading(run, scratch, env, figures, results)
        attempts.completed()
        return ok
    except StepFailed as failed:  # the report keeps what was measured and says where it stopped
        if failed.step != "full build":
            failed.error += " (the full build finished: --resume goes on from the step after it)"
        results.failed.append(failed.step)
        figures.append(
            (
                f"{failed.step}: FAILED",
                f"{failed.result.seconds:.1f} s",
                f"peak {measure.gib(failed.result.peak_bytes)}; {failed.error}",
            )
        )
        if (run.work / "target" / "run_results.json").exists():
            figures.append(("  slowest nodes", "", builds.slowest(run.work / "target")))
        return False


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    name = f"sf{a.sf:g}"
    spark = a.target == "spark"
    code = builds.code_version()  # the code measured: taken now, not when the table is written
    run = Run(
        sf=a.sf,
        days=a.days,
        runs=a.runs,
        threads=a.threads,
        spark=spark,
        resume=a.resume,
        landing=(a.landing or settings.ROOT / "data" / "raw" / name).resolve(),
        work=(a.work or settings.ROOT / "state" / "bench" / (name + ("-spark" if spark else ""))).resolve(),
    )
    run.work.mkdir(parents=True, exist_ok=True)
    print(f"bench {name}: landing {run.landing}, warehouse {run.database}", flush=True)
    value, note = landing.generate(run.landing, a.sf, a.days)
    figures: list[tuple[str, str, str]] = [("generation", value, note)]
    if a.generate_only:
        print(f"landing zone ready: {value} ({note})")
        return 0

    results = report.Results()
    ok = measure_run(run, figures, results)
    text = report.table(report.header(a.sf, a.days, spark, a.threads, code), figures)
    report.print_figures(figures)
    if not a.no_report:
        report.write(a.report, a.log, text, a.sf, None if spark else results, f"{dt.date.today()}, code {code}")
        print(f"\nappended to {a.log}; current figures in {a.report}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
