"""The GX file context in gx/: suites, validation definitions and checkpoints, written from suites.py.

GX's SQL datasource cannot read metric results from DuckDB (the connection is released before the
results are fetched), so every expectation would end in an exception. On DuckDB, batches are
therefore pandas DataFrames that quality.run reads itself, one per suite (on PostgreSQL, GX's SQL
data source is used instead: quality/batch_readers.py): each suite has a
dataframe asset of the same name in the pandas data source `warehouse` and a checkpoint of the
same name.
"""

from __future__ import annotations

import os
from pathlib import Path

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

import settings

from .suites import Suite, suites

DATASOURCE = "warehouse"
BATCH = "batch"


def get_context(project_root: Path = settings.ROOT):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    return gx.get_context(mode="file", project_root_dir=str(project_root))


def sync(context=None, selected: list[Suite] | None = None) -> list[str]:
    """Write every suite, its validation definition and checkpoint into the file context."""
    context = context or get_context()
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.variables.save()
    try:
        datasource = context.data_sources.get(DATASOURCE)
    except (KeyError, LookupError, ValueError):
        datasource = context.data_sources.add_pandas(DATASOURCE)
    names = []
    for suite in selected or suites():
        try:
            asset = datasource.get_asset(suite.name)
        except LookupError:
            asset = datasource.add_dataframe_asset(suite.name)
        try:
            batch_definition = asset.get_batch_definition(BATCH)
        except (KeyError, LookupError):
            batch_definition = asset.add_batch_definition_whole_dataframe(BATCH)
        gx_suite = gx.ExpectationSuite(
            name=suite.name,
            expectations=list(suite.expectations),
            meta={"layer": suite.layer, "severity": suite.severity, "table": suite.table, "batch": suite.what},
        )
        try:
            existing = context.suites.get(suite.name)
        except Exception:  # noqa: BLE001 - GX raises its own not-found types
            existing = None
        # Rewriting an unchanged suite would only give its expectations new ids (noise in review).
        gx_suite = (
            existing
            if existing is not None and _content(existing) == _content(gx_suite)
            else context.suites.add_or_update(gx_suite)
        )
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
        )
        context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=suite.name,
                validation_definitions=[definition],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10},
            )
        )
        names.append(suite.name)
    if selected is None:
        _prune(context, set(names), datasource)
    return names


def _prune(context, keep: set[str], datasource) -> None:
    """Remove the checkpoints, validation definitions, suites and assets of suites no longer defined."""
    for checkpoint in list(context.checkpoints.all()):
        if checkpoint.name not in keep:
            context.checkpoints.delete(checkpoint.name)
    for definition in list(context.validation_definitions.all()):
        if definition.name not in keep:
            context.validation_definitions.delete(definition.name)
    for gx_suite in list(context.suites.all()):
        if gx_suite.name not in keep:
            context.suites.delete(gx_suite.name)
    for asset in list(datasource.assets):
        if asset.name not in keep:
            datasource.delete_asset(asset.name)


def _content(suite) -> tuple:
    d = suite.to_json_dict()
    return (
        d["meta"].get("layer"),
        d["meta"].get("severity"),
        d["meta"].get("table"),
        d["meta"].get("batch"),
        [(e["type"], e["kwargs"], e.get("meta")) for e in d["expectations"]],
    )
