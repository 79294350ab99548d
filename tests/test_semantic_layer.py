"""The MetricFlow semantic layer: every metric answers, in-process, by month and by a dimension,
and the sales full-cycle metrics equal the ADS table for every month and store."""

from __future__ import annotations

import subprocess

import pytest

from conftest import DBT, ROOT, Project


@pytest.fixture(scope="module")
def engine(built_warehouse: Project):
    """A MetricFlow engine on the built warehouse, through dbt's DuckDB adapter."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NEV_DUCKDB_PATH", str(built_warehouse.database))
        env.setenv("DBT_PROFILES_DIR", str(ROOT))
        yield _engine()


def _engine():
    # MetricFlow reads target/semantic_manifest.json, which dbt parse writes in the project.
    subprocess.run([DBT, "parse", "--quiet", "--project-dir", str(ROOT)], cwd=ROOT, check=True)
    from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
    from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtArtifacts, dbtProjectMetadata
    from metricflow.engine.metricflow_engine import MetricFlowEngine
    from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

    metadata = dbtProjectMetadata.load_from_paths(profiles_path=ROOT, project_path=ROOT)
    artifacts = dbtArtifacts.load_from_project_metadata(metadata)
    client = AdapterBackedSqlClient(artifacts.adapter)
    mf = MetricFlowEngine(semantic_manifest_lookup=SemanticManifestLookup(artifacts.semantic_manifest), sql_client=client)
    # The adapter holds the DuckDB file open: reference queries go through the same client.
    mf.reference_sql = lambda sql: client.query(sql).rows
    return mf


def query(engine, metrics: list[str], group_by: list[str], where: list[str] | None = None):
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest
    request = MetricFlowQueryRequest.create(
        metric_names=metrics, group_by_names=group_by, where_constraints=where or [])
    return engine.query(request).result_df


def all_metrics(engine) -> list[str]:
    return sorted(m.name for m in engine.list_metrics())


def test_the_indicator_system_is_defined(engine):
    names = all_metrics(engine)
    assert len(names) >= 100
    labels = {m.name: m.label for m in engine.list_metrics()}
    for label in ["到店客流数", "当前保有数", "期初保有数", "试乘试驾率", "线索重复率", "日活", "跳出率", "实销量(交车数)"]:
        assert label in labels.values(), label


def test_every_metric_answers_by_month_and_by_a_dimension(engine):
    failures = {}
    for metric in all_metrics(engine):
        try:
            by_month = query(engine, [metric], ["metric_time__month"])
            assert len(by_month.rows) > 0, "no rows by month"
            dimensions = [d.dunder_name for d in engine.simple_dimensions_for_metrics([metric])
                          if d.type.name == "CATEGORICAL"]
            if dimensions:
                by_dimension = query(engine, [metric], ["metric_time__month", dimensions[0]])
                assert len(by_dimension.rows) > 0, f"no rows by {dimensions[0]}"
        except Exception as e:  # noqa: BLE001 - collect every failing metric
            failures[metric] = str(e)[:300]
    assert failures == {}


# metric -> ADS column: the same number for every month and store.
ADS_COUNTS = {
    "store_visit_count": "store_visits", "store_visit_first_with_card_count": "visits_first_visit_with_card",
    "store_visit_post_order_count": "visits_post_order", "lead_count": "prospect_sources", "card_count": "cards_created",
    "lead_outreach_count": "outreach_prospects", "prospect_dormant_count": "dormant_prospects",
    "prospect_reactivated_count": "reactivated_prospects", "test_drive_count": "test_drives",
    "order_valid_count": "valid_orders", "order_new_count": "new_orders", "order_cancelled_count": "cancellations",
    "order_held_prospect_count": "held_prospect_orders", "prospect_held_opening_count": "held_prospects_opening",
    "prospect_held_closing_count": "held_prospects_current",
}


def test_sales_full_cycle_metrics_equal_the_ads_table(engine):
    metrics = sorted(ADS_COUNTS)
    df = query(engine, metrics, ["metric_time__month", "store"])
    ads = engine.reference_sql(
        "select month_start, store_id, " + ", ".join(f"sum({c}) as {c}" for c in ADS_COUNTS.values())
        + " from ads.ads_sales_full_cycle_monthly group by all")
    expected = {(str(r[0])[:10], r[1]): r[2:] for r in ads}
    columns = list(df.column_names)
    month_i, store_i = columns.index("metric_time__month"), columns.index("store")
    compared = 0
    for row in df.rows:
        key = (str(row[month_i])[:10], row[store_i])
        if key not in expected:
            assert all((row[columns.index(m)] or 0) == 0 for m in metrics), key
            continue
        want = dict(zip(ADS_COUNTS.values(), expected[key]))
        for metric, column in ADS_COUNTS.items():
            assert (row[columns.index(metric)] or 0) == want[column], (key, metric, row[columns.index(metric)], want[column])
        compared += 1
    assert compared >= len(expected) * 0.95
