"""The dbt project as Dagster sees it: its manifest, prepared before the code loads (`make manifest`,
which is `dbt parse`), so that no import of the definitions parses the project. Paths and settings
come from settings.py."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

import settings

MANIFEST_TARGET = "target"


def dbt_project(project_dir: Path = settings.ROOT) -> DbtProject:
    # Dagster runs on DuckDB, whatever DBT_TARGET says (the other engines are for dbt itself).
    project = DbtProject(
        project_dir=project_dir, profiles_dir=project_dir, target_path=MANIFEST_TARGET, target="duckdb"
    )
    if not project.manifest_path.exists():
        raise FileNotFoundError(f"{project.manifest_path} is missing: prepare it with `make manifest` (dbt parse)")
    return project
