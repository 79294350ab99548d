"""The same project on PostgreSQL: `dbt build --target postgres` passes every data test; every ODS,
DWD, DWS and ADS table and view equals DuckDB's row for row (tests/table_comparison.py); every MetricFlow
metric answers the same; the GX suites run in PostgreSQL through GX's SQL data source.

The server is the project's own throwaway cluster (scripts/postgres.sh, 127.0.0.1 only): the
fixture starts it when it is down and stops it again afterwards; the test builds into a scratch
database of that cluster.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from conftest import ROOT, Project
from table_comparison import LAYERS, REL_TOL, Fetch, differences

from quality import context as gx_context
from quality import run as gx_run
from quality.suites import LANDING_DAY, suites
from settings import postgres_params

PG = {k: v for k, v in postgres_params().items() if k != "dbname"}  # profiles.yml's server
SCRATCH_DB = "nev_cross_engine_test"
LAST_DAY = "2026-10-31"  # the demo's last landing day: the second build's batch
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


@pytest.fixture(scope="module")
def on_duckdb(built_warehouse: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's copy of the DuckDB warehouse: another test module in the same worker process may
    still hold the shared file open (DuckDB then refuses a read-only connection to it)."""
    copy = tmp_path_factory.mktemp("on_duckdb") / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, copy)
    return copy


@pytest.fixture(scope="module")
def built_on_postgres(postgres: dict, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project built on the scratch database as a day runs it after the days before: everything
    that landed before the last demo day, then a second `dbt build` (incremental, every data test
    passing) that takes in that day. Its target folder holds the manifests parsed for PostgreSQL.
    Every comparison with DuckDB's full refresh below is then also increment against full refresh."""
    on_pg = Project(
        ROOT, tmp_path_factory.mktemp("on_postgres") / "unused.duckdb", env={"NEV_PG_DATABASE": postgres["dbname"]}
    )
    before = {"NEV_RAW_LOADED_BEFORE": f"{LAST_DAY} 00:00:00"}  # what had landed by the last day
    on_pg.dbt("seed", "--target", "postgres", "--quiet")
    first = on_pg.dbt("run", "--target", "postgres", "--full-refresh", "--quiet", env=before, check=False)
    assert first.returncode == 0, first.output[-4000:]
    result = on_pg.dbt("build", "--target", "postgres", "--quiet", check=False)
    assert result.returncode == 0, result.output[-4000:]
    return on_pg


@pytest.mark.postgres
def test_postgres_builds_every_table_duckdb_builds_with_the_same_rows(
    on_duckdb: Path, postgres: dict, built_on_postgres: Project
):
    found, compared = differences(on_duckdb, "Postgres", *on_postgres(postgres))
    assert found == {}
    assert compared > 100_000


@pytest.mark.postgres
def test_every_metric_answers_the_same_on_postgres(on_duckdb: Path, built_on_postgres: Project, tmp_path: Path):
    """MetricFlow on PostgreSQL (dbt-postgres adapter): every metric by month equals DuckDB's."""
    duck = Project(ROOT, tmp_path / "duck" / "warehouse.duckdb")
    duck.database.parent.mkdir()
    shutil.copy(on_duckdb, duck.database)
    duck.dbt("parse", "--quiet")  # a semantic manifest whose relations name this file's database
    values = {}
    for name, project, target in [("duckdb", duck, "duckdb"), ("postgres", built_on_postgres, "postgres")]:
        out = tmp_path / f"{name}.json"
        proc = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tests" / "metric_values.py"),
                str(project.database.parent / "target" / "semantic_manifest.json"),
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=dict(
                os.environ,
                DBT_TARGET=target,
                DBT_PROFILES_DIR=str(ROOT),
                NEV_DUCKDB_PATH=str(project.database),
                **project.env,
            ),
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        values[name] = json.loads(out.read_text())
    assert len(values["duckdb"]) > 100
    assert sorted(values["postgres"]) == sorted(values["duckdb"])
    differ = {
        m: (rows[:3], values["postgres"][m][:3])
        for m, rows in values["duckdb"].items()
        if not same_values(rows, values["postgres"][m])
    }
    assert differ == {}


def same_values(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        ma == mb
        and (va is None) == (vb is None)
        and (va is None or math.isclose(va, vb, rel_tol=REL_TOL, abs_tol=1e-12))
        for (ma, va), (mb, vb) in zip(a, b, strict=False)
    )


@pytest.mark.postgres
def test_great_expectations_checks_postgres_in_the_database(
    on_duckdb: Path, postgres: dict, built_on_postgres: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """GX's SQL data source on PostgreSQL: the suites select the same batches as on DuckDB, pass, and
    fail on damaged rows."""
    monkeypatch.setenv("NEV_PG_DATABASE", postgres["dbname"])
    shutil.copytree(ROOT / "gx", tmp_path / "gx", ignore=shutil.ignore_patterns("uncommitted"))
    day, on_duck = gx_run.run(str(on_duckdb), context=gx_context.get_context(tmp_path), target="duckdb")
    pg_day, on_pg = gx_run.run(day=day, target="postgres")
    assert pg_day == day
    assert [(o.suite.name, o.exceptions, o.failed) for o in on_pg if not o.success] == []
    # the same rows on both engines, the demo's set-aside rows (a warning) included
    assert [(o.suite.name, o.rows, o.evaluated, o.unexpected) for o in on_pg] == [
        (o.suite.name, o.rows, o.evaluated, o.unexpected) for o in on_duck
    ]
    assert sum(o.evaluated for o in on_pg) == sum(len(s.expectations) for s in suites())

    # Unknown source channels flood the day's leads: the raw suite fails on that column, naming the value.
    landed = f"{LANDING_DAY} = cast('{day}' as date)"
    with psycopg2.connect(**postgres) as p, p.cursor() as cur:
        cur.execute(f"update raw.raw_crm__leads set source_channel = 'TIKTOK_' || source_channel where {landed}")
        assert cur.rowcount > 0
    try:
        _, damaged = gx_run.run(
            day=day, target="postgres", selected=[s for s in suites() if s.name.startswith("raw__")]
        )
    finally:
        with psycopg2.connect(**postgres) as p, p.cursor() as cur:
            cur.execute(
                "update raw.raw_crm__leads set source_channel = substr(source_channel, 8) "
                "where source_channel like 'TIKTOK\\_%'"
            )
    failed = {o.suite.name: o.failed for o in damaged if o.failed}
    assert list(failed) == ["raw__raw_crm__leads"]
    [(expectation, column, detail)] = failed["raw__raw_crm__leads"]
    assert (expectation, column) == ("expect_column_values_to_be_in_set", "source_channel__code")
    assert "TIKTOK_" in detail


CHANGED = "ads.ads_sales_full_cycle_monthly"


@pytest.mark.postgres
def test_a_single_changed_rate_is_seen(on_duckdb: Path, postgres: dict, built_on_postgres: Project):
    """The comparison is not blind: one rate changed by a millionth in one row names that table. (Only
    that table is compared again: the test above compares them all.)"""
    with psycopg2.connect(**postgres) as p, p.cursor() as cur:
        cur.execute(
            "select ctid, test_drive_rate from ads.ads_sales_full_cycle_monthly where test_drive_rate > 0 limit 1"
        )
        row, rate = cur.fetchone()
        cur.execute(
            "update ads.ads_sales_full_cycle_monthly set test_drive_rate = %s where ctid = %s returning ctid",
            [rate * (1 + 1e-6), row],
        )
        [(row,)] = cur.fetchall()
    try:
        found, compared = differences(on_duckdb, "Postgres", *on_postgres(postgres), only=[CHANGED])
    finally:
        with psycopg2.connect(**postgres) as p, p.cursor() as cur:
            cur.execute("update ads.ads_sales_full_cycle_monthly set test_drive_rate = %s where ctid = %s", [rate, row])
    assert list(found) == [CHANGED] and compared > 0
