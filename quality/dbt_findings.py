"""What each failed dbt data test found, as the GX gates say it: the test, how many rows, and the
first of them with their columns. dbt itself says only "Got 1 result, configured to fail if != 0";
the failing keys and values are what lead a person to the cause.

  python -m quality.dbt_findings [target/run_results.json]     (make prints it when a build fails)

The test's compiled SQL is run again on the DuckDB warehouse, read-only, with a limit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

import settings

SAMPLE_ROWS = 5
MAX_VALUE = 60  # characters of one value shown


def failed_tests(run_results: Path) -> list[dict]:
    """The results of the tests that failed (or errored) in a dbt run, in run order."""
    data = json.loads(run_results.read_text(encoding="utf-8"))
    return [
        r for r in data.get("results", []) if r["unique_id"].startswith("test.") and r["status"] in ("fail", "error")
    ]


def _value(v) -> str:
    text = "null" if v is None else str(v)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def sample(con: duckdb.DuckDBPyConnection, code: str, limit: int = SAMPLE_ROWS) -> tuple[list[str], list[tuple]]:
    """The first rows a test's compiled SQL finds, with their column names."""
    cursor = con.execute(f"select * from ({code.strip().rstrip(';')}) as found limit {limit}")
    return [d[0] for d in cursor.description], cursor.fetchall()


def shown(columns: list[str], rows: list[tuple]) -> str:
    return "; ".join(", ".join(f"{c}={_value(v)}" for c, v in zip(columns, row, strict=True)) for row in rows)


def markdown(columns: list[str], rows: list[tuple]) -> str:
    """The rows as a Markdown table (what Dagster shows in a check's metadata)."""
    cell = lambda v: _value(v).replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    return "\n".join(lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows])


def findings(run_results: Path, database: Path, limit: int = SAMPLE_ROWS) -> list[str]:
    """One line per failed test: its name, the rows it found and the first `limit` of them."""
    failed = failed_tests(run_results)
    if not failed:
        return []
    lines = []
    with duckdb.connect(str(database), read_only=True) as con:
        for r in failed:
            name = r["unique_id"].split(".")[2]
            code = (r.get("compiled_code") or "").strip().rstrip(";")
            if r["status"] == "error" or not code:
                message = (r.get("message") or "").strip().splitlines()
                lines.append(f"{name}: error: {message[0] if message else 'no message'}")
                continue
            try:
                columns, rows = sample(con, code, limit)
            except duckdb.Error as e:
                lines.append(f"{name}: {r.get('failures')} row(s) found; could not read them again ({e})")
                continue
            lines.append(f"{name}: {r.get('failures')} row(s) found, e.g. {shown(columns, rows)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m quality.dbt_findings", description=__doc__.splitlines()[0])
    p.add_argument("run_results", nargs="?", type=Path, default=settings.ROOT / "target" / "run_results.json")
    p.add_argument("--database", type=Path, default=None, help="the DuckDB file (default: the profile's)")
    a = p.parse_args(argv)
    if not a.run_results.exists():
        print(f"dbt_findings: no {a.run_results}", file=sys.stderr)
        return 2
    lines = findings(a.run_results, a.database or settings.warehouse_path())
    for line in lines:
        print(f"  found by {line}", file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
