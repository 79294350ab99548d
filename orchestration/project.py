"""Where things are: the dbt project, its Dagster manifest, the state folder and the landing zone."""

from __future__ import annotations

import os
from pathlib import Path

from dagster_dbt import DbtProject

ROOT = Path(__file__).resolve().parents[1]
# The manifest (and semantic manifest) are prepared before the code loads (`make manifest`, which
# is `dbt parse`), so that no import of the definitions parses the dbt project.
MANIFEST_TARGET = "target"
BUSINESS_TIMEZONE = "Asia/Shanghai"
# The first day of the demo data: daily partitions start here.
FIRST_DAY = "2024-11-01"


def dbt_project(project_dir: Path = ROOT) -> DbtProject:
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir, target_path=MANIFEST_TARGET,
                         target=os.environ.get("NEV_DBT_TARGET", "duckdb"))
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"{project.manifest_path} is missing: prepare it with `make manifest` (dbt parse)")
    return project


def state_dir(project_dir: Path = ROOT) -> Path:
    return project_dir / "state"


def landing_dir(project_dir: Path = ROOT) -> Path:
    """Where new raw files arrive: <table>/load_date=YYYY-MM-DD/*.parquet (or .csv)."""
    return Path(os.environ.get("NEV_LANDING_DIR", state_dir(project_dir) / "landing"))


def exports_dir(project_dir: Path = ROOT) -> Path:
    return Path(os.environ.get("NEV_EXPORT_DIR", state_dir(project_dir) / "exports"))


def alert_log(project_dir: Path = ROOT) -> Path:
    return Path(os.environ.get("NEV_ALERT_LOG", state_dir(project_dir) / "alerts.log"))
