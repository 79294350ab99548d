"""The same project on Apache Spark: `dbt build --target spark` passes every data test, and every
ODS, DWD, DWS and ADS table equals DuckDB's row for row (tests/table_comparison.py).

The cluster is the project's own (scripts/spark.sh: one master, two workers, 127.0.0.1 only): the
fixture starts it when it is down and stops it again afterwards. The test's metastore and Parquet
files live in a scratch folder (NEV_SPARK_STATE). Spark's tables are read back as the Parquet files
they are, with DuckDB; the one view (dwd_fct_app_event) is left out, its table is compared.

The build goes through the incremental path on purpose: first everything that had landed before the
last demo day, then an incremental `dbt build` over the rest. On Spark's Parquet tables delete+insert
is the project's own (macros/engines.sql), so this is where it is proven to give a full refresh's rows.

Not part of `make test` (it needs the pyspark runtime and takes minutes): run `make test-spark`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, Project
from table_comparison import LAYERS, Fetch, differences

SCRIPT = ROOT / "scripts" / "spark.sh"
LAST_DAY = "2026-10-31"


@pytest.fixture(scope="module")
def spark_cluster() -> Iterator[None]:
    was_up = subprocess.run([str(SCRIPT), "status"], capture_output=True).returncode == 0
    subprocess.run([str(SCRIPT), "up"], check=True)
    try:
        yield
    finally:
        if not was_up:
            subprocess.run([str(SCRIPT), "down"], check=True)


def on_spark(warehouse: Path) -> tuple[list[tuple[str, str]], Fetch]:
    """The warehouse folder's ODS..ADS tables (<schema>.db/<table>/*.parquet), and a reader of their rows."""

    def fetch(schema: str, table: str, columns: list[str]) -> list[tuple]:
        files = f"{warehouse}/{schema}.db/{table}/*.parquet"
        if not list((warehouse / f"{schema}.db" / table).glob("*.parquet")):
            return []  # an empty table (a parsed batch the build released) is a folder without files
        return duckdb.sql(f"select {', '.join(columns)} from read_parquet('{files}')").fetchall()

    tables = [
        (schema, folder.name)
        for schema in LAYERS
        if (warehouse / f"{schema}.db").is_dir()
        for folder in (warehouse / f"{schema}.db").iterdir()
        if folder.is_dir()
    ]
    return tables, fetch


@pytest.mark.spark
def test_spark_builds_every_table_duckdb_builds_with_the_same_rows(
    built_warehouse: Project, spark_cluster: None, tmp_path: Path
):
    state = tmp_path / "spark"
    on = Project(ROOT, tmp_path / "unused.duckdb", env={"NEV_SPARK_STATE": str(state), "SPARK_LOCAL_IP": "127.0.0.1"})
    before = {"NEV_RAW_LOADED_BEFORE": f"{LAST_DAY} 00:00:00"}  # what had landed by the last day
    on.dbt("seed", "--target", "spark", "--quiet")
    first = on.dbt("run", "--target", "spark", "--full-refresh", "--quiet", env=before, check=False)
    assert first.returncode == 0, first.output[-4000:]
    events = f"read_parquet('{state}/warehouse/ods.db/ods_app__events/*.parquet')"
    partial = duckdb.sql(f"select count(*) from {events}").fetchall()[0][0]

    result = on.dbt("build", "--target", "spark", "--quiet", check=False)
    assert result.returncode == 0, result.output[-4000:]
    assert duckdb.sql(f"select count(*) from {events}").fetchall()[0][0] > partial, "the increment added nothing"

    found, compared = differences(built_warehouse.database, "Spark", *on_spark(state / "warehouse"), views=False)
    assert found == {}
    assert compared > 100_000

    # The comparison sees a single changed rate: one Parquet file of one ADS table rewritten.
    table = state / "warehouse" / "ads.db" / "ads_sales_full_cycle_monthly"
    damaged = tmp_path / "damaged.parquet"
    duckdb.sql(
        f"copy (select * replace (test_drive_rate * (1 + 1e-6) as test_drive_rate) "
        f"from read_parquet('{table}/*.parquet')) to '{damaged}' (format parquet)"
    )
    for part in table.glob("*.parquet"):
        part.unlink()
    damaged.rename(table / "part-damaged.parquet")
    found, _ = differences(built_warehouse.database, "Spark", *on_spark(state / "warehouse"), views=False)
    assert list(found) == ["ads.ads_sales_full_cycle_monthly"]


@pytest.mark.spark
def test_the_cluster_script_finds_pyspark_in_a_clone_with_only_its_two_environments(tmp_path: Path):
    """scripts/spark.sh as `make spark-up` runs it (no NEV_PYTHON), in a checkout that has .venv and
    .venv-spark and nothing installed elsewhere: it finds pyspark in .venv-spark."""
    clone = tmp_path / "clone"
    (clone / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, clone / "scripts" / "spark.sh")
    for venv in (".venv", ".venv-spark"):
        (clone / venv).symlink_to(ROOT / venv)
    env = {k: v for k, v in os.environ.items() if k != "NEV_PYTHON"}
    found = subprocess.run(
        [str(clone / "scripts" / "spark.sh"), "url"], env=env, capture_output=True, text=True, cwd=clone
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("spark://127.0.0.1:")
    # ... and where the Spark environment is missing, it says which one and how to make it
    (clone / ".venv-spark").unlink()
    missing = subprocess.run([str(clone / "scripts" / "spark.sh"), "url"], env=env, capture_output=True, text=True)
    assert missing.returncode == 1 and ".venv-spark" in missing.stderr and "make spark-up" in missing.stderr
