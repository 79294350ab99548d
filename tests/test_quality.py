"""Great Expectations really evaluates every expectation on DuckDB, and each suite catches what it
exists for (a source that stops, a small day, drifting codes, a flood of bad rows, falling match and
attribution shares, a collapse in the published figures), with a sentence that names the table,
the column and the day."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT, Project

import contract
from quality import batch_readers
from quality import context as gx_context
from quality import run as gx_run
from quality.suites import LANDING_DAY, SET_ASIDE_SUITE, suites

DAY = "2026-10-31"  # the newest event day of the demo seeds: the batch a run validates by default


@pytest.fixture(scope="module")
def gx_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the committed GX file context, so that runs write their results elsewhere."""
    root = tmp_path_factory.mktemp("gx_project")
    shutil.copytree(ROOT / "gx", root / "gx", ignore=shutil.ignore_patterns("uncommitted"))
    return root


def run_suites(database: Path, gx_project: Path, names: list[str] | None = None):
    selected = [s for s in suites() if names is None or s.name in names]
    return gx_run.run(
        str(database), dt.date.fromisoformat(DAY), context=gx_context.get_context(gx_project), selected=selected
    )


def test_the_committed_context_matches_the_suite_definitions(tmp_path: Path):
    """gx/ is versioned: regenerating it from quality/suites.py changes no expectation."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    gx_context.sync(gx_context.get_context(fresh))
    committed = gx_context.get_context(ROOT)
    regenerated = gx_context.get_context(fresh)
    assert sorted(s.name for s in committed.suites.all()) == sorted(s.name for s in suites())
    for suite in suites():
        a = committed.suites.get(suite.name).to_json_dict()
        b = regenerated.suites.get(suite.name).to_json_dict()
        strip = lambda d: [(e["type"], e["kwargs"]) for e in d["expectations"]]  # noqa: E731
        assert strip(a) == strip(b), suite.name
        assert committed.checkpoints.get(suite.name).validation_definitions[0].name == suite.name


def test_a_clean_build_passes_every_suite_with_no_exception(built_warehouse: Project, gx_project: Path):
    day, outcomes = run_suites(built_warehouse.database, gx_project)
    assert str(day) == DAY
    assert len(outcomes) == len(suites())
    assert [(o.suite.name, o.exceptions) for o in outcomes if o.exceptions] == []
    assert [(o.suite.name, o.failed) for o in outcomes if o.failed and not o.warnings] == []
    # the demo's dirt set aside on its last day is a warning that counts every such row, not a failure
    with duckdb.connect(str(built_warehouse.database), read_only=True) as con:
        (set_aside,) = con.execute(
            "select (select count(*) from ods.ods_quality__rejected_rows where cast(_loaded_at as date) = ?) + "
            "(select count(*) from ods.ods_quality__quarantined_values where cast(_loaded_at as date) = ?)",
            [DAY, DAY],
        ).fetchone()
    (warned,) = [o for o in outcomes if o.suite.name == SET_ASIDE_SUITE]
    assert set_aside > 0 and warned.unexpected == set_aside and warned.success
    assert all(o.rows > 0 for o in outcomes), [(o.suite.name, o.rows) for o in outcomes if not o.rows]
    # The run wrote its Data Docs: a page for each suite's result, each linked from the index.
    site = gx_project / "gx" / "uncommitted" / "data_docs" / "local_site"
    index = (site / "index.html").read_text()
    assert [
        o.suite.name
        for o in outcomes
        if not any((site / "validations" / o.suite.name).rglob("*.html")) or o.suite.name not in index
    ] == []


ON_DAY = f"{LANDING_DAY} = date '{DAY}'"

# suite, damage, the one expectation that must fail, its column, words its report must hold
DEFECTS = {
    "a real-time source sends nothing for the day": (
        "raw__raw_crm__leads",
        f"delete from raw.raw_crm__leads where {ON_DAY}",
        "expect_column_values_to_be_null",
        "arrival_problem",
        f"raw_crm__leads: no rows landed for {DAY}",
    ),
    "a source stopped days ago": (
        "raw__raw_oms__vehicle_orders",
        f"delete from raw.raw_oms__vehicle_orders where {LANDING_DAY} > date '{DAY}' - 5",
        "expect_column_values_to_be_null",
        "arrival_problem",
        "no rows landed in the 48 h up to the end of",
    ),
    "a truncated day": (
        "raw__raw_app__events",
        f"delete from raw.raw_app__events where {ON_DAY} and event_id not in "
        f"(select min(event_id) from raw.raw_app__events where {ON_DAY})",
        "expect_column_values_to_be_null",
        "volume_problem",
        f"1 rows landed on {DAY}, under 50%",
    ),
    "a source changed its codes": (
        "raw__raw_crm__leads",
        f"update raw.raw_crm__leads set source_channel = 'TIKTOK_SHOP' where {ON_DAY}",
        "expect_column_values_to_be_in_set",
        "source_channel__code",
        "TIKTOK_SHOP",
    ),
    "reference data sent empty": (
        "raw__raw_ref__stores",
        "delete from raw.raw_ref__stores",
        "expect_column_values_to_be_null",
        "arrival_problem",
        "raw_ref__stores: the table is empty",
    ),
    "a flood of rejected rows": (
        "ods__ods_quality__landing_batches",
        "insert into ods.ods_quality__rejected_rows (raw_table, raw_key, reject_reason, raw_hash, _loaded_at, landing_batch) "
        "select 'raw_showroom__store_visits', 'V' || i, "
        f"'visited_at: cannot parse ''2026/10/31 10:00''; ', i, timestamp '{DAY} 10:00:00', "
        f"'raw_showroom__store_visits|{DAY}' from range(6) as t(i)",
        "expect_column_values_to_be_null",
        "reject_problem",
        f'raw_showroom__store_visits: 6 of 19 rows landed on {DAY} rejected for "visited_at: cannot parse',
    ),
    "a flood of quarantined values": (
        "ods__ods_quality__landing_batches",
        "insert into ods.ods_quality__quarantined_values (raw_table, raw_key, quarantined, raw_hash, _loaded_at, "
        "landing_batch) select 'raw_crm__leads', 'L' || i, "
        f"'phone: not a mobile number ''12''; ', i, timestamp '{DAY} 10:00:00', 'raw_crm__leads|{DAY}' "
        "from range(30) as t(i)",
        "expect_column_values_to_be_null",
        "quarantine_problem",
        "raw_crm__leads.phone: 33 of 49 rows landed on",
    ),
    "OneID stops matching": (
        "dwd__dwd_dim_customer_identity",
        "update dwd.dwd_dim_customer_identity set match_rule = 'unmatched' where source_system in ('crm', 'app')",
        "expect_column_values_to_be_null",
        "match_problem",
        "identities matched to a person by phone, under 80%",
    ),
    "orders lose their leads": (
        "dwd__dwd_fct_vehicle_order",
        f"update dwd.dwd_fct_vehicle_order set lead_attribution = null where created_date > date '{DAY}' - 60",
        "expect_column_values_to_be_in_set",
        "lead_attribution",
        "none",
    ),
    "the day's active members collapse": (
        "ads__ads_aarrr_overview_daily",
        f"update ads.ads_aarrr_overview_daily set daily_active_members = 1 where activity_date = date '{DAY}'",
        "expect_column_values_to_be_null",
        "dau_problem",
        f"1 daily active members on {DAY}",
    ),
    "a month's leads double": (
        "ads__ads_sales_full_cycle_monthly",
        "update ads.ads_sales_full_cycle_monthly set new_prospects = new_prospects * 3 "
        "where month_start = date '2026-09-01'",
        "expect_column_values_to_be_null",
        "lead_volume_problem",
        "new leads in 2026-09-01",
    ),
    "a flood of distinct bad values": (
        "ods__ods_quality__landing_batches",
        "insert into ods.ods_quality__rejected_rows (raw_table, raw_key, reject_reason, raw_hash, _loaded_at, landing_batch) "
        "select 'raw_showroom__store_visits', 'V' || i, "
        f"'visited_at: cannot parse ''3' || i || '/10/2026 19:16:28''; ', i, timestamp '{DAY} 10:00:00', "
        f"'raw_showroom__store_visits|{DAY}' from range(6) as t(i)",
        "expect_column_values_to_be_null",
        "reject_problem",
        f'raw_showroom__store_visits: 6 of 19 rows landed on {DAY} rejected for "visited_at: cannot parse …" ',
    ),
    "one row set aside, under the flood threshold": (
        SET_ASIDE_SUITE,
        "delete from ods.ods_quality__quarantined_values; delete from ods.ods_quality__rejected_rows; "
        "insert into ods.ods_quality__rejected_rows values ('raw_oms__vehicle_orders', 'O-TEST', "
        f"'vehicle_price: cannot parse ''-1''; ', 'seeds/oms/raw_oms__vehicle_orders.csv', 412, 1, "
        f"timestamp '{DAY} 10:00:00', 'raw_oms__vehicle_orders|{DAY}')",
        "expect_column_values_to_be_null",
        "set_aside",
        "raw_oms__vehicle_orders rejected key O-TEST: vehicle_price: cannot parse … "
        "(seeds/oms/raw_oms__vehicle_orders.csv row 412)'",
    ),
    # the gate reconciles what the boards read with the DWD facts it counts
    "a DWS row gains 1,000 visits": (
        "dws__reconcile_dws_sales_funnel_daily",
        f"update dws.dws_sales_funnel_daily set store_visits = store_visits + 1000 where activity_date = date '{DAY}' "
        f"and rowid = (select min(rowid) from dws.dws_sales_funnel_daily where activity_date = date '{DAY}')",
        "expect_column_values_to_be_null",
        "reconcile_problem",
        f"dws_sales_funnel_daily.store_visits on {DAY}: ",
    ),
    "an ADS month loses a delivery": (
        "ads__reconcile_ads_sales_full_cycle_monthly",
        "update ads.ads_sales_full_cycle_monthly set deliveries = deliveries - 1 where rowid = (select min(rowid) "
        "from ads.ads_sales_full_cycle_monthly where month_start = date '2026-10-01' and deliveries > 0)",
        "expect_column_values_to_be_null",
        "reconcile_problem",
        "ads_sales_full_cycle_monthly.deliveries on 2026-10-01: ",
    ),
    "the AARRR overview counts members twice": (
        "ads__reconcile_ads_aarrr_overview_daily",
        f"update ads.ads_aarrr_overview_daily set daily_active_members = 2 * daily_active_members "
        f"where activity_date = date '{DAY}'",
        "expect_column_values_to_be_null",
        "reconcile_problem",
        f"ads_aarrr_overview_daily.daily_active_members on {DAY}: ",
    ),
    "a member's day goes missing": (
        "dws__reconcile_dws_app_member_daily",
        f"delete from dws.dws_app_member_daily where activity_date = date '{DAY}' and rowid = "
        f"(select min(rowid) from dws.dws_app_member_daily where activity_date = date '{DAY}')",
        "expect_column_values_to_be_null",
        "reconcile_problem",
        f"dws_app_member_daily.active members on {DAY}: ",
    ),
    "a day's sessions all bounce": (
        "dws__reconcile_dws_app_session_daily",
        f"update dws.dws_app_session_daily set bounced_sessions = sessions where session_date = date '{DAY}'",
        "expect_column_values_to_be_null",
        "reconcile_problem",
        f"dws_app_session_daily.bounced_sessions on {DAY}: ",
    ),
    "a service day gains a ticket": (
        "dws__reconcile_dws_service_daily",
        f"update dws.dws_service_daily set tickets_opened = tickets_opened + 1 where rowid = "
        f"(select min(rowid) from dws.dws_service_daily where activity_date = date '{DAY}' - 1)",
        "expect_column_values_to_be_null",
        "reconcile_problem",
        "dws_service_daily.tickets_opened on 2026-10-30: ",
    ),
    "a store's service overview gains a ticket": (
        "ads__reconcile_ads_service_overview_daily",
        f"update ads.ads_service_overview_daily set tickets_opened = tickets_opened + 1 where rowid = "
        f"(select min(rowid) from ads.ads_service_overview_daily where activity_date = date '{DAY}' - 1)",
        "expect_column_values_to_be_null",
        "reconcile_problem",
        "ads_service_overview_daily.tickets_opened on 2026-10-30: ",
    ),
}


def test_every_suite_has_a_defect_it_is_seen_to_catch():
    covered = {suite for suite, *_ in DEFECTS.values()} | {f"raw__{t.name}" for t in contract.TABLES}
    assert sorted(s.name for s in suites() if s.name not in covered) == []


def test_the_reconciliation_names_the_table_the_day_and_both_totals(warehouse_copy: Project, gx_project: Path):
    with duckdb.connect(str(warehouse_copy.database)) as con:
        (dwd,) = con.execute(
            f"select count(*) from dwd.dwd_fct_store_visit where visited_date = date '{DAY}'"
        ).fetchone()
        con.execute(DEFECTS["a DWS row gains 1,000 visits"][1])
    _, (outcome,) = run_suites(warehouse_copy.database, gx_project, ["dws__reconcile_dws_sales_funnel_daily"])
    assert outcome.suite.severity == "blocking"
    want = f"dws_sales_funnel_daily.store_visits on {DAY}: {dwd + 1000} in the table, {dwd} in dwd.dwd_fct_store_visit"
    assert want in outcome.failed[0][2], outcome.failed[0][2]


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_each_suite_catches_its_defect(defect: str, warehouse_copy: Project, gx_project: Path):
    suite, sql, expectation, column, words = DEFECTS[defect]
    with duckdb.connect(str(warehouse_copy.database)) as con:
        con.execute(sql)
    _, (outcome,) = run_suites(warehouse_copy.database, gx_project, [suite])
    assert outcome.exceptions == []
    assert [(e, c) for e, c, _ in outcome.failed] == [(expectation, column)], outcome.failed
    assert words in outcome.failed[0][2], outcome.failed[0][2]


@pytest.mark.parametrize("table", [t.name for t in contract.TABLES])
def test_every_raw_suite_turns_red_when_its_source_sends_nothing(table: str, warehouse_copy: Project, gx_project: Path):
    with duckdb.connect(str(warehouse_copy.database)) as con:
        con.execute(f"delete from raw.{table}")
    _, (outcome,) = run_suites(warehouse_copy.database, gx_project, [f"raw__{table}"])
    assert outcome.exceptions == []
    failed = {c: d for _, c, d in outcome.failed}
    assert set(failed) == {"arrival_problem"} and table in failed["arrival_problem"], outcome.failed


class FrameCatcher:
    """Stands in for the GX context: keeps the DataFrame a checkpoint would have validated."""

    def __init__(self):
        self.checkpoints, self.frames = self, []

    def get(self, name):
        return self

    def run(self, batch_parameters, expectation_parameters):
        self.frames.append(batch_parameters["dataframe"])


def test_a_batch_reaches_pandas_with_only_the_columns_its_expectations_read(built_warehouse: Project, tmp_path: Path):
    """At SF 10, whole tables with every column did not fit in memory."""
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    suite = next(s for s in suites() if s.name == "raw__raw_crm__leads")
    catcher = FrameCatcher()
    source = batch_readers.DuckDBBatches(catcher, database)
    try:
        rows, _ = source.validate(suite, suite.batch_sql.format(day=DAY), {})
    finally:
        source.close()
    [frame] = catcher.frames
    assert list(frame.columns) == ["arrival_problem", "volume_problem", "source_channel__code", "lead_status__code"]
    assert rows == len(frame) > 0


def test_data_docs_work_offline_served_on_loopback_and_linked_from_the_checks(
    warehouse_copy: Project, gx_project: Path, tmp_path: Path, output_dir: Path
):
    """GX's pages load Bootstrap, jQuery, Font Awesome and bootstrap-table from CDNs: offline the index
    table was empty and no pass/fail mark showed. After a run they load the pinned local copies."""
    import os
    import socket
    import subprocess
    import sys

    from conftest import wait_until_serving
    from playwright.sync_api import sync_playwright
    from test_dagster_ui import CHROMIUM, CHROMIUM_ARGS

    from quality import data_docs

    assert data_docs.fetched(), "the Data Docs assets are missing: make data-docs-assets"
    with duckdb.connect(str(warehouse_copy.database)) as con:  # one suite fails, one passes
        con.execute("delete from raw.raw_crm__test_drives")
    _, outcomes = run_suites(warehouse_copy.database, gx_project, ["raw__raw_crm__test_drives", "raw__raw_crm__leads"])
    site = gx_project / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = {o.suite.name: o.docs_page for o in outcomes}
    assert all(p is not None and p.is_relative_to(site) and p.exists() for p in pages.values()), pages
    for page in [site / "index.html", *pages.values()]:
        html = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|img)[^>]*\ssrc="https://[^"]*|<link[^>]*\shref="https://[^"]*', html)
        assert remote == [], (page, remote)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, NEV_DATA_DOCS_PORT=str(port), PYTHONPATH=str(ROOT))
    log = tmp_path / "data_docs.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from quality import data_docs; from pathlib import Path; data_docs.serve(Path({str(site)!r}))",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/index.html", server, log, "data docs")
        url = f"http://127.0.0.1:{port}/" + pages["raw__raw_crm__test_drives"].relative_to(site).as_posix()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            broken = []
            page.on("requestfailed", lambda r: broken.append(r.url))
            page.on("response", lambda r: r.status >= 400 and broken.append(f"{r.status} {r.url}"))
            page.route("https://**", lambda route: route.abort())  # offline: nothing from the internet
            page.goto(f"http://127.0.0.1:{port}/index.html", wait_until="load")
            page.locator("table tbody tr td .fa-check-circle, table tbody tr td .fa-times").first.wait_for(
                timeout=15_000
            )
            assert page.locator("table tbody tr").count() >= 2
            page.screenshot(path=str(output_dir / "data_docs_index.png"))
            page.goto(url, wait_until="load")
            page.get_by_text("Failed", exact=False).first.wait_for(timeout=15_000)
            assert page.locator(".fa-times, .fa-times-circle").count() > 0, "no failed mark on a failed result"
            page.screenshot(path=str(output_dir / "data_docs_failed_suite.png"))
            browser.close()
        assert [b for b in broken if "newsletter" not in b and "127.0.0.1" in b] == [], broken
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_micro_batch_writes_the_data_docs_pages_of_the_suites_that_failed_only(
    warehouse_copy: Project, tmp_path: Path
):
    """Every 15 minutes a passing suite's page would repeat the last one: the micro-batch (Dagster's
    gates with pages_of_passed off) writes the page of a failed suite only, and stores both results."""
    shutil.copytree(ROOT / "gx", tmp_path / "gx", ignore=shutil.ignore_patterns("uncommitted"))
    with duckdb.connect(str(warehouse_copy.database)) as con:
        con.execute("delete from raw.raw_crm__test_drives")
    names = ["raw__raw_crm__test_drives", "raw__raw_crm__leads"]
    _, outcomes = gx_run.run(
        str(warehouse_copy.database),
        dt.date.fromisoformat(DAY),
        context=gx_context.get_context(tmp_path),
        selected=[s for s in suites() if s.name in names],
        pages_of_passed=False,
    )
    by_name = {o.suite.name: o for o in outcomes}
    failed, passed = by_name["raw__raw_crm__test_drives"], by_name["raw__raw_crm__leads"]
    assert not failed.success and passed.success, (failed.failed, passed.failed)
    assert failed.docs_page is not None and failed.docs_page.exists()
    assert passed.docs_page is None
    uncommitted = tmp_path / "gx" / "uncommitted"
    assert not list((uncommitted / "data_docs" / "local_site" / "validations").glob("raw__raw_crm__leads/**/*.html"))
    assert list((uncommitted / "validations").glob("raw__raw_crm__leads/**/*.json")), "the passed result is stored"


def test_a_check_links_its_data_docs_page_under_make_data_docs(tmp_path: Path):
    from orchestration.checks import docs_links
    from quality.batch_readers import DATA_DOCS

    page = DATA_DOCS["duckdb"] / "validations" / "raw__raw_crm__leads" / "__none__" / "x" / "p.html"
    outcome = gx_run.Outcome(next(s for s in suites() if s.name == "raw__raw_crm__leads"), 1, docs_page=page)
    links = docs_links(outcome)
    assert links["data_docs"].url == "http://127.0.0.1:8060/validations/raw__raw_crm__leads/__none__/x/p.html"
    assert links["data_docs_file"].path == str(page)
    assert docs_links(gx_run.Outcome(outcome.suite, 1)) == {}


def test_the_gate_line_says_what_the_boards_say():
    passed = {"passed": True, "checked_at": "2026-11-01T06:00:00+08:00", "day": DAY, "failed": []}
    ods = {**passed, "set_aside": 3}
    assert gx_run.gates_line({}) == "no published gate has run yet"
    line = gx_run.gates_line({"dws": passed, "ads": passed, "ods": ods})
    assert line.startswith("published gate passed") and f"3 row(s) set aside on {DAY}" in line
    failed = {**passed, "passed": False, "failed": ["dws__reconcile_dws_sales_funnel_daily: 1019 in the table"]}
    line = gx_run.gates_line({"dws": failed, "ads": passed})
    assert line.startswith("published gate FAILED") and "1019 in the table" in line and "set aside" not in line
