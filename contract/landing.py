"""The landing zone's layout: each table's files under <root>/<table>/, tables with a landing
time split into load_date=YYYY-MM-DD folders (the UTC day the files landed)."""

from __future__ import annotations

from pathlib import Path

import settings

from .tables import RawTable


def read_landing(root: Path | str, table: RawTable, origin: bool = False) -> str:
    """DuckDB's read of one table of a landing zone; with origin, each row's file and its number in
    the file (columns filename and file_row_number, for the rows ODS sets aside)."""
    options = ", filename = true, file_row_number = true" if origin else ""
    if table.landed:
        return (
            f"read_parquet('{root}/{table.name}/*/*.parquet', union_by_name = true, hive_partitioning = true{options})"
        )
    return f"read_parquet('{root}/{table.name}/*.parquet', union_by_name = true{options})"


def landed_at_sql(column: str = "_loaded_at") -> str:
    """A raw landing time (UTC text, ISO-8601 with Z) as a business-time timestamp, null where the
    text is not one (DuckDB and PostgreSQL alike: no try_cast, the format is the contract's own)."""
    utc_offset_hours = settings.BUSINESS_UTC_OFFSET_HOURS
    return f"(cast(replace(replace({column}, 'T', ' '), 'Z', '') as timestamp) + interval '{utc_offset_hours} hours')"


def read_files(paths: list[Path]) -> str:
    """DuckDB's read of landed files (Parquet or CSV, every column as text): each row's file name
    and landing time, for a look at new arrivals."""
    parquet = [str(p) for p in paths if p.suffix == ".parquet"]
    csv = [str(p) for p in paths if p.suffix == ".csv"]
    reads = []
    if parquet:
        reads.append(
            f"select filename, _loaded_at from read_parquet({parquet!r}, union_by_name = true, filename = true)"
        )
    if csv:
        reads.append(
            f"select filename, _loaded_at from read_csv({csv!r}, all_varchar = true, union_by_name = true, filename = true)"
        )
    return " union all ".join(reads)
