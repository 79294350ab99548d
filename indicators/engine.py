"""A MetricFlow engine in-process, on the project's dbt profile (NEV_DUCKDB_PATH picks the file)."""

from __future__ import annotations

import contextlib
import os

from .manifest import ROOT


def metricflow_engine():
    """(engine, sql client). The client holds the warehouse open: query reference data through it."""
    os.environ.setdefault("DBT_PROFILES_DIR", str(ROOT))
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtArtifacts, dbtProjectMetadata
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    metadata = dbtProjectMetadata.load_from_paths(profiles_path=ROOT, project_path=ROOT)
    artifacts = dbtArtifacts.load_from_project_metadata(metadata)
    client = AdapterBackedSqlClient(artifacts.adapter)
    engine = MetricFlowEngine(semantic_manifest_lookup=SemanticManifestLookup(artifacts.semantic_manifest),
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
