"""The landing zone's layout: each table's files under <root>/<table>/, tables with a landing
time split into load_date=YYYY-MM-DD folders (the UTC day the files landed)."""

from __future__ import annotations

from pathlib import Path

from .tables import RawTable


def read_landing(root: Path | str, table: RawTable) -> str:
    """DuckDB's read of one table of a landing zone."""
    if table.landed:
        return f"read_parquet('{root}/{table.name}/*/*.parquet', union_by_name = true, hive_partitioning = true)"
    return f"read_parquet('{root}/{table.name}/*.parquet', union_by_name = true)"
