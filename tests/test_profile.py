"""python -m bench.profile on a built warehouse: the time, the rows and the operators of one model's
query, and one-line errors for a model or a warehouse that is not there and for a malformed window."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
from conftest import ROOT, Project


def profile(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bench.profile", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_a_model_is_profiled_as_written_into_a_table(built_warehouse: Project, tmp_path: Path):
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    result = profile("dwd_dim_store", "--database", str(database), "--top", "30")
    assert result.returncode == 0, result.stderr
    written = re.search(r"dwd_dim_store on .* \(no window\): [0-9.]+ s, ([0-9,]+) rows written", result.stdout)
    assert written, result.stdout
    with duckdb.connect(str(database), read_only=True) as con:
        (stores,) = con.execute("select count(*) from dwd.dwd_dim_store").fetchone()
    assert stores > 0 and int(written.group(1).replace(",", "")) == stores
    # the operators read the model's inputs, as its SQL names them
    assert re.search(r"TABLE_SCAN .*table: .*ods_ref__stores", result.stdout), result.stdout


def test_a_model_or_warehouse_that_is_not_there_is_named_in_one_line(tmp_path: Path):
    missing = profile("dwd_dim_store", "--database", str(tmp_path / "nowhere.duckdb"))
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.strip().count("\n") == 0 and "nowhere.duckdb" in missing.stderr
    database = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(database)).close()  # a warehouse file, empty: the model is looked up first
    unknown = profile("dwd_dim_no_such_model", "--database", str(database))
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.strip().count("\n") == 0 and "dwd_dim_no_such_model" in unknown.stderr
    hostile = profile("dwd_dim_store", "--database", str(database), "--window", "2025-01-01'; drop table x; --", "x")
    assert hostile.returncode == 2 and hostile.stdout == "" and "--window" in hostile.stderr
    assert hostile.stderr.strip().count("\n") == 0
