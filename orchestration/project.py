"""The dbt project as Dagster sees it: its manifest, prepared before the code loads (`make manifest`,
which is `dbt parse`), so that no import of the definitions parses the project. Paths and settings
come from settings.py."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

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


class DbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource without the dbt adapter it builds in the run's own process before
    each dbt command (it loads every macro of the project): about 2 s for a run's first op and 0.5 to
    0.8 s for each later one. That adapter serves only `fetch_row_counts` and
    `fetch_column_metadata`, which these assets do not call; the dbt command runs as before, in its
    own process."""

    def _initialize_dbt_core_adapter(self, args):  # noqa: ANN001, ANN202, ARG002 (dagster-dbt's signature)
        return None
