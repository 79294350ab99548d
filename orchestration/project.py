"""The dbt project as Dagster sees it: its manifest, prepared before the code loads (`make manifest`,
which is `dbt parse`), so that no import of the definitions parses the project. Paths and settings
come from settings.py."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject
from dagster_dbt.asset_utils import extract_runtime_selection_from_args, get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

import settings

from .dbt_in_process import InProcessDbt, parsed_project

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
    """dagster-dbt's dbt CLI resource, running each command inside the run's own process on the project
    parsed once per run (orchestration/dbt_in_process.py): a dbt process per op cost about 3.5 s of
    start-up and project loading, four times in a 15-minute micro-batch. Without an op's context, or
    when dagster-dbt would select through a generated selectors file, the command runs as dagster-dbt
    runs it, in a dbt process of its own.

    Nor does it build the dbt adapter dagster-dbt makes in the run's process before each command
    (about 2 s for a run's first op): it serves only `fetch_row_counts` and `fetch_column_metadata`,
    which these assets do not call."""

    def _initialize_dbt_core_adapter(self, args):  # noqa: ANN001, ANN202, ARG002 (dagster-dbt's signature)
        return None

    def cli(
        self,
        args: Sequence[str],
        *,
        raise_on_error: bool = True,
        manifest: Any = None,
        dagster_dbt_translator: DagsterDbtTranslator | None = None,
        context: Any = None,
        target_path: Path | None = None,
    ) -> DbtCliInvocation:
        if context is None or manifest is not None:
            return super().cli(
                args,
                raise_on_error=raise_on_error,
                manifest=manifest,
                dagster_dbt_translator=dagster_dbt_translator,
                context=context,
                target_path=target_path,
            )
        cleaned, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest={},
            dagster_dbt_translator=dagster_dbt_translator or DagsterDbtTranslator(),
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        project_dir = Path(params.dbt_project.project_dir if params.dbt_project else self.project_dir)
        if "--selector" in params.selection_args or project_dir.resolve() != Path(self.project_dir).resolve():
            return super().cli(args, raise_on_error=raise_on_error, context=context, target_path=target_path)
        target_path = project_dir / (target_path or self._get_unique_target_path(context=context))
        project_args = [
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(self.profiles_dir or project_dir),
            *(["--profile", self.profile] if self.profile else []),
            *(["--target", self.target] if self.target else []),
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path),
            "--log-format",
            "json",  # dbt.log in the run's folder, as dagster-dbt's dbt process writes it
        ]
        parsed = parsed_project(context.run.run_id, project_args, target_path, project_dir)
        command = [
            *self.global_config_flags,
            "--quiet",  # its events reach Dagster from the runner, not from stdout
            "--no-send-anonymous-usage-stats",
            *cleaned,
            *project_args,
            *params.selection_args,
        ]
        return DbtCliInvocation(
            process=InProcessDbt(command, parsed),
            manifest=params.manifest,
            dagster_dbt_translator=params.dagster_dbt_translator,
            project_dir=project_dir,
            target_path=target_path,
            raise_on_error=raise_on_error,
            cli_version=self._cli_version,
            project=params.dbt_project,
            context=context,
        )
