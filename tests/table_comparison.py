"""Comparing a warehouse built on another engine with the DuckDB one, table by table and row by row.

Rates and other floating-point values are equal within a relative tolerance of 1e-9 (engines sum
doubles in different orders); everything else exactly. Landing times (_loaded_at) are left out:
on every engine they are 'when it was built'; so are the increments' own bookkeeping columns
(_previous_*: what a re-derived row was before its batch, which a full refresh leaves null); and so
are a raw row's place in its file, which only DuckDB can tell (macros/adapters/raw_origin.sql), and
the hash a set-aside row is known by, each engine's own hash function.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

import settings

LAYERS = settings.LAYERS[1:]
REL_TOL = 1e-9
ENGINE_OWN = {"_loaded_at", "_source_row", "source_row", "raw_hash"}


def tables(db: str) -> list[tuple[str, str]]:
    """Every table and view of the layers, but the parsed batches: they hold the last batch only."""
    with duckdb.connect(db, read_only=True) as con:
        return con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {LAYERS} and table_name not like '%\\_parsed' escape '\\' order by 1, 2"
        ).fetchall()


# (schema, table, columns) -> every row of those columns
Fetch = Callable[[str, str, list[str]], list[tuple]]


def sorted_rows(rows: Iterable[tuple]) -> list[tuple]:
    """All rows in one order, floats rounded only for sorting (they are compared with tolerance)."""
    return sorted(rows, key=lambda r: tuple((0, round(v, 6)) if isinstance(v, float) else (1, str(v)) for v in r))


def same_row(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-12) if isinstance(x, float) and isinstance(y, float) else x == y
        for x, y in zip(a, b, strict=False)
    )


def differences(
    duck: Path,
    engine: str,
    engine_tables: Iterable[tuple[str, str]],
    fetch: Fetch,
    views: bool = True,
    only: Iterable[str] | None = None,
) -> tuple[dict[str, str], int]:
    """{schema.table: what differs} between the DuckDB file and the other engine, and the rows compared.
    views=False leaves DuckDB's views out (an engine whose tables are read as files has no views);
    only: the schema.table names to compare, the others left out (a test that changed one table)."""
    found, compared = {}, 0
    with duckdb.connect(str(duck), read_only=True) as d:
        kinds = "" if views else "and table_type = 'BASE TABLE'"
        tables = d.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {LAYERS} {kinds} order by 1, 2"
        ).fetchall()
        theirs = sorted(engine_tables)
        if only is not None:
            names = set(only)
            tables, theirs = ([t for t in ts if f"{t[0]}.{t[1]}" in names] for ts in (tables, theirs))
        if tables != theirs:
            found["tables"] = (
                f"only DuckDB: {sorted(set(tables) - set(theirs))}, only {engine}: {sorted(set(theirs) - set(tables))}"
            )
        for schema, table in tables:
            if (schema, table) not in theirs:
                continue
            columns = [
                r[0]
                for r in d.execute(f"describe {schema}.{table}").fetchall()
                if r[0] not in ENGINE_OWN and not r[0].startswith("_previous")
            ]
            a = sorted_rows(d.execute(f"select {', '.join(columns)} from {schema}.{table}").fetchall())
            b = sorted_rows(fetch(schema, table, columns))
            compared += len(a)
            if len(a) != len(b):
                found[f"{schema}.{table}"] = f"{len(a)} rows on DuckDB, {len(b)} on {engine}"
            elif bad := [(x, y) for x, y in zip(a, b, strict=False) if not same_row(x, y)]:
                found[f"{schema}.{table}"] = f"{len(bad)} rows differ, first: DuckDB {bad[0][0]} / {engine} {bad[0][1]}"
    return found, compared
