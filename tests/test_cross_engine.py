"""The same project on PostgreSQL: `dbt build --target postgres` passes every data test, and every
ODS, DWD, DWS and ADS table equals DuckDB's row for row.

The server is the project's own throwaway cluster (scripts/postgres.sh, 127.0.0.1 only): the
fixture starts it when it is down and stops it again afterwards; the test builds into a scratch
database of that cluster. Rates and other floating-point values are equal within a relative
tolerance of 1e-9 (the engines sum doubles in different orders); everything else exactly.
"""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg2
import pytest

from conftest import ROOT, Project

LAYERS = ("ods", "dwd", "dws", "ads")
REL_TOL = 1e-9
PG = {"host": "127.0.0.1", "port": int(os.environ.get("NEV_PG_PORT", "54329")),
      "user": os.environ.get("NEV_PG_USER", "nev"), "password": os.environ.get("NEV_PG_PASSWORD", "nev")}
SCRATCH_DB = "nev_cross_engine_test"
SCRIPT = ROOT / "scripts" / "postgres.sh"


@pytest.fixture(scope="module")
def postgres() -> Iterator[dict]:
    was_up = subprocess.run([str(SCRIPT), "status"], capture_output=True).returncode == 0
    subprocess.run([str(SCRIPT), "up"], check=True)
    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {SCRATCH_DB}")
        cur.execute(f"create database {SCRATCH_DB}")
    try:
        yield PG | {"dbname": SCRATCH_DB}
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {SCRATCH_DB} with (force)")
        admin.close()
        if not was_up:
            subprocess.run([str(SCRIPT), "down"], check=True)


def rows(fetch, columns: list[str], schema: str, table: str) -> list[tuple]:
    """All rows in one order, floats rounded only for sorting (they are compared with tolerance)."""
    out = fetch(f"select {', '.join(columns)} from {schema}.{table}")
    return sorted(out, key=lambda r: tuple((0, round(v, 6)) if isinstance(v, float) else (1, str(v)) for v in r))


def same_row(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=REL_TOL, abs_tol=1e-12) if isinstance(x, float) and isinstance(y, float)
        else x == y for x, y in zip(a, b))


def differences(duck: Path, pg: dict) -> tuple[dict[str, str], int]:
    """{schema.table: what differs} between the DuckDB file and the Postgres database, and the rows compared."""
    found, compared = {}, 0
    with duckdb.connect(str(duck), read_only=True) as d, psycopg2.connect(**pg) as p:
        def fetch_pg(sql: str) -> list[tuple]:
            with p.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        tables = d.execute("select table_schema, table_name from information_schema.tables "
                           f"where table_schema in {LAYERS} order by 1, 2").fetchall()
        with p.cursor() as cur:
            cur.execute("select table_schema, table_name from information_schema.tables "
                        f"where table_schema in {LAYERS} order by 1, 2")
            pg_tables = cur.fetchall()
        if tables != pg_tables:
            found["tables"] = f"only DuckDB: {sorted(set(tables) - set(pg_tables))}, only Postgres: {sorted(set(pg_tables) - set(tables))}"
        for schema, table in tables:
            # Landing times are the one column the engines need not agree on: both are 'when it was built'.
            columns = [r[0] for r in d.execute(f"describe {schema}.{table}").fetchall() if r[0] != "_loaded_at"]
            a = rows(lambda sql: d.execute(sql).fetchall(), columns, schema, table)
            b = rows(fetch_pg, columns, schema, table)
            compared += len(a)
            if len(a) != len(b):
                found[f"{schema}.{table}"] = f"{len(a)} rows on DuckDB, {len(b)} on Postgres"
            elif bad := [(x, y) for x, y in zip(a, b) if not same_row(x, y)]:
                found[f"{schema}.{table}"] = f"{len(bad)} rows differ, first: DuckDB {bad[0][0]} / Postgres {bad[0][1]}"
    return found, compared


@pytest.mark.postgres
def test_postgres_builds_every_table_duckdb_builds_with_the_same_rows(built_warehouse: Project, postgres: dict,
                                                                      tmp_path: Path):
    on_pg = Project(ROOT, tmp_path / "unused.duckdb", env={"NEV_PG_DATABASE": postgres["dbname"]})
    result = on_pg.dbt("build", "--target", "postgres", "--full-refresh", "--quiet", check=False)
    assert result.returncode == 0, result.output[-4000:]

    found, compared = differences(built_warehouse.database, postgres)
    assert found == {}
    assert compared > 100_000

    # The comparison sees a single changed rate.
    with psycopg2.connect(**postgres) as p, p.cursor() as cur:
        cur.execute("update ads.ads_sales_full_cycle_monthly set test_drive_rate = test_drive_rate * (1 + 1e-6) "
                    "where month_start = (select max(month_start) from ads.ads_sales_full_cycle_monthly "
                    "where test_drive_rate > 0) and test_drive_rate > 0")
        assert cur.rowcount > 0
    found, _ = differences(built_warehouse.database, postgres)
    assert list(found) == ["ads.ads_sales_full_cycle_monthly"]
