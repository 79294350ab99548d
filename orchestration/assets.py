"""The warehouse as Dagster assets: one dbt op per layer, so that each layer's quality gate can
stop the next; incremental models on daily partitions; the semantic layer's outputs downstream.

Asset keys and groups come from the schema dbt gives each node (macros/generate_schema_name.sql
derives it from the layer folder): key [schema, name], group = schema. That macro is the one place.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from .lock import warehouse_lock
from .project import BUSINESS_TIMEZONE, FIRST_DAY, exports_dir

# Every op that opens the warehouse file runs in this pool; dagster.yaml limits it to one at a time.
WAREHOUSE_POOL = "duckdb_warehouse"
INCREMENTAL = "config.materialized:incremental"
VIEW = "config.materialized:view"
SEMANTIC_GROUP = "semantic_layer"
MICRO_BATCH_JOB = "realtime_micro_batch"

# Landing days in business time; today's partition exists so that micro-batches can run on it.
daily_partitions = dg.DailyPartitionsDefinition(start_date=FIRST_DAY, timezone=BUSINESS_TIMEZONE, end_offset=1)


def layer_ops(layer: str, has_views: bool) -> list[tuple[str, str, str | None, bool]]:
    """A layer's two ops: its incremental models on daily partitions, then its tables. The layer's
    views go with the incremental models, which may read them (dwd_fct_app_session reads the
    dwd_fct_app_event view): in the tables' op they would make the two ops wait on each other.
    A layer without views gets no view criterion: dbt warns of a criterion that matches nothing."""
    partitioned = f"path:models/{layer},{INCREMENTAL}" + (f" path:models/{layer},{VIEW}" if has_views else "")
    return [(f"{layer}_daily_increments", partitioned, None, True),
            (f"{layer}_tables", f"path:models/{layer}", f"{INCREMENTAL} {VIEW}", False)]


def layer_op_specs(manifest: Mapping[str, Any]) -> list[tuple[str, str, str | None, bool]]:
    """(op name, dbt selection, dbt exclusion, partitioned) of every op: the order is the build order."""
    with_views = layers_with_views(manifest)
    return [
        ("raw_seeds", "resource_type:seed", None, False),
        *(op for layer in ("ods", "dwd", "dws") for op in layer_ops(layer, layer in with_views)),
        ("ads_tables", "path:models/ads", None, False),
    ]


def layers_with_views(manifest: Mapping[str, Any]) -> set[str]:
    return {layer_of(node) for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["config"]["materialized"] == "view"}


class LayerTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        return dg.AssetKey([layer_of(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return layer_of(dbt_resource_props)


def layer_of(dbt_resource_props: Mapping[str, Any]) -> str:
    """The layer of a dbt node: the schema dbt builds it in (landing sources count as raw)."""
    if dbt_resource_props["resource_type"] == "source":
        return "raw"
    return dbt_resource_props["schema"]


def relation_key(relation: str) -> dg.AssetKey:
    """schema.table (as GX suites and the semantic manifest name relations) to its asset key."""
    return dg.AssetKey(relation.split("."))


class DbtRunConfig(dg.Config):
    full_refresh: bool = False


def batch_vars(window: dg.TimeWindow) -> dict[str, str]:
    """The partition window as the dbt vars incremental models filter _loaded_at on (business time)."""
    def local(t: dt.datetime) -> str:
        return t.astimezone(ZoneInfo(BUSINESS_TIMEZONE)).strftime("%Y-%m-%d %H:%M:%S")
    return {"batch_landed_from": local(window.start), "batch_landed_before": local(window.end)}


def dbt_build_args(config: DbtRunConfig, window: dg.TimeWindow | None, micro_batch: bool = False) -> list[str]:
    # A test runs in the op that builds the last of its parents, not before its inputs exist.
    args = ["build", "--indirect-selection", "buildable"]
    dbt_vars = {"micro_batch": True} if micro_batch else {}
    if config.full_refresh:
        args.append("--full-refresh")
    elif window is not None:
        dbt_vars |= batch_vars(window)
    return args + (["--vars", json.dumps(dbt_vars)] if dbt_vars else [])


def run_target_path(run_id: str, args: list[str]) -> Path:
    """One dbt target folder per run and set of vars (relative to the project). dbt parses the
    project again whenever its vars differ from the partial parse's, and dagster-dbt gives each op a
    new folder seeded with the project's partial parse (made without vars): so every op of a
    micro-batch, and each daily op with a batch window, parsed the whole project again (5 s each).
    Ops of one run with the same vars now share a folder, and all but the first reuse its parse.
    They never run side by side: the warehouse pool admits one at a time."""
    flags = json.dumps(args, sort_keys=True).encode()
    return Path("target") / "dagster" / f"{run_id[:8]}-{hashlib.sha1(flags).hexdigest()[:8]}"


def layer_assets(project: DbtProject) -> list[dg.AssetsDefinition]:
    manifest = json.loads(project.manifest_path.read_text())
    return [layer_op(project, *op) for op in layer_op_specs(manifest)]


def layer_op(project: DbtProject, name: str, select: str, exclude: str | None,
             partitioned: bool) -> dg.AssetsDefinition:
    @dbt_assets(manifest=project.manifest_path, project=project, name=name, select=select, exclude=exclude,
                dagster_dbt_translator=LayerTranslator(), pool=WAREHOUSE_POOL,
                partitions_def=daily_partitions if partitioned else None,
                backfill_policy=dg.BackfillPolicy.single_run())
    def _layer(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtRunConfig):
        # A run of one partition (the schedules, the arrival sensor) has a partition key, a backfill a
        # range: both pass their window, so that a micro-batch reads only its landing days.
        window = (context.partition_time_window
                  if partitioned and (context.has_partition_key or context.has_partition_key_range) else None)
        with warehouse_lock(holder=f"dagster {name}", log=context.log.info):
            args = dbt_build_args(config, window, micro_batch=context.run.job_name == MICRO_BATCH_JOB)
            yield from dbt.cli(args, context=context, target_path=run_target_path(context.run.run_id, args)).stream()
    return _layer


def semantic_layer_assets(project_dir: Path) -> list[dg.AssetsDefinition]:
    """Each saved query's export, and the indicator dictionary, after the models they read."""
    from indicators.manifest import load, saved_query_relations

    semantic_manifest = project_dir / "target" / "semantic_manifest.json"
    out = [export_asset(query, relations) for query, relations in sorted(saved_query_relations(semantic_manifest).items())]

    relations = sorted({b["model"] for i in load(semantic_manifest) for b in i.bindings})

    @dg.asset(key=["indicators", "indicator_dictionary"], group_name=SEMANTIC_GROUP, pool=WAREHOUSE_POOL,
              kinds={"metricflow"}, deps=[relation_key(r) for r in relations],
              description="The indicator dictionary (指标字典): every metric with its label, owner, formula, "
                          "dimensions and monthly SQL, as target/indicators/index.html and indicators.csv.")
    def indicator_dictionary(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from indicators import catalog, governance
        from indicators.engine import metricflow_session
        indicators = load(semantic_manifest)
        problems = governance.check(indicators)
        if problems:
            raise dg.Failure(f"{len(problems)} governance violations", metadata={"first": problems[0]})
        with warehouse_lock(holder="dagster indicator dictionary", log=context.log.info), \
                metricflow_session() as engine:
            out_dir = catalog.build(engine, indicators, project_dir / "target" / "indicators")
        return dg.MaterializeResult(metadata={"metrics": len(indicators),
                                              "page": dg.MetadataValue.path(str(out_dir / "index.html"))})

    return [*out, indicator_dictionary]


def export_asset(query: str, relations: set[str]) -> dg.AssetsDefinition:
    @dg.asset(key=["exports", query], group_name=SEMANTIC_GROUP, pool=WAREHOUSE_POOL, kinds={"metricflow"},
              deps=[relation_key(r) for r in sorted(relations)],
              description=f"Saved query {query}, run through MetricFlow, as Parquet and CSV files.")
    def _export(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from indicators import export
        from indicators.engine import metricflow_session
        with warehouse_lock(holder=f"dagster export {query}", log=context.log.info), metricflow_session() as engine:
            rows = export.run(engine, exports_dir(), names=[query])[query]
        path = exports_dir() / f"{query}.parquet"
        return dg.MaterializeResult(metadata={"rows": rows, "path": dg.MetadataValue.path(str(path))})
    return _export

