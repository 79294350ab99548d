"""Great Expectations really evaluates every expectation on DuckDB, and each suite catches the
defect it exists for, naming the expectation and the offending values."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, Project
from quality import context as gx_context, engines as gx_engines, run as gx_run
from datagen import schemas
from quality.suites import LANDING_DAY, suites


@pytest.fixture(scope="module")
def gx_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the committed GX file context, so that runs write their results elsewhere."""
    root = tmp_path_factory.mktemp("gx_project")
    shutil.copytree(ROOT / "gx", root / "gx", ignore=shutil.ignore_patterns("uncommitted"))
    return root


def run_suites(database: Path, gx_project: Path, names: list[str] | None = None):
    selected = [s for s in suites() if names is None or s.name in names]
    return gx_run.run(str(database), context=gx_context.get_context(gx_project), selected=selected)


def test_the_committed_context_matches_the_suite_definitions(tmp_path: Path):
    """gx/ is versioned: regenerating it from quality/suites.py changes no expectation."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    gx_context.sync(gx_context.get_context(fresh))
    committed = gx_context.get_context(ROOT)
    regenerated = gx_context.get_context(fresh)
    for suite in suites():
        a = committed.suites.get(suite.name).to_json_dict()
        b = regenerated.suites.get(suite.name).to_json_dict()
        strip = lambda d: [(e["type"], e["kwargs"]) for e in d["expectations"]]  # noqa: E731
        assert strip(a) == strip(b), suite.name
        assert committed.checkpoints.get(suite.name).validation_definitions[0].name == suite.name


def test_a_clean_build_passes_every_suite_with_no_exception(built_warehouse: Project, gx_project: Path):
    day, outcomes = run_suites(built_warehouse.database, gx_project)
    assert len(outcomes) == len(suites())
    assert sum(o.evaluated for o in outcomes) > 250
    assert [(o.suite.name, o.exceptions) for o in outcomes if o.exceptions] == []
    assert [(o.suite.name, o.failed) for o in outcomes if o.failed] == []
    # Batches are real: every suite read rows.
    assert all(o.rows > 0 for o in outcomes), [(o.suite.name, o.rows) for o in outcomes if not o.rows]
    # The run wrote its Data Docs: a page for each suite's result, each linked from the index.
    site = gx_project / "gx" / "uncommitted" / "data_docs" / "local_site"
    index = (site / "index.html").read_text()
    assert [o.suite.name for o in outcomes
            if not any((site / "validations" / o.suite.name).rglob("*.html")) or o.suite.name not in index] == []


DAY = "(select max(cast(event_at as date)) from ods.ods_app__events)"
LANDED_ON_DAY = f"{LANDING_DAY} = {DAY}"

# suite, damage, the one expectation that must fail, [column], a value it must report
DEFECTS = {
    "truncated raw batch": (
        "raw__raw_app__events",
        f"delete from raw.raw_app__events where {LANDED_ON_DAY} and event_id not in "
        f"(select min(event_id) from raw.raw_app__events where {LANDED_ON_DAY})",
        "expect_table_row_count_to_be_between", "", None),
    "null key in raw": (
        "raw__raw_crm__follow_ups",
        f"update raw.raw_crm__follow_ups set follow_up_id = null where {LANDED_ON_DAY}",
        "expect_column_values_to_not_be_null", "follow_up_id", None),
    "unknown enum flood": (
        "raw__raw_crm__leads",
        f"update raw.raw_crm__leads set source_channel = 'TIKTOK_SHOP' where {LANDED_ON_DAY}",
        "expect_column_values_to_be_in_set", "source_channel", "TIKTOK_SHOP"),
    "duplicated order in raw": (
        "raw__raw_oms__vehicle_orders",
        "insert into raw.raw_oms__vehicle_orders select * replace (advisor_id || 'X' as advisor_id) "
        f"from raw.raw_oms__vehicle_orders where {LANDED_ON_DAY} limit 1",
        "expect_compound_columns_to_be_unique", "order_id,updated_at", None),
    "duplicated event in ODS": (
        "ods__ods_app__events",
        f"insert into ods.ods_app__events select * from ods.ods_app__events where cast(_loaded_at as date) = {DAY} limit 1",
        "expect_column_values_to_be_unique", "event_id", None),
    "order of a customer missing from OneID": (
        "dwd__dwd_fct_vehicle_order",
        "update dwd.dwd_fct_vehicle_order set one_id = 'nobody' where order_id = (select min(order_id) from dwd.dwd_fct_vehicle_order)",
        "expect_column_values_to_be_in_set", "customer_in_one_id", False),
    "rate above one in ADS": (
        "ads__ads_sales_full_cycle_monthly",
        "update ads.ads_sales_full_cycle_monthly set visit_card_rate = 1.25 where visit_card_rate is not null "
        "and store_id = (select min(store_id) from ads.ads_sales_full_cycle_monthly) and month_start = '2026-10-01'",
        "expect_column_values_to_be_between", "visit_card_rate", 1.25),
    "funnel no longer monotonic in ADS": (
        "ads__ads_sales_full_cycle_monthly",
        "update ads.ads_sales_full_cycle_monthly set test_driven_leads = visited_leads + 3 "
        "where month_start = '2026-10-01' and visited_leads > 0",
        "expect_column_pair_values_a_to_be_greater_than_b", "visited_leads", None),
    "ADS orders no longer reconcile": (
        "ads__ads_sales_full_cycle_monthly",
        "update ads.ads_sales_full_cycle_monthly set new_orders = new_orders + 1, new_orders_validated = 0, "
        "new_orders_cancelled = 0 where month_start = '2026-09-01' and new_orders > 0",
        "expect_column_pair_values_to_be_equal", "ads_month_new_orders", None),
    "AARRR deliveries no longer reconcile": (
        "ads__ads_aarrr_overview_daily",
        "update ads.ads_aarrr_overview_daily set deliveries = deliveries + 2 where activity_date = '2026-10-30'",
        "expect_column_pair_values_to_be_equal", "ads_deliveries", None),
}


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_each_suite_catches_its_defect(defect: str, warehouse_copy: Project, gx_project: Path):
    suite, sql, expectation, column, value = DEFECTS[defect]
    with duckdb.connect(str(warehouse_copy.database)) as con:
        con.execute(sql)
    _, outcomes = run_suites(warehouse_copy.database, gx_project, [suite])
    (outcome,) = outcomes
    assert outcome.exceptions == []
    assert [(e, c) for e, c, _ in outcome.failed] == [(expectation, column)], outcome.failed
    if value is not None:
        assert repr(value) in outcome.failed[0][2] or str(value) in outcome.failed[0][2], outcome.failed[0][2]


def _key_defect(suite) -> tuple[str, str, str]:
    """The damage every suite must catch: a missing key in its batch (raw), a duplicated key (ODS/DWD)."""
    if suite.layer == "raw":
        table = schemas.BY_NAME[suite.table.split(".")[1]]
        key = table.key[0]
        where = "true" if "_loaded_at" not in table.column_names else \
            "_loaded_at = (select max(_loaded_at) from {t} where {landed})".format(
                t=suite.table, landed=LANDED_ON_DAY.replace(" = ", " <= "))
        return (f"update {suite.table} set {key} = null where {where}",
                "expect_column_values_to_not_be_null", key)
    key = suite.expectations[0].column
    source = suite.table
    condition = {"ods__ods_crm__leads": "is_current",
                 "ods__ods_app__events": f"cast(_loaded_at as date) = {DAY}",
                 "ods__ods_showroom__store_visits": f"cast(_loaded_at as date) = {DAY}",
                 "dwd__dwd_fct_store_visit": f"visited_date = {DAY}"}.get(suite.name, "true")
    return (f"insert into {source} select * from {source} where {condition} limit 1",
            "expect_column_values_to_be_unique", key)


@pytest.mark.parametrize("suite", [s for s in suites() if s.layer != "ads"], ids=lambda s: s.name)
def test_every_suite_catches_a_broken_key(suite, warehouse_copy: Project, gx_project: Path):
    sql, expectation, column = _key_defect(suite)
    with duckdb.connect(str(warehouse_copy.database)) as con:
        con.execute(sql)
    _, (outcome,) = run_suites(warehouse_copy.database, gx_project, [suite.name])
    assert outcome.exceptions == []
    assert (expectation, column) in [(e, c) for e, c, _ in outcome.failed], outcome.failed


class FrameCatcher:
    """Stands in for the GX context: keeps the DataFrame a checkpoint would have validated."""

    def __init__(self):
        self.checkpoints, self.frames = self, []

    def get(self, name):
        return self

    def run(self, batch_parameters, expectation_parameters):
        self.frames.append(batch_parameters["dataframe"])


def test_a_whole_table_batch_reaches_pandas_with_only_the_columns_its_expectations_read(built_warehouse: Project,
                                                                                         tmp_path: Path):
    """At SF 10, 20M current leads with every column did not fit in memory; the suite reads two."""
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    suite = next(s for s in suites() if s.name == "ods__ods_crm__leads")
    catcher = FrameCatcher()
    source = gx_engines.DuckDBBatches(catcher, database)
    try:
        rows, _ = source.validate(suite, suite.batch_sql, {})
        current = source.scalar("select count(*) from ods.ods_crm__leads where is_current")
    finally:
        source.close()
    [frame] = catcher.frames
    assert list(frame.columns) == ["lead_id", "source_channel"] and rows == len(frame) == current > 0
    # A suite that checks the column set still reads every column.
    raw = next(s for s in suites() if s.name == "raw__raw_crm__leads")
    assert raw.columns_read() is None
