"""The warehouse as Dagster assets: one dbt op per layer, so that each layer's quality gate can
stop the next; the layers on daily partitions, whose window reaches dbt as the batch; the
semantic layer's outputs downstream.

Asset keys and groups come from the schema dbt gives each node (macros/generate_schema_name.sql
derives it from the layer folder): key [schema, name], group = schema. That macro is the one place.
"""

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

import settings
from lock import warehouse_lock

# Every op that opens the warehouse file runs in this pool; dagster.yaml limits it to one at a time.
WAREHOUSE_POOL = "duckdb_warehouse"
SEMANTIC_GROUP = "semantic_layer"
MICRO_BATCH_JOB = "realtime_micro_batch"


def landing_day_partitions() -> dg.DailyPartitionsDefinition:
    """Landing days in business time. On real landings today's partition exists, so that
    micro-batches can run on it; on the demo seeds they end at the demo's last day of data, so
    "latest" is a day with data (settings.demo_clock)."""
    demo = settings.demo_clock()
    if demo is not None:
        return dg.DailyPartitionsDefinition(
            start_date=settings.PARTITIONS_START, end_date=demo.date().isoformat(), timezone=settings.BUSINESS_TIME_ZONE
        )
    return dg.DailyPartitionsDefinition(
        start_date=settings.PARTITIONS_START, timezone=settings.BUSINESS_TIME_ZONE, end_offset=1
    )


daily_partitions = landing_day_partitions()


def layer_op_specs() -> list[tuple[str, str, bool]]:
    """(op name, dbt selection, partitioned) of every op, in build order: the seeds, then one op per
    layer. A layer's op builds every model of the layer with its run's window as the batch: the
    incremental models take in that window, the tables are rebuilt whole."""
    return [
        ("raw_seeds", "resource_type:seed", False),
        *((layer, f"path:models/{layer}", True) for layer in settings.LAYERS[1:]),
    ]


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


# A run can carry its own batch window (business time, whole minutes) in these tags: the arrival
# sensor sets them to the landing times of the files that arrived, the 15-minute schedule to its
# quarter hour. Without them a partitioned run's batch is its partition's day.
LANDED_FROM_TAG = "batch/landed_from"
LANDED_BEFORE_TAG = "batch/landed_before"
WINDOW_FORMAT = "%Y-%m-%d %H:%M:%S"


def window_tags(start: dt.datetime, end: dt.datetime) -> dict[str, str]:
    return {LANDED_FROM_TAG: start.strftime(WINDOW_FORMAT), LANDED_BEFORE_TAG: end.strftime(WINDOW_FORMAT)}


def tagged_window(tags: Mapping[str, str]) -> dg.TimeWindow | None:
    """The batch window a run's tags name (business time), or None."""
    if LANDED_FROM_TAG not in tags or LANDED_BEFORE_TAG not in tags:
        return None
    zone = ZoneInfo(settings.BUSINESS_TIME_ZONE)
    start, end = (
        dt.datetime.strptime(tags[t], WINDOW_FORMAT).replace(tzinfo=zone) for t in (LANDED_FROM_TAG, LANDED_BEFORE_TAG)
    )
    return dg.TimeWindow(start, end)


def batch_environment(window: dg.TimeWindow | None, micro_batch: bool = False) -> dict[str, str]:
    """The batch as the dbt project reads it (macros/incremental.sql): the partition window in
    business time, and in a micro-batch tests sized to it. Environment variables, not --vars, so
    that a new window re-parses nothing."""
    if window is None:
        return {}

    def local(t: dt.datetime) -> str:
        return t.astimezone(ZoneInfo(settings.BUSINESS_TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")

    return {
        "NEV_BATCH_LANDED_FROM": local(window.start),
        "NEV_BATCH_LANDED_BEFORE": local(window.end),
        **({"NEV_TEST_SCOPE": "batch"} if micro_batch else {}),
    }


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with values set (others of the batch's variables unset) for the block: dagster-dbt
    hands dbt the environment of the process."""
    unset = dict.fromkeys(["NEV_BATCH_LANDED_FROM", "NEV_BATCH_LANDED_BEFORE", "NEV_TEST_SCOPE"])
    with settings.environment({**unset, **values}):
        yield


def dbt_build_args(config: DbtRunConfig) -> list[str]:
    # A test runs in the op that builds the last of its parents, not before its inputs exist. Unit
    # tests check the models' logic on fixtures: they run in CI (`make test`), not with each batch.
    # No JSON artifacts: Dagster reads dbt's events as they stream, and writing the manifest and run
    # results took about 1 s an op (the run's folder keeps dbt.log, with every node's timing).
    return [
        "--no-write-json",
        "build",
        "--indirect-selection",
        "buildable",
        "--exclude",
        "test_type:unit",
        *(["--full-refresh"] if config.full_refresh else []),
    ]


def run_target_path(run_id: str, args: list[str]) -> Path:
    """One dbt target folder per run and arguments (relative to the project), so that the ops of a
    run share one partial parse: only the first can have anything to parse."""
    flags = json.dumps(args, sort_keys=True).encode()
    return Path("target") / "dagster" / f"{run_id[:8]}-{hashlib.sha1(flags).hexdigest()[:8]}"


def layer_assets(project: DbtProject) -> list[dg.AssetsDefinition]:
    return [layer_op(project, *op) for op in layer_op_specs()]


def layer_op(project: DbtProject, name: str, select: str, partitioned: bool) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        name=name,
        select=select,
        dagster_dbt_translator=LayerTranslator(),
        pool=WAREHOUSE_POOL,
        partitions_def=daily_partitions if partitioned else None,
        backfill_policy=dg.BackfillPolicy.single_run(),
    )
    def _layer(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtRunConfig):
        # The batch: the window the run's tags name (the arrival sensor, the 15-minute schedule), else
        # its partitions' landing days (the daily schedule, a backfill's range). A full refresh
        # rebuilds everything whatever the partition.
        window = None
        if partitioned and not config.full_refresh:
            window = tagged_window(context.run.tags)
            if window is None and (context.has_partition_key or context.has_partition_key_range):
                window = context.partition_time_window
        args = dbt_build_args(config)
        target = run_target_path(context.run.run_id, args)
        nodes = get_manifest_and_translator_from_dbt_assets([context.assets_def])[0]["nodes"]  # as loaded
        also = tests_beyond_the_subset(context, nodes, name)
        with (
            warehouse_lock(holder=f"dagster {name}", log=context.log.info),
            environment(batch_environment(window, micro_batch=context.run.job_name == MICRO_BATCH_JOB)),
        ):
            invocation = dbt.cli(
                [*args, *(["--select", " ".join(also)] if also else [])],
                context=context,
                target_path=target,
                raise_on_error=False,
            )
            failed = []  # a failed test's check waits for dbt to end: then its rows can be read
            for event in invocation.stream():
                if isinstance(event, dg.AssetCheckResult) and not event.passed:
                    failed.append(event)
                    continue
                yield event
            yield from with_findings(failed, project.project_dir / target, nodes)
            error = invocation.get_error()
            if error is not None:
                raise error

    return _layer


def tests_beyond_the_subset(context: dg.AssetExecutionContext, nodes: Mapping[str, Any], layer: str) -> list[str]:
    """The dbt tests of this op's selected checks that dbt's `buildable` selection would leave out
    when the op builds part of its layer (the real-time job): a test with a parent this op does not
    build, such as a dimension the job does not rebuild or a record of the layer below. dbt runs them
    on those parents as they are. The whole layer needs none: dagster-dbt selects it by path, which
    selects every test its YAML defines. A test with a parent that a later op of the job builds is
    left out, so that no test runs before its inputs."""
    assets_def = context.assets_def
    if assets_def.keys_by_output_name == assets_def.node_keys_by_output_name:
        return []
    unique_id = "dagster_dbt/unique_id"  # dagster-dbt's metadata key on each spec
    built = {(assets_def.specs_by_key[k].metadata or {}).get(unique_id) for k in context.selected_asset_keys}
    in_job = context.job_def.asset_layer.selected_asset_keys
    later_layers = settings.LAYERS[(settings.LAYERS.index(layer) if layer in settings.LAYERS else 0) + 1 :]
    translator = LayerTranslator()
    built_later = {
        uid
        for uid, node in nodes.items()
        if node["resource_type"] == "model"
        and layer_of(node) in later_layers
        and translator.get_asset_key(node) in in_job
    }
    names = []
    for key in context.selected_asset_check_keys:
        test = nodes.get((assets_def.get_spec_for_check_key(key).metadata or {}).get(unique_id), {})
        parents = set(test.get("depends_on", {}).get("nodes", []))
        if test and not parents <= built and not parents & built_later:
            names.append(test["name"])
    return sorted(names)


def with_findings(failed: list[dg.AssetCheckResult], target: Path, nodes: Mapping[str, Any]):
    """Each failed dbt test's check with what it found (its first rows, as the GX gates show
    theirs), so that the run page says what is wrong, not only which test: dbt says only how many
    rows. Read after dbt has ended, from the test's compiled SQL, on the warehouse read-only."""
    import duckdb

    from quality.dbt_findings import markdown, sample, shown

    if not failed:
        return
    compiled = {path.name: path for path in target.glob("compiled/**/*.sql")}
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        for event in failed:
            node = nodes.get(str(getattr(event.metadata.get("unique_id"), "value", "")), {})
            path = compiled.get(Path(node.get("path", "")).name)  # dbt's file name: long test names are hashed
            try:
                columns, rows = sample(con, path.read_text()) if path else ([], [])
            except (duckdb.Error, OSError):
                columns, rows = [], []
            if not rows:
                yield event
                continue
            count = getattr(event.metadata.get("dagster_dbt/failed_row_count"), "value", "?")
            yield event._replace(
                description=f"{count} row(s) found, e.g. {shown(columns, rows)}",
                metadata={**event.metadata, "found": dg.MetadataValue.md(markdown(columns, rows))},
            )


def semantic_layer_assets(project_dir: Path) -> list[dg.AssetsDefinition]:
    """Each saved query's export, and the indicator dictionary, after the models they read."""
    from indicators.manifest import load, saved_query_relations

    semantic_manifest = project_dir / "target" / "semantic_manifest.json"
    out = [
        export_asset(query, relations) for query, relations in sorted(saved_query_relations(semantic_manifest).items())
    ]

    relations = sorted({b["model"] for i in load(semantic_manifest) for b in i.bindings})

    @dg.asset(
        key=["indicators", "indicator_dictionary"],
        group_name=SEMANTIC_GROUP,
        pool=WAREHOUSE_POOL,
        kinds={"metricflow"},
        deps=[relation_key(r) for r in relations],
        description="The indicator dictionary (指标字典): every metric with its label, owner, formula, "
        "dimensions and monthly SQL, as target/indicators/index.html and indicators.csv.",
    )
    def indicator_dictionary(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from indicators import catalog, governance
        from indicators.engine import metricflow_session

        indicators = load(semantic_manifest)
        problems = governance.check(indicators)
        if problems:
            raise dg.Failure(f"{len(problems)} governance violations", metadata={"first": problems[0]})
        with (
            warehouse_lock(holder="dagster indicator dictionary", log=context.log.info),
            metricflow_session() as engine,
        ):
            out_dir = catalog.build(engine, indicators, project_dir / "target" / "indicators")
        return dg.MaterializeResult(
            metadata={"metrics": len(indicators), "page": dg.MetadataValue.path(str(out_dir / "index.html"))}
        )

    return [*out, indicator_dictionary]


def export_asset(query: str, relations: set[str]) -> dg.AssetsDefinition:
    @dg.asset(
        key=["exports", query],
        group_name=SEMANTIC_GROUP,
        pool=WAREHOUSE_POOL,
        kinds={"metricflow"},
        deps=[relation_key(r) for r in sorted(relations)],
        description=f"Saved query {query}, run through MetricFlow, as Parquet and CSV files.",
    )
    def _export(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from indicators import export
        from indicators.engine import metricflow_session

        with warehouse_lock(holder=f"dagster export {query}", log=context.log.info), metricflow_session() as engine:
            rows = export.run(engine, settings.exports_dir(), names=[query])[query]
        path = settings.exports_dir() / f"{query}.parquet"
        return dg.MaterializeResult(metadata={"rows": rows, "path": dg.MetadataValue.path(str(path))})

    return _export
