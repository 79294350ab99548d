"""python -m bench.profile MODEL: where one model's query spends its time, on a built DuckDB warehouse.

Compiles MODEL with dbt as the next run would compile it (incremental against the tables the
warehouse holds, in the batch window --window gives), runs the SQL once into a temporary table with
DuckDB's profiler on, and prints the seconds, the rows and the slowest operators. The warehouse is
left as it was: dbt only compiles, and the query runs on a read-only connection.

The result goes into a table, as dbt writes it. A fetch into Python times the conversion of every
value too: 128-bit sums convert slowly, and a query timed with fetchall() once looked twice as slow
as it is.

  python -m bench.profile dws_sales_funnel_daily --database state/bench/sf1/warehouse.duckdb \\
      --window '2025-10-30 12:00' '2025-10-30 12:15' --landing state/bench/sf1/landing
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

import settings

# The batch window's bounds as macros/incremental.sql's batch_window() accepts them: whole minutes.
WINDOW_BOUND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:00)?)?")


class ProfileError(Exception):
    pass


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.profile", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("model", help="a model's name, as dbt --select takes it")
    p.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("NEV_DUCKDB_PATH", settings.ROOT / "state" / "warehouse.duckdb")),
        help="the built warehouse (default NEV_DUCKDB_PATH, else state/warehouse.duckdb)",
    )
    p.add_argument(
        "--window",
        nargs=2,
        metavar=("FROM", "BEFORE"),
        help="the batch window in business time, 'YYYY-MM-DD HH:MM' (default: none, a run since the last)",
    )
    p.add_argument("--landing", type=Path, help="the landing zone the warehouse was built from (ODS models)")
    p.add_argument("--top", type=int, default=12, help="operators to print (default %(default)s)")
    return p.parse_args(argv)


def dbt_environment(database: Path, window: list[str] | None, landing: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in settings.BATCH_VARIABLES}
    env |= {
        "NEV_DUCKDB_PATH": str(database.resolve()),
        "DBT_PROFILES_DIR": str(settings.ROOT),
        "PYTHONPATH": str(settings.ROOT),
        "DBT_TARGET": "duckdb",
    }
    if window:
        env |= {"NEV_BATCH_LANDED_FROM": window[0], "NEV_BATCH_LANDED_BEFORE": window[1]}
    if landing:
        env |= {"NEV_RAW_SOURCE": "landing", "NEV_LANDING_DIR": str(landing.resolve())}
    return env


def known_models() -> set[str] | None:
    """The models of the project's last parse (target/manifest.json), or none when there is none to
    read (never parsed, or being rewritten this moment by another dbt)."""
    try:
        nodes = json.loads((settings.ROOT / "target" / "manifest.json").read_text())["nodes"].values()
    except (OSError, ValueError, KeyError):
        return None
    return {n["name"] for n in nodes if n.get("resource_type") == "model"}


def compiled_sql(model: str, env: dict[str, str], target: Path) -> str:
    """The model's SQL as dbt compiles it for the next run against the warehouse env names."""
    cmd = [str(settings.dbt_executable("duckdb")), "compile", "--quiet", "--select", model, "--target", "duckdb"]
    result = subprocess.run(
        [*cmd, "--target-path", str(target), "--log-path", str(target / "logs")],
        cwd=settings.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        lines = [line.strip() for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        raise ProfileError(f"dbt could not compile {model}: {lines[-1] if lines else 'no output'}")
    found = [p for p in (target / "compiled").rglob(f"{model}.sql") if "/models/" in p.as_posix()]
    if not found:
        raise ProfileError(f"{model}: no model of that name (dbt compiled no models/.../{model}.sql)")
    return found[0].read_text()


def operators(plan: dict | list) -> list[dict]:
    """Every operator of DuckDB's JSON profile (an operator or a list of them), flattened."""
    out, stack = [], list(plan) if isinstance(plan, list) else [plan]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.get("children", []))
    return out


def describe(node: dict) -> str:
    info = node.get("extra_info") or {}
    for key in ("Table", "Groups", "Conditions", "Aggregates", "Projections", "CTE Name"):
        if key in info:
            value = info[key]
            text = ", ".join(value) if isinstance(value, list) else str(value)
            return f"{key.lower()}: {text[:90]}"
    return ""


def profile(database: Path, sql: str, top: int) -> tuple[float, int, list[dict]]:
    """Seconds and rows of the query written into a temporary table, and its slowest operators."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "profile.json"
        con = duckdb.connect(str(database), read_only=True)
        try:
            con.execute("pragma enable_profiling = 'json'")
            con.execute(f"pragma profiling_output = '{output}'")
            start = time.perf_counter()
            con.execute(f"create temporary table profiled as {sql}")
            seconds = time.perf_counter() - start
            con.execute("pragma disable_profiling")
            (rows,) = con.execute("select count(*) from profiled").fetchone()
        finally:
            con.close()
        report = json.loads(output.read_text())
    plan = report.get("operator") or report.get("children") or []
    slowest = sorted(operators(plan), key=lambda n: n.get("timing", n.get("operator_timing", 0)), reverse=True)
    return seconds, rows, slowest[:top]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not args.database.exists():
        print(f"bench.profile: {args.database}: no such warehouse file (build one first)", file=sys.stderr)
        return 2
    for bound in args.window or []:
        if not WINDOW_BOUND.fullmatch(bound):
            print(f"bench.profile: --window {bound!r}: expected business time 'YYYY-MM-DD HH:MM'", file=sys.stderr)
            return 2
    env = dbt_environment(args.database, args.window, args.landing)
    models = known_models()
    if models is not None and args.model not in models:
        print(f"bench.profile: {args.model}: no model of that name in the project", file=sys.stderr)
        return 2
    try:
        with tempfile.TemporaryDirectory() as target:
            sql = compiled_sql(args.model, env, Path(target))
        seconds, rows, slowest = profile(args.database, sql, args.top)
    except (ProfileError, duckdb.Error) as e:
        print(f"bench.profile: {e}".splitlines()[0], file=sys.stderr)
        return 2
    window = f"window {args.window[0]} .. {args.window[1]}" if args.window else "no window"
    print(f"{args.model} on {args.database} ({window}): {seconds:.2f} s, {rows:,} rows written")
    print("slowest operators (seconds, operator, rows out, what):")
    for node in slowest:
        timing = node.get("timing", node.get("operator_timing", 0))
        kind = node.get("type") or node.get("operator_type") or "?"
        count = node.get("operator_cardinality", node.get("intermediate_rows", 0)) or 0
        print(f"  {timing:7.3f}  {kind:<18} {count:>12,}  {describe(node)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
