"""The pull-request loop as an engineer runs it: `make ci` (slim CI) on a copy of the project, and
dbt-score's threshold in `make check`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DBT, ROOT, Project, copy_project, parse_repository

VENV = Path(sys.executable).parent.parent
CHANGED = "models/dwd/market/dwd_fct_market_registration.sql"


def make_ci(project: Path, prod: Path, database: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "ci", f"VENV={VENV}", f"PROD_ARTIFACTS={prod}"],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(
            os.environ,
            NEV_DUCKDB_PATH=str(database),
            NEV_CI_DUCKDB_PATH=str(project / "state" / "ci.duckdb"),
            DBT_PROFILES_DIR=str(project),
        ),
        timeout=900,
    )


def test_slim_ci_builds_a_changed_model_and_its_children_and_fails_a_broken_one(built_warehouse: Project, tmp_path):
    project = copy_project(tmp_path / "project")
    database = tmp_path / "prod" / "warehouse.duckdb"
    database.parent.mkdir()
    shutil.copy(built_warehouse.database, database)
    prod = tmp_path / "prod" / "artifacts"
    subprocess.run(
        [DBT, "parse", "--quiet", "--target-path", str(prod)],
        cwd=project,
        check=True,
        env=dict(os.environ, NEV_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(project)),
    )
    model = project / CHANGED
    model.write_text(model.read_text() + "\n-- a reviewed change\n")
    result = make_ci(project, prod, database)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ran = json.loads((project / "target" / "ci" / "run_results.json").read_text())["results"]
    models = {r["unique_id"].split(".")[-1] for r in ran if r["unique_id"].startswith("model.")}
    assert models == {"dwd_fct_market_registration", "ads_market_sand_table_monthly"}, models
    assert any(r["unique_id"].startswith("test.") for r in ran), "the changed models' tests did not run"

    model.write_text(model.read_text().replace("select", "selec", 1))
    broken = make_ci(project, prod, database)
    assert broken.returncode != 0
    assert "dwd_fct_market_registration" in broken.stdout + broken.stderr


def test_dbt_score_fails_a_model_without_its_description_or_owner(tmp_path):
    manifest = json.loads((parse_repository() / "manifest.json").read_text())
    score = [str(VENV / "bin" / "dbt-score"), "lint", "--show", "failing-items"]
    good = subprocess.run(
        [*score, "--manifest", str(ROOT / "target" / "manifest.json")], cwd=ROOT, capture_output=True, text=True
    )
    assert good.returncode == 0, good.stdout[-2000:]
    node = manifest["nodes"]["model.nev_warehouse.ads_market_sand_table_monthly"]
    node["description"] = ""
    node["meta"].pop("owner", None)
    node["config"]["meta"].pop("owner", None)
    node["group"] = None
    node["config"]["group"] = None
    damaged = tmp_path / "manifest.json"
    damaged.write_text(json.dumps(manifest))
    bad = subprocess.run([*score, "--manifest", str(damaged)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode != 0, bad.stdout[-2000:]
    assert "ads_market_sand_table_monthly" in bad.stdout
