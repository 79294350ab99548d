"""The same project on PostgreSQL: `dbt build --target postgres` passes every data test, and every
ODS, DWD, DWS and ADS table and view equals DuckDB's row for row (tests/engines.py).

The server is the project's own throwaway cluster (scripts/postgres.sh, 127.0.0.1 only): the
fixture starts it when it is down and stops it again afterwards; the test builds into a scratch
database of that cluster.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from conftest import ROOT, Project
from engines import LAYERS, Fetch, differences

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


def on_postgres(pg: dict) -> tuple[list[tuple[str, str]], Fetch]:
    """The database's ODS..ADS tables and views, and a reader of their rows."""
    def fetch(schema: str, table: str, columns: list[str]) -> list[tuple]:
        with psycopg2.connect(**pg) as p, p.cursor() as cur:
            cur.execute(f"select {', '.join(columns)} from {schema}.{table}")
            return cur.fetchall()
    with psycopg2.connect(**pg) as p, p.cursor() as cur:
        cur.execute(f"select table_schema, table_name from information_schema.tables where table_schema in {LAYERS}")
        return cur.fetchall(), fetch


@pytest.mark.postgres
def test_postgres_builds_every_table_duckdb_builds_with_the_same_rows(built_warehouse: Project, postgres: dict,
                                                                      tmp_path: Path):
    on_pg = Project(ROOT, tmp_path / "unused.duckdb", env={"NEV_PG_DATABASE": postgres["dbname"]})
    result = on_pg.dbt("build", "--target", "postgres", "--full-refresh", "--quiet", check=False)
    assert result.returncode == 0, result.output[-4000:]

    found, compared = differences(built_warehouse.database, "Postgres", *on_postgres(postgres))
    assert found == {}
    assert compared > 100_000

    # The comparison sees a single changed rate.
    with psycopg2.connect(**postgres) as p, p.cursor() as cur:
        cur.execute("update ads.ads_sales_full_cycle_monthly set test_drive_rate = test_drive_rate * (1 + 1e-6) "
                    "where month_start = (select max(month_start) from ads.ads_sales_full_cycle_monthly "
                    "where test_drive_rate > 0) and test_drive_rate > 0")
        assert cur.rowcount > 0
    found, _ = differences(built_warehouse.database, "Postgres", *on_postgres(postgres))
    assert list(found) == ["ads.ads_sales_full_cycle_monthly"]
