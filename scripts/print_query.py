"""Print the result of a compiled dbt analysis (or any SQL file) against the warehouse, as a table.

    python scripts/print_query.py target/compiled/nev_warehouse/analyses/last_month_funnel_by_region.sql

Opens the DuckDB file read-only (NEV_DUCKDB_PATH, default state/warehouse.duckdb), so it never
takes the writer's lock.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

import duckdb


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render(columns: list[str], rows: list[tuple]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=False)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    sql_path = Path(argv[0])
    if not sql_path.exists():
        print(f"print_query: {sql_path} does not exist (run `dbt compile` first)", file=sys.stderr)
        return 2
    db = os.environ.get("NEV_DUCKDB_PATH", "state/warehouse.duckdb")
    with duckdb.connect(db, read_only=True) as con:
        cur = con.execute(sql_path.read_text())
        columns = [d[0] for d in cur.description]
        print(render(columns, cur.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
