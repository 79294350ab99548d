"""A MetricFlow engine in-process, on the project's dbt profile: its default target (DBT_TARGET, else
duckdb) is the engine queried, NEV_DUCKDB_PATH picks DuckDB's file."""

from __future__ import annotations

import contextlib
import os

from pathlib import Path

from .manifest import ROOT


def metricflow_engine(semantic_manifest: Path | None = None):
    """(engine, sql client). The client holds the warehouse open: query reference data through it.

    semantic_manifest: the semantic_manifest.json to load. Its relations name the database they were
    parsed for, so by default it is the one `make manifest TARGET=<target>` writes for the profile's
    target: target/<target>/ for an engine other than DuckDB, if there, else target/ (the `mf` CLI's).
    """
    os.environ.setdefault("DBT_PROFILES_DIR", str(ROOT))
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtArtifacts, dbtProjectMetadata
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    target = os.environ.get("DBT_TARGET", "duckdb")
    if semantic_manifest is None and target != "duckdb" and (ROOT / "target" / target / "semantic_manifest.json").exists():
        semantic_manifest = ROOT / "target" / target / "semantic_manifest.json"
    metadata = dbtProjectMetadata.load_from_paths(profiles_path=ROOT, project_path=ROOT)
    artifacts = dbtArtifacts.load_from_project_metadata(metadata)
    manifest = artifacts.semantic_manifest
    if semantic_manifest is not None:
        from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
        manifest = parse_manifest_from_dbt_generated_manifest(manifest_json_string=semantic_manifest.read_text())
    client = AdapterBackedSqlClient(artifacts.adapter)
    engine = MetricFlowEngine(semantic_manifest_lookup=SemanticManifestLookup(manifest),
                              sql_client=client)
    return engine, client


@contextlib.contextmanager
def metricflow_session():
    """An engine whose hold on the warehouse ends with the block, so that the next reader or writer
    (a GX check, a dbt run) can open the file."""
    engine, client = metricflow_engine()
    try:
        yield engine
    finally:
        release_warehouse()


def release_warehouse() -> None:
    """Close the dbt adapter's warehouse connection. DuckDB's adapter keeps one open per process."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def monthly_sql(engine, metric: str) -> str:
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest
    request = MetricFlowQueryRequest.create(metric_names=[metric], group_by_names=["metric_time__month"])
    return engine.explain(request).sql_statement.sql


def dimensions(engine, metric: str) -> list[str]:
    return sorted(d.dunder_name for d in engine.simple_dimensions_for_metrics([metric]))
