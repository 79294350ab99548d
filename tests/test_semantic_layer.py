"""The MetricFlow semantic layer: every metric answers, in-process, by month and by a dimension,
and the sales full-cycle metrics equal the ADS table for every month and store."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DBT, ROOT, Project, parse_repository


@pytest.fixture(scope="module")
def engine(built_warehouse: Project):
    """A MetricFlow engine on the built warehouse, through dbt's DuckDB adapter."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NEV_DUCKDB_PATH", str(built_warehouse.database))
        env.setenv("DBT_PROFILES_DIR", str(ROOT))
        env.setenv("DBT_TARGET", "duckdb")
        yield _engine()
    # The adapter holds the file open in this process: let the next module in this worker open it.
    from indicators.engine import release_warehouse

    release_warehouse()


def _engine():
    parse_repository()  # MetricFlow reads the project's target/semantic_manifest.json
    from indicators.engine import metricflow_engine

    mf, client = metricflow_engine()
    # The adapter holds the DuckDB file open: reference queries go through the same client.
    mf.reference_sql = lambda sql: client.query(sql).rows
    mf.execute_sql = client.execute
    return mf


def query(engine, metrics: list[str], group_by: list[str], where: list[str] | None = None):
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    request = MetricFlowQueryRequest.create(
        metric_names=metrics, group_by_names=group_by, where_constraints=where or []
    )
    return engine.query(request).result_df


def all_metrics(engine) -> list[str]:
    return sorted(m.name for m in engine.list_metrics())


def test_the_indicator_system_is_defined(engine):
    names = all_metrics(engine)
    assert len(names) >= 100
    labels = {m.name: m.label for m in engine.list_metrics()}
    for label in [
        "到店客流数",
        "当前保有数",
        "期初保有数",
        "试乘试驾率",
        "线索重复率",
        "日活",
        "跳出率",
        "实销量(交车数)",
    ]:
        assert label in labels.values(), label


def test_every_metric_answers_by_month_and_by_a_dimension(engine):
    failures = {}
    for metric in all_metrics(engine):
        try:
            by_month = query(engine, [metric], ["metric_time__month"])
            assert len(by_month.rows) > 0, "no rows by month"
            dimensions = [
                d.dunder_name for d in engine.simple_dimensions_for_metrics([metric]) if d.type.name == "CATEGORICAL"
            ]
            if dimensions:
                by_dimension = query(engine, [metric], ["metric_time__month", dimensions[0]])
                assert len(by_dimension.rows) > 0, f"no rows by {dimensions[0]}"
        except Exception as e:  # noqa: BLE001 - collect every failing metric
            failures[metric] = str(e)[:300]
    assert failures == {}


# metric -> ADS expression: the same number for every month and store. Counts are summed over the
# ADS grain (advisor, series, source); rates are recomputed from their summed parts.
def _rate(numerator: str, denominator: str) -> str:
    return f"sum({numerator}) * 1.0 / nullif(sum({denominator}), 0)"


ADS = {
    "store_visit_count": "sum(store_visits)",
    "store_visit_first_with_card_count": "sum(visits_first_visit_with_card)",
    "store_visit_first_without_card_count": "sum(visits_first_visit_without_card)",
    "store_visit_non_purchase_count": "sum(visits_non_purchase)",
    "store_visit_net_phone_invited_count": "sum(visits_net_phone_invited)",
    "store_visit_outreach_invited_count": "sum(visits_outreach_invited)",
    "store_visit_post_order_count": "sum(visits_post_order)",
    "store_visit_return_count": "sum(visits_return_visit)",
    "store_visit_other_count": "sum(visits_other)",
    "lead_count": "sum(prospect_sources)",
    "card_count": "sum(cards_created)",
    "invitation_net_phone_arrival_count": "sum(online_invited_arrivals)",
    "lead_outreach_count": "sum(outreach_prospects)",
    "card_outreach_count": "sum(outreach_cards)",
    "invitation_outreach_arrival_count": "sum(outreach_arrivals)",
    "prospect_held_closing_count": "sum(held_prospects_current)",
    "prospect_held_opening_count": "sum(held_prospects_opening)",
    "prospect_new_count": "sum(new_prospects)",
    "prospect_dormant_count": "sum(dormant_prospects)",
    "prospect_defeated_count": "sum(defeated_prospects)",
    "prospect_reactivated_count": "sum(reactivated_prospects)",
    "test_drive_count": "sum(test_drives)",
    "order_valid_count": "sum(valid_orders)",
    "order_new_count": "sum(new_orders)",
    "order_first_count": "sum(first_orders)",
    "order_converted_count": "sum(converted_orders)",
    "order_cancelled_count": "sum(cancellations)",
    "order_held_prospect_count": "sum(held_prospect_orders)",
    "test_drive_rate": _rate("test_driven_leads", "visited_leads"),
    "store_visit_card_rate": _rate(
        "visits_first_visit_with_card", "visits_first_visit_with_card + visits_first_visit_without_card"
    ),
    "prospect_new_conversion_rate": _rate("ordered_leads", "new_prospects"),
    "prospect_held_conversion_rate": _rate("held_prospects_converted", "held_prospects_opening"),
    "order_close_rate": _rate("visited_ordered_leads", "visited_leads"),
    "order_held_close_rate": _rate("held_prospect_orders", "new_orders"),
    "order_cancellation_rate": _rate("new_orders_cancelled", "new_orders"),
    "order_new_close_rate": _rate("new_orders_validated", "new_orders"),
    "card_net_phone_rate": _rate("net_phone_cards", "net_phone_leads"),
    "card_outreach_rate": _rate("outreach_cards", "outreach_prospects"),
    "lead_timeliness_rate": _rate("timely_leads", "new_prospects"),
    "invitation_net_phone_arrival_rate": _rate("online_invited_arrivals", "net_phone_invitations"),
    "invitation_outreach_arrival_rate": _rate("outreach_arrivals", "outreach_invitations"),
    "lead_duplicate_rate": _rate("duplicate_leads", "new_prospects"),
}


def test_sales_full_cycle_metrics_equal_the_ads_table(engine):
    metrics = sorted(ADS)
    df = query(engine, metrics, ["metric_time__month", "store"])
    ads = engine.reference_sql(
        "select month_start, store_id, "
        + ", ".join(ADS[m] for m in metrics)
        + " from ads.ads_sales_full_cycle_monthly group by all"
    )
    expected = {(str(r[0])[:10], r[1]): dict(zip(metrics, r[2:], strict=True)) for r in ads}
    columns = list(df.column_names)
    month_i, store_i = columns.index("metric_time__month"), columns.index("store")
    compared = 0
    for row in df.rows:
        key = (str(row[month_i])[:10], row[store_i])
        got = {m: row[columns.index(m)] for m in metrics}
        if key not in expected:
            assert all(not v for v in got.values()), key
            continue
        for metric in metrics:
            want = expected[key][metric]
            if want is None:
                assert got[metric] in (None, 0), (key, metric, got[metric])
            else:
                assert got[metric] == pytest.approx(float(want), rel=1e-9, abs=1e-12), (key, metric, got[metric], want)
        compared += 1
    assert compared >= len(expected) * 0.95, (compared, len(expected))


def test_a_query_shape_is_planned_once_and_reads_the_data_every_time(engine, monkeypatch):
    """The engine keeps each request's plan (indicators/engine.py); the data is read on every call."""
    from metricflow.engine.metricflow_engine import MetricFlowEngine

    planned = []
    plan = MetricFlowEngine._create_execution_plan
    monkeypatch.setattr(
        MetricFlowEngine, "_create_execution_plan", lambda self, request: planned.append(request) or plan(self, request)
    )
    engine._plans.clear()
    where = ["{{ Dimension('store__store_type') }} = 'direct'"]

    def leads_by_month(where=None):  # distinct customers among the leads (dwd_fct_lead) by month
        return dict(query(engine, ["lead_customer_distinct_count"], ["metric_time__month"], where).rows)

    before = leads_by_month()
    assert leads_by_month() == before and len(planned) == 1  # the same shape, planned once
    leads_by_month(where)
    assert len(planned) == 2  # another filter is another plan

    [(lead,)] = engine.reference_sql("select min(lead_id) from dwd.dwd_fct_lead")
    copy = "select * replace ('zz-plan-cache-' || lead_id as lead_id, 'zz-plan-cache' as one_id) from dwd.dwd_fct_lead"
    engine.execute_sql(f"insert into dwd.dwd_fct_lead {copy} where lead_id = '{lead}'")
    try:
        after = leads_by_month()
    finally:
        engine.execute_sql("delete from dwd.dwd_fct_lead where lead_id like 'zz-plan-cache-%'")
    assert len(planned) == 2  # the cached plan ran again
    changed = {m: n for m, n in after.items() if before.get(m) != n}
    assert len(changed) == 1 and list(changed.values())[0] == before[list(changed)[0]] + 1, changed
    assert leads_by_month() == before


def test_the_readme_query_prints_what_it_shows(built_warehouse: Project, tmp_path):
    """The first query of docs/metrics.md through the CLI, as a user types it (on a copy of the warehouse: the
    in-process engine of this module holds the file open)."""
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    result = subprocess.run(
        [
            str(Path(DBT).with_name("mf")),
            "query",
            "--metrics",
            "test_drive_rate,order_close_rate",
            "--group-by",
            "metric_time__month,store__region",
            "--where",
            "{{ TimeDimension('metric_time', 'month') }} = '2026-10-01'",
            "--order",
            "store__region",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, NEV_DUCKDB_PATH=str(database), DBT_PROFILES_DIR=str(ROOT)),
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    readme = (ROOT / "docs" / "metrics.md").read_text()
    for line in [row for row in result.stdout.splitlines() if row.startswith("2026-10-01")]:
        assert line.rstrip() in readme, line


# metric -> independent SQL over DWD giving (month, value), written here from the definitions.
MONTH = "cast(date_trunc('month', {}) as date)"
# The days the AARRR overview covers: from the first lead to its newest day.
OVERVIEW_DAYS = (
    "d.date_day between (select min(created_date) from dwd.dwd_fct_lead) "
    "and (select max(activity_date) from ads.ads_aarrr_overview_daily)"
)
# Member retention on day N: of the members registered in the month, the share with an APP event
# exactly N days after registering
RETENTION = (
    f"select {MONTH.format('m.registered_date')}, avg(case when exists (select 1 from dwd.dwd_fct_app_event as e "
    "where e.member_id = m.member_id and e.event_date = m.registered_date + interval {days} day) "
    "then 1.0 else 0.0 end) from dwd.dwd_dim_member as m group by 1"
)
INDEPENDENT = {
    "store_visit_count": f"select {MONTH.format('visited_date')}, count(*) from dwd.dwd_fct_store_visit group by 1",
    "store_visit_post_order_count": f"select {MONTH.format('visited_date')}, count(*) from dwd.dwd_fct_store_visit "
    "where visit_category = 'post_order' group by 1",
    "lead_count": f"select {MONTH.format('created_date')}, count(*) from dwd.dwd_fct_lead group by 1",
    "lead_customer_distinct_count": f"select {MONTH.format('created_date')}, count(distinct one_id) from dwd.dwd_fct_lead group by 1",
    "card_count": f"select {MONTH.format('card_created_date')}, count(*) from dwd.dwd_fct_lead where is_carded group by 1",
    "test_drive_count": f"select {MONTH.format('drive_date')}, count(*) from dwd.dwd_fct_test_drive group by 1",
    "order_new_count": f"select {MONTH.format('created_date')}, count(*) from dwd.dwd_fct_vehicle_order group by 1",
    "order_valid_count": f"select {MONTH.format('deposit_date')}, count(*) from dwd.dwd_fct_vehicle_order where is_valid group by 1",
    "order_cancelled_count": f"select {MONTH.format('cancelled_date')}, count(*) from dwd.dwd_fct_vehicle_order "
    "where cancelled_at is not null group by 1",
    "delivery_count": f"select {MONTH.format('delivered_date')}, count(*) from dwd.dwd_fct_delivery group by 1",
    "prospect_dormant_count": f"select {MONTH.format('valid_from_date')}, count(*) from dwd.dwd_fct_lead_status_spell "
    "where lead_status = 'dormant' group by 1",
    "member_new_count": f"select {MONTH.format('registered_date')}, count(*) from dwd.dwd_dim_member group by 1",
    "app_member_active_distinct_count": f"select {MONTH.format('event_date')}, count(distinct member_id) "
    "from dwd.dwd_fct_app_event group by 1",
    # DAU: the mean over the overview's days (first lead to newest data) of the day's distinct actives
    "app_member_active_daily_avg": f"select {MONTH.format('d.date_day')}, avg(coalesce(a.n, 0)) from dwd.dwd_dim_date as d "
    "left join (select event_date, count(distinct member_id) as n from dwd.dwd_fct_app_event group by 1) as a "
    f"on a.event_date = d.date_day where {OVERVIEW_DAYS} group by 1",
    # stickiness: the mean over those days of DAU / MAU (MAU: distinct actives in the 30 days to the day)
    "app_stickiness_rate": f"select {MONTH.format('m.day')}, avg(coalesce(a.n, 0) * 1.0 / m.n) from ("
    "select d.date_day as day, count(distinct e.member_id) as n from dwd.dwd_dim_date as d "
    "join dwd.dwd_fct_app_event as e on e.event_date > d.date_day - interval 30 day and e.event_date <= d.date_day "
    f"where {OVERVIEW_DAYS} group by 1) as m "
    "left join (select event_date, count(distinct member_id) as n from dwd.dwd_fct_app_event group by 1) as a "
    "on a.event_date = m.day group by 1",
    "content_share_count": f"select {MONTH.format('event_date')}, count(*) from dwd.dwd_fct_app_event "
    "where event_type in ('article_share', 'poster_share') group by 1",
    "session_bounce_rate": f"select {MONTH.format('session_date')}, avg(case when is_bounce then 1.0 else 0.0 end) "
    "from dwd.dwd_fct_app_session group by 1",
    "session_dwell_seconds_avg": f"select {MONTH.format('session_date')}, avg(dwell_seconds) from dwd.dwd_fct_app_session group by 1",
    "configurator_depth_avg": f"select {MONTH.format('session_date')}, avg(configurator_depth) from dwd.dwd_fct_app_session "
    "where configurator_depth is not null group by 1",
    "review_referral_rate": f"select {MONTH.format('reviewed_date')}, avg(case when would_recommend then 1.0 else 0.0 end) "
    "from dwd.dwd_fct_customer_review where would_recommend is not null group by 1",
    "maintenance_booked_count": f"select {MONTH.format('created_date')}, count(*) from dwd.dwd_fct_service_ticket "
    "where ticket_type = 'maintenance' group by 1",
    "rescue_handled_count": f"select {MONTH.format('handled_date')}, count(*) from dwd.dwd_fct_service_ticket "
    "where ticket_type = 'rescue' and is_handled group by 1",
    "lead_historical_count": "select m, sum(n) over (order by m) from (select "
    f"{MONTH.format('created_date')} as m, count(*) as n from dwd.dwd_fct_lead group by 1) as x",
    "order_to_delivery_days_avg": f"select {MONTH.format('delivered_date')}, avg(order_to_delivery_days) from dwd.dwd_fct_delivery group by 1",
    "delivery_mom_rate": "select m, (n - lag(n) over (order by m)) * 1.0 / nullif(lag(n) over (order by m), 0) from ("
    f"select {MONTH.format('delivered_date')} as m, count(*) as n from dwd.dwd_fct_delivery group by 1) as x",
    "market_own_share_rate": "select registration_month, sum(case when is_own_brand then registrations else 0 end) * 1.0 "
    "/ sum(registrations) from dwd.dwd_fct_market_registration group by 1",
    "lead_to_test_drive_conversion_rate": (
        f"select {MONTH.format('l.created_date')}, avg(case when exists (select 1 from dwd.dwd_fct_test_drive as t "
        "where t.lead_id = l.lead_id and t.drive_date >= l.created_date and t.drive_date < l.created_date + interval 14 day) "
        "then 1.0 else 0.0 end) from dwd.dwd_fct_lead as l group by 1"
    ),
    "member_retention_d1_rate": RETENTION.format(days=1),
    "member_retention_d7_rate": RETENTION.format(days=7),
    "member_retention_d30_rate": RETENTION.format(days=30),
    "test_drive_to_order_conversion_rate": (
        f"select {MONTH.format('t.drive_date')}, avg(case when exists (select 1 from dwd.dwd_fct_vehicle_order as o "
        "where o.lead_id = t.lead_id and o.created_date >= t.drive_date and o.created_date < t.drive_date + interval 30 day) "
        "then 1.0 else 0.0 end) from dwd.dwd_fct_test_drive as t group by 1"
    ),
    "app_member_active_30d_count": (
        f"select {MONTH.format('d.date_day')}, count(distinct e.member_id) from dwd.dwd_dim_date as d "
        "join dwd.dwd_fct_app_event as e on e.event_date > d.date_day - interval 30 day and e.event_date <= d.date_day "
        "where d.date_day = last_day(d.date_day) and d.date_day <= (select max(event_date) from dwd.dwd_fct_app_event) "
        "group by 1"
    ),
}


@pytest.mark.parametrize("metric", sorted(INDEPENDENT))
def test_metric_equals_an_independent_computation(engine, metric):
    df = query(engine, [metric], ["metric_time__month"])
    got = {str(r[0])[:10]: r[1] for r in df.rows}
    want = {str(m)[:10]: v for m, v in engine.reference_sql(INDEPENDENT[metric]) if m is not None and v is not None}
    assert want, metric
    for month, value in want.items():
        if metric == "lead_historical_count" and month not in got:
            continue
        assert month in got, (metric, month)
        assert got[month] == pytest.approx(float(value), rel=1e-9, abs=1e-9), (metric, month, got[month], value)


# The conversion rates read day-grain pre-aggregates (dws_lead_conversion_daily,
# dws_test_drive_conversion_daily): by every cut a board offers they must still equal the rate
# computed lead by lead (test drive by test drive) from DWD, and their bases the funnel's counts.
CONVERSION_BY_CUT = {
    "lead_to_test_drive_conversion_rate": (
        "select {month}, {cut}, avg(case when exists (select 1 from dwd.dwd_fct_test_drive as t "
        "where t.lead_id = l.lead_id and t.drive_date >= l.created_date and t.drive_date < l.created_date "
        "+ interval 14 day) then 1.0 else 0.0 end) from dwd.dwd_fct_lead as l group by 1, 2",
        "l.created_date",
        "l",
    ),
    "test_drive_to_order_conversion_rate": (
        "select {month}, {cut}, avg(case when exists (select 1 from dwd.dwd_fct_vehicle_order as o "
        "where o.lead_id = t.lead_id and o.created_date >= t.drive_date and o.created_date < t.drive_date "
        "+ interval 30 day) then 1.0 else 0.0 end) from dwd.dwd_fct_test_drive as t group by 1, 2",
        "t.drive_date",
        "t",
    ),
}
CUT_COLUMNS = {"channel": "source_channel", "store": "store_id", "series": "series_code"}


@pytest.mark.parametrize("cut", sorted(CUT_COLUMNS))
@pytest.mark.parametrize("metric", sorted(CONVERSION_BY_CUT))
def test_a_conversion_rate_by_any_cut_equals_the_rate_counted_one_by_one(engine, metric, cut):
    sql, date, alias = CONVERSION_BY_CUT[metric]
    column = f"coalesce({alias}.{CUT_COLUMNS[cut]}, 'unknown')"
    want = {
        (str(m)[:10], str(c)): v
        for m, c, v in engine.reference_sql(sql.format(month=MONTH.format(date), cut=column))
        if m is not None
    }
    got = {(str(r[0])[:10], str(r[1])): r[2] for r in query(engine, [metric], ["metric_time__month", cut]).rows}
    assert len(want) > 20, "the test needs many cells"
    assert set(got) == set(want), (metric, cut, set(got) ^ set(want))
    for key, value in want.items():
        assert got[key] == pytest.approx(float(value), rel=1e-9), (metric, key, got[key], value)


@pytest.mark.parametrize(
    "base, count",
    [("lead_conversion_base_count", "lead_count"), ("test_drive_conversion_base_count", "test_drive_count")],
)
def test_a_conversion_rates_base_is_the_funnels_count_under_every_cut(engine, base, count):
    by = ["metric_time__month", "store", "channel", "series"]
    rows = query(engine, [base, count], by).rows
    assert len(rows) > 100
    differ = [r for r in rows if (r[-2] or 0) != (r[-1] or 0)]
    assert not differ, differ[:5]


def test_saved_queries_export_to_files(engine, tmp_path):
    import duckdb

    from indicators import export

    written = export.run(engine, tmp_path)
    assert set(written) == {"dealer_sales_full_cycle_monthly", "aarrr_overview_daily", "c_level_daily_board"}
    with duckdb.connect() as con:
        dealer = con.execute(f"select * from read_parquet('{tmp_path}/dealer_sales_full_cycle_monthly.parquet')").df()
    assert len(dealer) == written["dealer_sales_full_cycle_monthly"] > 100
    assert {"metric_time__month", "store", "store__region", "test_drive_rate", "prospect_held_closing_count"} <= set(
        dealer
    )
    assert dealer.test_drive_rate.dropna().between(0, 1).all()
    assert "store__store_name" in dealer and dealer.store__store_name.notna().all()
    keys = list(dealer[["metric_time__month", "store"]].itertuples(index=False, name=None))
    assert keys == sorted(keys), "export rows are not in month and store order"
    raw = (tmp_path / "c_level_daily_board.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel on Chinese Windows would read GBK"
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "metric_time__day" and {"store__war_zone", "store__region"} <= set(header), header


@pytest.mark.parametrize("grain", ["day", "week", "month", "quarter", "year"])
def test_ratios_of_daily_figures_mean_the_same_at_every_grain(engine, grain):
    """Stickiness (DAU/MAU) is a share at every grain, and DAU never exceeds the period's distinct
    actives: neither is a day-grain figure summed or counted again over a longer period."""
    group = f"metric_time__{grain}"
    df = query(
        engine, ["app_stickiness_rate", "app_member_active_daily_avg", "app_member_active_distinct_count"], [group]
    )
    assert df.rows
    for period, stickiness, dau, distinct in df.rows:
        if stickiness is not None:
            assert 0 <= stickiness <= 1, (grain, period, stickiness)
        if dau is not None and distinct is not None:
            assert dau <= distinct + 1e-9, (grain, period, dau, distinct)


@pytest.mark.parametrize(
    "metric", ["app_member_active_30d_count", "app_stickiness_rate", "app_member_active_daily_avg"]
)
def test_no_metric_answers_for_months_after_the_data(engine, metric):
    (newest,) = engine.reference_sql("select max(event_date) from dwd.dwd_fct_app_event")[0]
    months = [str(r[0])[:7] for r in query(engine, [metric], ["metric_time__month"]).rows]
    assert months and max(months) <= str(newest)[:7], (metric, max(months), newest)


# metric -> the ads_aarrr_overview_daily column it equals at day grain
AARRR_DAILY = {
    "app_member_active_daily_avg": "daily_active_members",
    "app_member_active_30d_count": "monthly_active_members",
    "app_stickiness_rate": "stickiness",
    "member_retention_d1_rate": "retention_d1",
    "member_retention_d7_rate": "retention_d7",
    "member_retention_d30_rate": "retention_d30",
}


def test_daily_aarrr_metrics_equal_the_ads_table(engine):
    df = query(engine, list(AARRR_DAILY), ["metric_time__day"])
    got = {str(r[0])[:10]: dict(zip(df.column_names[1:], r[1:], strict=True)) for r in df.rows}
    rows = engine.reference_sql(
        f"select activity_date, {', '.join(AARRR_DAILY.values())} from ads.ads_aarrr_overview_daily"
    )
    assert len(rows) > 300
    for day, *values in rows:
        for (metric, _), want in zip(AARRR_DAILY.items(), values, strict=True):
            value = got.get(str(day)[:10], {}).get(metric)
            if metric.startswith("member_retention") and want is None:
                continue  # a day without registrations: ADS says null, MetricFlow has no row
            if want is None:
                assert value is None, (metric, day, value)
                continue
            assert value == pytest.approx(want, rel=1e-9, abs=1e-12), (metric, day, value, want)


@pytest.mark.parametrize("dimension", ["advisor__advisor_name", "series__series_name"])
def test_no_query_prints_a_blank_dimension(engine, dimension):
    """Facts without an advisor or series (walk-in visits) are named by the dimensions' unknown row."""
    df = query(engine, ["store_visit_count", "lead_count"], [dimension])
    names = [r[df.column_names.index(dimension)] for r in df.rows]
    assert names and None not in names and "" not in names, dimension
