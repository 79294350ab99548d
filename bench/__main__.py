"""python -m bench --sf 1: the warehouse at a scale factor, measured end to end.

Generates the landing zone if missing (data/raw/sf<SF>/, Parquet by landing day), then on a
scratch warehouse (state/bench/sf<SF>/warehouse.duckdb):

  floor        DuckDB reading every raw column once: the least any build must do
  full build   dbt build (models and data tests) on everything landed before the newest day
  micro-batch  the newest day lands: the Dagster micro-batch (incremental real-time facts and
               everything above them) with that day as its batch window; rows it took in
  queries      in-process MetricFlow: the median of repeated runs per query
  dq           every Great Expectations suite on the newest partition

prints a table and appends it, with the machine's cores and memory, to BENCHMARKS.md.

--resume continues where an earlier run on the same dbt project files (models, macros, data tests,
project, profiles, pins), landing zone and cut-off stopped (failed, stopped or killed):
- inside the full build: dbt's JSON log of each attempt (full-build/attempt-<n>/) says which nodes
  finished; the rest are built, and the full build is reported as the sum of the attempts' times,
  with the number of attempts and each one's dbt threads. The threads may differ between attempts
  (--threads 1 keeps two large models from spilling side by side): they change the pace of a
  build, not what it builds.
- after it (full-build/finished, but not full-build/completed): the full build is reported from its
  attempts and the steps after it run again. A micro-batch cut short is simply run again: it
  replaces the rows of every key it reads (delete+insert), so a second run over the same window
  does the same work and leaves the same tables.

--target spark runs the same builds on the local Spark cluster (scripts/spark.sh, which must be up),
its metastore and Parquet tables in the scratch folder; peak memory then counts the cluster's
daemons and executors too. MetricFlow does not support Spark, and GX runs on DuckDB and
PostgreSQL only: the queries and dq are measured on DuckDB only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

import contract
from contract.landing import read_landing
from orchestration.automation import REALTIME_SELECT
from quality.suites import LANDING_DAY

from . import measure

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The micro-batch Dagster schedules, as a dbt selection.
MICRO_BATCH = [REALTIME_SELECT]
NOT_IN_SCALE_RUNS = ["resource_type:seed", "resource_type:unit_test"]  # unit tests read the demo seeds
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


def code_version() -> str:
    """The commit measured, marked when the work tree differs from it in anything but the docs
    (BENCHMARKS.md itself changes with every run)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)*.md"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "no git"
    return head + (" with uncommitted changes" if dirty else "")


# What a full build's result depends on: an attempt is continued only while these are unchanged.
BUILD_INPUTS = [
    "models",
    "macros",
    "tests/dbt",
    "dbt_project.yml",
    "profiles.yml",
    "requirements.lock",
    "requirements-spark.lock",
]


def build_inputs_version() -> str:
    """A hash of the dbt project's files as they are now (committed or not), so that a commit that
    changes only the docs or the bench does not stop an interrupted build from being continued."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-s", "--", *BUILD_INPUTS], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        diff = subprocess.run(
            ["git", "diff", "HEAD", "--", *BUILD_INPUTS], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "no git"
    return hashlib.sha1((out + diff).encode()).hexdigest()[:12]


def gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def newest_day(landing: Path) -> dt.date:
    """The last business day of the data (the newest APP event day): the day the micro-batch lands."""
    sql = (
        f"select max(try_cast(substr(event_at, 1, 10) as date)) "
        f"from read_parquet('{landing}/raw_app__events/*/*.parquet')"
    )
    return duckdb.sql(sql).fetchall()[0][0]


def read_floor(landing: Path) -> tuple[float, int]:
    """Seconds to read every column of every raw table once, and the rows read."""
    con = duckdb.connect()
    start, rows = time.perf_counter(), 0
    for t in contract.TABLES:
        aggs = ", ".join(f"max(length({c}))" for c in t.column_names)
        rows += con.execute(f"select count(*), {aggs} from {read_landing(landing, t)}").fetchall()[0][0]
    con.close()
    return time.perf_counter() - start, rows


def realtime_tables() -> list[str]:
    """The raw tables whose models carry the dbt tag `realtime` (target/manifest.json)."""
    nodes = json.loads((ROOT / "target" / "manifest.json").read_text())["nodes"].values()
    return sorted(
        {
            f"raw_{n['name'][4:].removesuffix('_parsed')}"
            for n in nodes
            if n["resource_type"] == "model" and "realtime" in n["tags"]
        }
    )


def landed_rows(landing: Path, day: dt.date) -> tuple[int, int]:
    """Rows landed on the business day, and all rows, over the tables the micro-batch reads."""
    new = total = 0
    for name in realtime_tables():
        sql = (
            f"select count(*) filter (where {LANDING_DAY} = ?), count(*) "
            f"from {read_landing(landing, contract.BY_NAME[name])}"
        )
        n, t = duckdb.execute(sql, [day]).fetchall()[0]
        new, total = new + n, total + t
    return new, total


def incremental_models(target: Path) -> list[tuple[str, str]]:
    """(schema.name, landing time column) of every incremental model, from the manifest of the run."""
    nodes = json.loads((target / "manifest.json").read_text())["nodes"].values()
    return sorted(
        (f"{n['schema']}.{n['name']}", n["config"]["meta"].get("batch_column", "_loaded_at"))
        for n in nodes
        if n["resource_type"] == "model"
        and n["config"]["materialized"] == "incremental"
        and n["config"]["meta"].get("batch_column") != "none"  # a summary without landing times
    )


def top_nodes(seconds: dict[str, float], n: int = 5) -> str:
    """The n slowest nodes, from node name -> seconds: where the time went."""
    top = sorted(seconds.items(), key=lambda item: item[1], reverse=True)[:n]
    return ", ".join(f"{name[:60]} {s:.1f} s" for name, s in top)


def slowest(target: Path) -> str:
    """The slowest nodes of the last dbt run, from its run_results.json."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return top_nodes({r["unique_id"].split(".")[2]: r["execution_time"] for r in results})


@dataclass
class Attempt:
    """One run of the full build, as its dbt JSON log and peak file left it."""

    nodes: dict[str, tuple[str, float]]  # node name -> (status, seconds), for every node that finished
    seconds: float  # first to last log line: all that a killed run leaves
    peak_bytes: int
    threads: int | None  # dbt threads it ran with

    @property
    def done(self) -> set[str]:
        return {name for name, (status, _) in self.nodes.items() if status in DONE}


DONE = ("success", "pass", "warn")  # a node that need not run again


def read_attempt(folder: Path) -> Attempt:
    nodes, stamps = {}, []
    log = folder / "dbt.log"
    for line in log.read_text().splitlines() if log.exists() else []:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line cut short when the run was killed
        stamps.append(dt.datetime.fromisoformat(event["info"]["ts"]))
        if event["info"]["name"] == "NodeFinished":
            node, result = event["data"]["node_info"], event["data"]["run_result"]
            nodes[node["node_name"]] = (result["status"], float(result["execution_time"]))
    seconds = (stamps[-1] - stamps[0]).total_seconds() if stamps else 0.0
    peak, threads = folder / "peak", folder / "threads"
    return Attempt(
        nodes,
        seconds,
        int(peak.read_text() or 0) if peak.exists() else 0,
        int(threads.read_text()) if threads.exists() else None,
    )


def earlier_attempts(folder: Path, identity: dict) -> list[Attempt]:
    """The attempts an earlier run left for the same build (dbt project files, landing zone, cut-off, target),
    oldest first; none when there is nothing of that build to continue, or when every step after
    it ran to the end too (then there is nothing left to measure on that warehouse)."""
    try:
        if json.loads((folder / "identity.json").read_text()) != identity:
            return []
    except (OSError, ValueError):
        return []
    if (folder / "completed").exists():
        return []
    return [read_attempt(d) for d in sorted(folder.glob("attempt-*"), key=lambda d: int(d.name.split("-")[1]))]


def rows_in_window(
    database: Path, tables: list[tuple[str, str]], start: str, end: str, spark_warehouse: Path | None = None
) -> dict[str, int]:
    """Rows of each incremental model that landed in the window: what the micro-batch took in.
    On Spark the tables are read as the Parquet files they are."""

    def relation(table: str) -> str:
        schema, name = table.split(".")
        return f"read_parquet('{spark_warehouse}/{schema}.db/{name}/*.parquet')" if spark_warehouse else table

    with duckdb.connect(":memory:" if spark_warehouse else str(database), read_only=not spark_warehouse) as con:
        return {
            t: con.execute(
                f"select count(*) from {relation(t)} where {column} >= cast(? as timestamp) "
                f"and {column} < cast(? as timestamp)",
                [start, end],
            ).fetchall()[0][0]
            for t, column in tables
        }


def spark_daemons() -> list[int]:
    """Pids of the local Spark cluster's master and workers (their executors are their children)."""
    pids = []
    for pidfile in (ROOT / "state" / "spark" / "run").glob("*.pid"):
        try:
            pid = int(pidfile.read_text().strip())
        except (OSError, ValueError):
            continue
        if Path(f"/proc/{pid}").exists():
            pids.append(pid)
    return pids


class StepFailed(Exception):
    """A measured step that failed: what ran, for how long, and the first error it met."""

    def __init__(self, step: str, result: measure.Measured, error: str):
        super().__init__(f"{step}: {error}")
        self.step, self.result, self.error = step, result, error


def first_error(target: Path, output: str) -> str:
    """The first node that errored (run_results.json), else the first error line dbt printed."""
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = []
    for r in results:
        if r["status"] in ("error", "fail", "runtime error"):
            message = " ".join((r.get("message") or "").split())
            return f"{r['unique_id'].split('.')[2]}: {message}"[:300].replace("|", "/")
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in output.splitlines()]
    errors = [line for line in lines if "Error" in line] or [line for line in lines if line] or ["no output"]
    return errors[0][:300].replace("|", "/")


def dbt(
    args: list[str],
    work: Path,
    env: dict,
    also: list[int] | None = None,
    step: str = "dbt build",
    attempt: Path | None = None,
) -> measure.Measured:
    """attempt: a folder for a JSON log and the running peak, which a killed run leaves behind."""
    logs = ["--log-path", str(attempt), "--log-format-file", "json"] if attempt else ["--log-path", str(work / "logs")]
    cmd = [str(BIN / "dbt"), *args, "--target-path", str(work / "target"), *logs]
    shown = [x if len(x) < 2000 else x[:60] + " ..." for x in args]  # a resumed build's long --exclude
    print("  $ dbt " + " ".join(shown), flush=True)
    (work / "target" / "run_results.json").unlink(missing_ok=True)  # a failed step must not report the last one's
    result = measure.run(cmd, env=env, cwd=ROOT, echo=False, also=also, peak_file=attempt / "peak" if attempt else None)
    tail = [line for line in result.output.splitlines() if "Done." in line or "ERROR" in line]
    print("    " + ("\n    ".join(tail[-5:]) or "(no summary)"), flush=True)
    if result.returncode != 0:
        print(result.output[-4000:], file=sys.stderr, flush=True)
        raise StepFailed(step, result, first_error(work / "target", result.output))
    return result


def landing_views(database: Path, landing: Path) -> None:
    """GX reads raw.<table>: on the landing zone those are views over its Parquet files."""
    with duckdb.connect(str(database)) as con:
        con.execute("create schema if not exists raw")
        for t in contract.TABLES:
            con.execute(
                f"create or replace view raw.{t.name} as select {', '.join(t.column_names)} "
                f"from {read_landing(landing, t)}"
            )


def query_latency(database: Path, runs: int) -> dict[str, float]:
    os.environ["NEV_DUCKDB_PATH"] = str(database)
    os.environ["DBT_TARGET"] = "duckdb"  # the profile's default target, which MetricFlow uses
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    from indicators.engine import metricflow_session

    out = {}
    with metricflow_session() as engine:
        for label, (metrics, group_by) in QUERIES.items():
            times = []
            for _ in range(runs + 1):  # the first run warms caches and is not counted
                start = time.perf_counter()
                engine.query(MetricFlowQueryRequest.create(metric_names=metrics, group_by_names=group_by))
                times.append(time.perf_counter() - start)
            out[label] = statistics.median(times[1:])
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sf", type=float, required=True, help="scale factor (1 = one year at ~150k cars)")
    p.add_argument("--days", type=int, default=365, help="days of data to generate (default %(default)s)")
    p.add_argument("--runs", type=int, default=5, help="query repetitions (median reported)")
    p.add_argument("--landing", type=Path, default=None, help="landing zone (default data/raw/sf<SF>)")
    p.add_argument("--work", type=Path, default=None, help="scratch folder (default state/bench/sf<SF>)")
    p.add_argument("--report", type=Path, default=ROOT / "BENCHMARKS.md", help="where the table is appended")
    p.add_argument("--no-report", action="store_true", help="print only")
    p.add_argument(
        "--threads",
        type=int,
        default=2,
        help="dbt threads (default %(default)s, as profiles.yml; DuckDB also runs each query on every core)",
    )
    p.add_argument("--generate-only", action="store_true", help="generate the landing zone if missing, then stop")
    p.add_argument(
        "--target",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="dbt target (default %(default)s; spark needs `make spark-up`)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the full build an earlier run left unfinished on the same dbt project and data",
    )
    a = p.parse_args(argv)
    name = f"sf{a.sf:g}"
    spark = a.target == "spark"
    code = code_version()  # the code measured: taken now, not when the table is written
    landing = (a.landing or ROOT / "data" / "raw" / name).resolve()
    work = (a.work or ROOT / "state" / "bench" / (name + ("-spark" if spark else ""))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    database = work / "warehouse.duckdb"  # named like the warehouse: the semantic manifest says "warehouse"
    figures: list[tuple[str, str, str]] = []  # (measure, value, note)

    print(f"bench {name}: landing {landing}, warehouse {database}", flush=True)
    done_marker = landing / "_complete"
    if not done_marker.exists():
        print("generating the landing zone", flush=True)
        gen = measure.run(
            [sys.executable, "-m", "datagen", "--scale", f"{a.sf:g}", "--days", str(a.days), "--out", str(landing)],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        if gen.returncode != 0:
            raise SystemExit(f"datagen failed:\n{gen.output[-3000:]}")
        done_marker.write_text(f"generated in {gen.seconds:.1f} s, peak {gib(gen.peak_bytes)}\n")
        figures.append(("generation", f"{gen.seconds:.1f} s", f"peak {gib(gen.peak_bytes)}"))
    else:
        figures.append(("generation", "(reused)", done_marker.read_text().strip()))
    if a.generate_only:
        print(f"landing zone ready: {figures[-1][1]} ({figures[-1][2]})")
        return 0

    floor, raw_rows = read_floor(landing)
    figures.append(("read-everything floor", f"{floor:.1f} s", f"{raw_rows:,} raw rows, every column once"))

    day = newest_day(landing)
    cutoff = f"{day} 00:00:00"
    following = f"{day + dt.timedelta(days=1)} 00:00:00"
    env = dict(
        os.environ,
        NEV_DUCKDB_PATH=str(database),
        NEV_LANDING_DIR=str(landing),
        NEV_DUCKDB_TEMP_DIR=str(work / "duckdb_tmp"),
        DBT_PROFILES_DIR=str(ROOT),
        PYTHONPATH=str(ROOT),
        DBT_TARGET=a.target,
    )
    common = ["--threads", str(a.threads), "--target", a.target]
    attempts_dir = work / "full-build"
    identity = {
        "dbt project": build_inputs_version(),
        "landing": str(landing),
        "loaded_before": cutoff,
        "target": a.target,
    }
    earlier = earlier_attempts(attempts_dir, identity) if a.resume else []
    done = set().union(*(e.done for e in earlier))
    built = bool(earlier) and (attempts_dir / "finished").exists()  # only the steps after the full build are left
    if a.resume and not earlier:
        print(
            "  --resume: no unfinished run of these dbt project files and data here (or every step of it "
            "ran to the end); building from the start",
            flush=True,
        )
    if built:
        print(
            f"  --resume: the full build finished in an earlier run ({len(earlier)} attempt(s), "
            f"{sum(e.seconds for e in earlier):.0f} s); going on with the steps after it",
            flush=True,
        )
    elif earlier:
        print(
            f"  --resume: {len(earlier)} earlier attempt(s), {sum(e.seconds for e in earlier):.0f} s, "
            f"{len(done)} nodes done; building the rest",
            flush=True,
        )
    else:
        for stale in (database, database.with_name(database.name + ".wal")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(attempts_dir, ignore_errors=True)
        attempts_dir.mkdir()
        (attempts_dir / "identity.json").write_text(json.dumps(identity, indent=2) + "\n")
    attempt = attempts_dir / f"attempt-{len(earlier) + (0 if built else 1)}"
    if not built:
        attempt.mkdir(exist_ok=True)
        (attempt / "threads").write_text(f"{a.threads}\n")
    also: list[int] = []
    if spark:
        also = spark_daemons()
        if not also:
            raise SystemExit("--target spark: the Spark cluster is not running: `make spark-up` first")
        env |= {
            "NEV_SPARK_STATE": str(work / "spark"),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_CONF_DIR": str(ROOT / "scripts" / "spark-conf"),
        }
        if not earlier:
            shutil.rmtree(work / "spark", ignore_errors=True)
    dq_ok = True
    try:
        if built:
            attempts, parts, this_peak = earlier, [e.seconds for e in earlier], 0
        else:
            try:
                full = dbt(
                    [
                        "build",
                        *common,
                        "--full-refresh",
                        "--exclude",
                        *NOT_IN_SCALE_RUNS,
                        *sorted(done),
                        "--vars",
                        json.dumps({"raw_source": "landing"}),
                    ],
                    work,
                    env | {"NEV_RAW_LOADED_BEFORE": cutoff},
                    also,
                    step="full build",
                    attempt=attempt,
                )
            except StepFailed as failed:
                failed.error += f" ({len(done | read_attempt(attempt).done)} nodes done: --resume continues)"
                raise
            (attempts_dir / "finished").touch()
            attempts = [*earlier, read_attempt(attempt)]
            # This run's own time and peak as measured from its start, not from its log.
            parts, this_peak = [*(e.seconds for e in earlier), full.seconds], full.peak_bytes
        seconds, peak = sum(parts), max(this_peak, *(e.peak_bytes for e in attempts))
        threads = [e.threads for e in attempts]
        resumed = ""
        if len(attempts) > 1:
            resumed = (
                f"; in {len(attempts)} attempts ({' + '.join(f'{x:.0f}' for x in parts)} s"
                f"{'' if len(set(threads)) == 1 else ', dbt threads ' + ' + '.join(map(str, threads))})"
                ", resumed with --resume"
            )
        if built:
            resumed += "; the steps below ran again in a later run"
        figures.append(
            (
                "full build (dbt build)",
                f"{seconds:.1f} s",
                f"peak {gib(peak)}; {seconds / floor:.1f}x the floor; landed before {day}{resumed}",
            )
        )
        figures.append(
            ("  slowest nodes", "", top_nodes({name: secs for e in attempts for name, (_, secs) in e.nodes.items()}))
        )

        new_rows, all_rows = landed_rows(landing, day)
        micro = dbt(
            [
                "build",
                *common,
                "--select",
                *MICRO_BATCH,
                "--exclude",
                *NOT_IN_SCALE_RUNS,
                "--indirect-selection",
                "buildable",
                "--vars",
                json.dumps({"raw_source": "landing"}),
            ],
            work,
            env
            | {
                "NEV_RAW_LOADED_BEFORE": following,
                "NEV_TEST_SCOPE": "batch",
                "NEV_BATCH_LANDED_FROM": cutoff,
                "NEV_BATCH_LANDED_BEFORE": following,
            },
            also,
            step="micro-batch",
        )
        incremental = rows_in_window(
            database,
            incremental_models(work / "target"),
            cutoff,
            following,
            work / "spark" / "warehouse" if spark else None,
        )
        figures.append(
            (
                "micro-batch (one new day)",
                f"{micro.seconds:.1f} s",
                f"{micro.seconds / seconds:.1%} of the full build; peak {gib(micro.peak_bytes)}",
            )
        )
        figures.append(("  slowest nodes", "", slowest(work / "target")))
        figures.append(
            (
                "  rows landed that day",
                f"{new_rows:,}",
                f"{new_rows / max(all_rows, 1):.2%} of {all_rows:,} rows of the real-time tables",
            )
        )
        figures.append(
            (
                "  rows the incremental models took in",
                f"{sum(incremental.values()):,}",
                ", ".join(f"{m} {n:,}" for m, n in sorted(incremental.items())),
            )
        )

        if spark:
            figures.append(("queries, dq", "(DuckDB only)", "MetricFlow and the GX suites do not run on Spark"))
        else:
            for label, seconds in query_latency(database, a.runs).items():
                figures.append((f"query: {label}", f"{seconds * 1000:.0f} ms", f"median of {a.runs}"))

            landing_views(database, landing)
            dq = measure.run(
                [sys.executable, "-m", "quality", "run", "--target", "duckdb"], cwd=ROOT, env=env, echo=False
            )
            summary = [line for line in dq.output.splitlines() if "suites," in line]
            dq_ok = dq.returncode == 0
            figures.append(
                (
                    "dq (every GX suite, newest partition)",
                    f"{dq.seconds:.1f} s",
                    (summary[-1] if summary else "no summary") + ("" if dq_ok else " (FAILED)"),
                )
            )
        (attempts_dir / "completed").touch()  # nothing of this build is left for --resume

    except StepFailed as failed:  # the report keeps what was measured and says where it stopped
        dq_ok = False
        if failed.step != "full build":
            failed.error += " (the full build finished: --resume goes on from the step after it)"
        figures.append(
            (
                f"{failed.step}: FAILED",
                f"{failed.result.seconds:.1f} s",
                f"peak {gib(failed.result.peak_bytes)}; {failed.error}",
            )
        )
        if (work / "target" / "run_results.json").exists():
            figures.append(("  slowest nodes", "", slowest(work / "target")))

    cores = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if spark:
        import pyspark

        engine = (
            f"on Spark {pyspark.__version__} (local standalone cluster: "
            f"{os.environ.get('NEV_SPARK_WORKERS', '2')} workers x {os.environ.get('NEV_SPARK_WORKER_CORES', '1')} core, "
            f"executor memory {os.environ.get('NEV_SPARK_EXECUTOR_MEMORY', '5g')})"
        )
    else:
        engine = f"on DuckDB {duckdb.__version__} (memory_limit {os.environ.get('NEV_DUCKDB_MEMORY_LIMIT', '6GB')})"
    header = (
        f"## SF {a.sf:g} ({a.days} days) {engine}, {dt.date.today()}: {cores} cores, {gib(mem)} memory, "
        f"{platform.machine()}, dbt threads {a.threads}, code {code}"
    )
    width = max(len(m) for m, _, _ in figures)
    table = [header, "", "| measure | value | note |", "| --- | ---: | --- |"]
    table += [f"| {m} | {v} | {n} |" for m, v, n in figures]
    text = "\n".join(table) + "\n"
    print()
    for m, v, n in figures:
        print(f"  {m:<{width}}  {v:>12}  {n}")
    if not a.no_report:
        if not a.report.exists():
            a.report.write_text("# Benchmarks\n\nAppended by `make bench SF=<n>` (python -m bench). Newest last.\n\n")
        with a.report.open("a") as f:
            f.write("\n" + text)
        print(f"\nappended to {a.report}")
    return 0 if dq_ok else 1


if __name__ == "__main__":
    sys.exit(main())
