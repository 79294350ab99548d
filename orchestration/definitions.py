"""The Dagster code location: `dagster dev -m orchestration.definitions` (or `make dagster`)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg

import settings

from . import automation, freshness
from .assets import layer_assets, semantic_layer_assets
from .checks import layer_checks
from .project import DbtCli, dbt_project


def build_definitions(project_dir: Path = settings.ROOT) -> dg.Definitions:
    project = dbt_project(project_dir)
    dbt_layers = layer_assets(project)
    data_freshness = freshness.freshness_checks(project.manifest_path)
    return dg.Definitions(
        assets=[*dbt_layers, *semantic_layer_assets(project_dir)],
        asset_checks=[*layer_checks(project_dir), data_freshness],
        jobs=[
            automation.warehouse_daily,
            automation.realtime_micro_batch(dbt_layers),
            freshness.freshness_job(data_freshness),
        ],
        schedules=[
            automation.daily_at_six,
            automation.realtime_every_15_minutes,
            freshness.ads_freshness_every_15_minutes,
        ],
        sensors=[
            automation.raw_arrival,
            automation.alert_on_run_failure,
            automation.alert_on_recovery,
            automation.alert_on_warning,
        ],
        # The dbt of this virtualenv, whether or not it is on PATH.
        # One process per run: DuckDB admits one writer, so steps run one at a time anyway, and a
        # process per step would only add start-up time (3.5 min against 1.5 for the demo).
        executor=dg.in_process_executor,
        resources={"dbt": DbtCli(project_dir=project, dbt_executable=str(Path(sys.executable).with_name("dbt")))},
    )


defs = build_definitions()
