"""Every kind of data test in the project fails when the data it guards goes bad.

Each case damages a copy of a warehouse whose `dbt build` (tests included) passed, in one precise
way, then runs the dbt tests selected for it: they must fail, and the failing test must be the
one named for the case.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from conftest import RECONCILIATION, Project

from quality.dbt_findings import findings


def reconciliation_of(ods_model: str) -> str:
    """The raw-to-ODS reconciliation over one raw table. It reads the parsed batches, which the full
    build emptied once it had read them: the table is parsed again first."""
    return f"{ods_model}_parsed {RECONCILIATION}"


CASES = {
    "dropped ODS row": (
        "delete from ods.ods_showroom__store_visits where visit_id = (select min(visit_id) from ods.ods_showroom__store_visits)",
        reconciliation_of("ods_showroom__store_visits"),
        "assert_every_raw_row_reaches_ods_or_rejects_pass_",
    ),
    "fanned-out fact": (
        "insert into dwd.dwd_fct_store_visit select * from dwd.dwd_fct_store_visit limit 1",
        "assert_facts_keep_every_ods_row",
        "assert_facts_keep_every_ods_row",
    ),
    "ADS orders off by one": (
        "update ads.ads_sales_full_cycle_monthly set new_orders = new_orders + 1 "
        "where month_start = (select max(month_start) from ads.ads_sales_full_cycle_monthly) and new_orders > 0",
        "assert_sales_full_cycle_reconciles_with_dwd",
        "assert_sales_full_cycle_reconciles_with_dwd",
    ),
    "AARRR deliveries off": (
        "update ads.ads_aarrr_overview_daily set deliveries = deliveries + 1 "
        "where activity_date = (select max(activity_date) from ads.ads_aarrr_overview_daily)",
        "assert_aarrr_and_service_reconcile_with_dwd",
        "assert_aarrr_and_service_reconcile_with_dwd",
    ),
    "rate above one": (
        "update ads.ads_sales_full_cycle_monthly set test_drive_rate = 1.5 where test_drive_rate is not null",
        "between_zero_and_one_ads_sales_full_cycle_monthly_test_drive_rate",
        "between_zero_and_one_ads_sales_full_cycle_monthly_test_drive_rate",
    ),
    "invalid phone": (
        "update ods.ods_crm__leads set phone = '2345' where phone is not null",
        "valid_mobile_phone_ods_crm__leads_phone",
        "valid_mobile_phone_ods_crm__leads_phone",
    ),
    "duplicated grain": (
        "insert into dws.dws_sales_funnel_daily select * from dws.dws_sales_funnel_daily limit 1",
        "dws_sales_funnel_daily,test_name:unique_combination",
        "unique_combination_dws_sales_funnel_daily",
    ),
    "visit categories no longer add up": (
        "update dws.dws_sales_funnel_daily set store_visits = store_visits + 1 where store_visits > 0",
        "dws_sales_funnel_daily,test_name:expression_is_true",
        "expression_is_true_dws_sales_funnel_daily",
    ),
    "stock row that holds nobody": (
        "insert into dws.dws_lead_stock_daily select activity_date, store_id, advisor_id, series_code, 'nobody', 0, 0 "
        "from dws.dws_lead_stock_daily limit 1",
        "dws_lead_stock_daily,test_name:expression_is_true",
        "expression_is_true_dws_lead_stock_daily",
    ),
    "code outside the contract's code set": (
        "update ods.ods_crm__leads set source_channel = 'carrier_pigeon' where lead_id = (select min(lead_id) from ods.ods_crm__leads)",
        "ods_crm__leads,test_name:in_code_set",
        "in_code_set_ods_crm__leads_source_channel",
    ),
    "price outside the contract's bounds, in an old row": (
        "update ods.ods_oms__vehicle_orders set vehicle_price = -1 "
        "where _loaded_at = (select min(_loaded_at) from ods.ods_oms__vehicle_orders)",
        "ods_oms__vehicle_orders,test_name:within_contract_bounds",
        "within_contract_bounds_ods_oms__vehicle_orders_vehicle_price",
    ),
    "an order from the future": (
        "update ods.ods_oms__vehicle_orders set created_at = timestamp '2099-10-01 10:00:00' "
        "where order_id = (select min(order_id) from ods.ods_oms__vehicle_orders)",
        "ods_oms__vehicle_orders,test_name:not_in_the_future",
        "not_in_the_future_ods_oms__vehicle_orders_created_at",
    ),
    "a CDC version whose content changed on the way": (
        "update ods.ods_oms__vehicle_orders set order_status = 'cancelled' "
        "where order_id = (select min(order_id) from ods.ods_oms__vehicle_orders where order_status <> 'cancelled')",
        reconciliation_of("ods_oms__vehicle_orders"),
        "assert_every_raw_row_reaches_ods_or_rejects_pass_",
    ),
    "a rejected row that was not recorded": (
        "delete from ods.ods_quality__rejected_rows where raw_table = 'raw_app__events'",
        reconciliation_of("ods_app__events"),
        "assert_every_raw_row_reaches_ods_or_rejects_pass_",
    ),
    "a landing batch that counts more bad rows than rows": (
        "update ods.ods_quality__landing_minutes set rows_rejected = rows_landed + 1 "
        "where landing_batch = (select min(landing_batch) from ods.ods_quality__landing_minutes)",
        "ods_quality__landing_minutes,test_name:expression_is_true",
        "expression_is_true_ods_quality__landing_minutes",
    ),
    "APP event of a member who never arrives": (
        "update ods.ods_app__events set member_id = 'M_NOBODY' "
        "where event_id = (select min(event_id) from ods.ods_app__events)",
        "dwd_fct_app_event,test_name:relationships_after_late_arrival",
        "relationships_after_late_arrival_dwd_fct_app_event_member_id",
    ),
    "APP event of a member whom ODS rejected in an earlier batch": (
        "update ods.ods_app__events set member_id = 'M_SKEWED' "
        "where event_id = (select min(event_id) from ods.ods_app__events); "
        "insert into ods.ods_quality__rejected_rows values ('raw_app__members', 'M_SKEWED', "
        "'registered_at: ''2099-01-01 10:00:00'' is after its landing time; ', "
        "'seeds/app/raw_app__members.csv', 1234, 1, timestamp '2025-01-01 10:00:00', 'raw_app__members|2025-01-01')",
        "dwd_fct_app_event,test_name:relationships_after_late_arrival",
        "relationships_after_late_arrival_dwd_fct_app_event_member_id",
    ),
    "an order with a delivery that says it is not delivered": (
        "update dwd.dwd_fct_vehicle_order set order_status = 'locked', delivered_at = null "
        "where order_id = (select min(order_id) from dwd.dwd_fct_delivery)",
        "assert_an_order_with_a_delivery_is_delivered",
        "assert_an_order_with_a_delivery_is_delivered",
    ),
    "a funnel row of a lead source the channel dimension does not list": (
        "update dws.dws_sales_funnel_daily set source_channel = 'carrier_pigeon' "
        "where activity_date = (select max(activity_date) from dws.dws_sales_funnel_daily)",
        "dws_sales_funnel_daily,test_name:relationships",
        "relationships_dws_sales_funnel_daily_source_channel",
    ),
    "duplicated key": (
        "insert into dwd.dwd_fct_vehicle_order select * from dwd.dwd_fct_vehicle_order limit 1",
        "unique_dwd_fct_vehicle_order_order_id",
        "unique_dwd_fct_vehicle_order_order_id",
    ),
}


# a value the findings of a failed test must name, for the cases whose bad value is known
FOUND = {
    "invalid phone": "2345",
    "code outside the contract's code set": "carrier_pigeon",
    "a funnel row of a lead source the channel dimension does not list": "carrier_pigeon",
    "price outside the contract's bounds, in an old row": "-1",
    "APP event of a member who never arrives": "M_NOBODY",
    # the cause, not only the orphan: the member's own reject
    "APP event of a member whom ODS rejected in an earlier batch": "parent_reject_reason=registered_at: '2099",
    "an order from the future": "2099-10-01",
}


def failing_tests(output: str) -> set[str]:
    return set(re.findall(r"(?:FAIL|ERROR) \d+ ([\w.]+)", output))


def command_for(selector: str) -> list[str]:
    """The dbt command that runs the selected tests: a build where they select a parsed batch."""
    return ["build" if "_parsed " in selector else "test", "--select", selector]


@pytest.mark.parametrize("case", list(CASES))
def test_data_tests_catch_the_defect(case: str, warehouse_copy: Project):
    sql, selector, expected = CASES[case]
    with duckdb.connect(str(warehouse_copy.database)) as con:
        con.execute(sql)
    result = warehouse_copy.dbt(*command_for(selector), "--exclude", "test_type:unit", check=False)
    assert result.returncode != 0, result.output[-2000:]
    failed = failing_tests(result.output)
    assert any(name.startswith(expected) for name in failed), (failed, expected)
    # ... and what it found is shown, rows with their keys and values, not only a count
    found = findings(warehouse_copy.target / "run_results.json", warehouse_copy.database)
    line = next((f for f in found if f.startswith(expected)), "")
    assert re.search(r": \d+ row\(s\) found, e\.g\. \w+=", line), found
    assert FOUND.get(case, "") in line, (FOUND[case], line)


def test_an_engine_parser_that_disagrees_with_the_portable_one_is_caught(project_copy: Project):
    """DuckDB's fast to_business_time leans on the portable expression where DuckDB cannot read a
    zone; without that fallback it would turn '2025-01-02Z' into null, and the singular test says so."""
    engines = project_copy.path / "macros" / "adapters" / "to_business_time.sql"
    text = engines.read_text()
    fallback = "{{ default__to_business_time(expr) | indent(16) }}"
    assert fallback in text
    engines.write_text(text.replace(fallback, "null"))
    result = project_copy.dbt("build", "--select", "assert_business_time_agrees_across_parsers", check=False)
    assert result.returncode != 0, result.output[-2000:]
    assert "assert_business_time_agrees_across_parsers" in " ".join(failing_tests(result.output))


# In a micro-batch the tests of incremental models check the rows the batch wrote
# (macros/tests/batch_scope.sql): damage among those rows must still fail them.
BATCH_FROM, BATCH_BEFORE = "2026-10-31 00:00:00", "2026-11-01 00:00:00"
IN_BATCH = f"_loaded_at >= timestamp '{BATCH_FROM}' and _loaded_at < timestamp '{BATCH_BEFORE}'"
# rows whose late-arrival allowance (late_arrival_days, 10) runs out in the batch: their parent is due
DUE_IN_BATCH = "_loaded_at >= timestamp '2026-10-21 00:00:00' and _loaded_at < timestamp '2026-10-22 00:00:00'"
BATCH_CASES = {
    "invalid phone": (
        "update ods.ods_crm__leads set phone = '2345' where phone is not null and {rows}",
        "valid_mobile_phone_ods_crm__leads_phone",
        "valid_mobile_phone_ods_crm__leads_phone",
    ),
    "code outside the contract's code set": (
        "update ods.ods_crm__leads set source_channel = 'carrier_pigeon' where {rows}",
        "ods_crm__leads,test_name:in_code_set",
        "in_code_set_ods_crm__leads_source_channel",
    ),
    "a key repeated between the batch and the history": (
        # the copy lands in the batch, its twin is history: the uniqueness test reads both
        "insert into dwd.dwd_fct_vehicle_order select * replace "
        f"(timestamp '{BATCH_FROM}' + interval 1 hour as _loaded_at) from dwd.dwd_fct_vehicle_order "
        "where order_id = (select min(order_id) from dwd.dwd_fct_vehicle_order where not ({rows}))",
        "unique_dwd_fct_vehicle_order_order_id",
        "unique_dwd_fct_vehicle_order_order_id",
    ),
    "APP event whose member is due in the batch and never arrived": (
        "update ods.ods_app__events set member_id = 'M_NOBODY' "
        f"where event_id = (select min(event_id) from ods.ods_app__events where {DUE_IN_BATCH})",
        "dwd_fct_app_event,test_name:relationships_after_late_arrival",
        "relationships_after_late_arrival_dwd_fct_app_event_member_id",
    ),
    "follow-up whose lead is due in the batch and never arrived": (
        "update dwd.dwd_fct_follow_up set lead_id = 'L_NOBODY' "
        f"where follow_up_id = (select min(follow_up_id) from dwd.dwd_fct_follow_up where {DUE_IN_BATCH})",
        "dwd_fct_follow_up,test_name:relationships_after_late_arrival",
        "relationships_after_late_arrival_dwd_fct_follow_up_lead_id",
    ),
    "dropped ODS row": (
        "delete from ods.ods_showroom__store_visits "
        "where visit_id = (select min(visit_id) from ods.ods_showroom__store_visits where {rows})",
        reconciliation_of("ods_showroom__store_visits"),
        "assert_every_raw_row_reaches_ods_or_rejects_pass_",
    ),
}


def batch_test(project: Project, selector: str):
    env = {"NEV_BATCH_LANDED_FROM": BATCH_FROM, "NEV_BATCH_LANDED_BEFORE": BATCH_BEFORE, "NEV_TEST_SCOPE": "batch"}
    return project.dbt(*command_for(selector), "--exclude", "test_type:unit", check=False, env=env)


@pytest.mark.parametrize("case", list(BATCH_CASES))
def test_batch_scoped_tests_catch_the_defect_in_the_batch(case: str, warehouse_copy: Project):
    sql, selector, expected = BATCH_CASES[case]
    with duckdb.connect(str(warehouse_copy.database)) as con:
        con.execute(sql.format(rows=IN_BATCH))
        assert con.execute(f"select count(*) from ods.ods_crm__leads where {IN_BATCH}").fetchall()[0][0] > 0
    result = batch_test(warehouse_copy, selector)
    assert result.returncode != 0, result.output[-2000:]
    assert any(name.startswith(expected) for name in failing_tests(result.output)), result.output[-2000:]


HISTORY_CASES = {
    "invalid phone": (
        "update ods.ods_crm__leads set phone = '2345' "
        f"where lead_id = (select min(lead_id) from ods.ods_crm__leads where phone is not null and not ({IN_BATCH}))",
        "valid_mobile_phone_ods_crm__leads_phone",
        "valid_mobile_phone_ods_crm__leads_phone",
    ),
    "APP event whose member was due before the batch": (
        "update ods.ods_app__events set member_id = 'M_NOBODY' "
        f"where event_id = (select min(event_id) from ods.ods_app__events where not ({DUE_IN_BATCH}) and not ({IN_BATCH}))",
        "dwd_fct_app_event,test_name:relationships_after_late_arrival",
        "relationships_after_late_arrival_dwd_fct_app_event_member_id",
    ),
}


@pytest.mark.parametrize("case", list(HISTORY_CASES))
def test_batch_scoped_tests_leave_history_to_the_daily_run(case: str, warehouse_copy: Project):
    """The same damage on a row checked by an earlier batch passes this batch's test and fails the
    daily run's, which checks every row: the scope is real, not decoration."""
    sql, selector, expected = HISTORY_CASES[case]
    with duckdb.connect(str(warehouse_copy.database)) as con:
        assert con.execute(sql).fetchall()[0][0] >= 1  # DuckDB answers an update with its row count
    assert batch_test(warehouse_copy, selector).returncode == 0
    daily = warehouse_copy.dbt(*command_for(selector), check=False)
    assert daily.returncode != 0
    assert any(name.startswith(expected) for name in failing_tests(daily.output)), daily.output[-2000:]


def test_the_reconciliation_in_passes_checks_every_key_once(warehouse_copy: Project):
    """Past `reconciliation_pass_keys` the check of accepted keys runs in passes over hash buckets of
    the keys. With four passes forced on the demo, an APP event dropped from ODS in buckets 1 and 3
    fails exactly passes 2 and 4: each pass checks its own bucket, and passes 1 and 3 see no false
    difference (both sides of a pass take the same bucket)."""
    with duckdb.connect(str(warehouse_copy.database)) as con:
        dropped = con.execute(
            "delete from ods.ods_app__events where event_id in (select min(event_id) from ods.ods_app__events "
            "where hash(event_id) % 4 in (1, 3) group by hash(event_id) % 4) returning event_id"
        ).fetchall()
    assert len(dropped) == 2
    four = ["--vars", "{reconciliation_pass_keys: 500}"]
    result = warehouse_copy.dbt("build", "--select", "ods_app__events_parsed", RECONCILIATION, *four, check=False)
    assert result.output.count("PASS assert_every_raw_row_reaches_ods_or_rejects_pass_") == 2, result.output[-2000:]
    assert failing_tests(result.output) == {
        "assert_every_raw_row_reaches_ods_or_rejects_pass_2",
        "assert_every_raw_row_reaches_ods_or_rejects_pass_4",
    }
