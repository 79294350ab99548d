"""The three boards as people meet them: a real server process, opened in headless Chromium
(Debian's chromium driven by Playwright) at each board's viewport. Figures are read from the page
and compared with MetricFlow's answer for the same filter. Screenshots go to state/test-output/."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import Server
from playwright.sync_api import Page, sync_playwright
from test_dagster_ui import CHROMIUM, CHROMIUM_ARGS

from products.boards import AARRR, NATIONAL_KPIS, STORE_TODAY, ZONE_COMPARISON, months_before
from products.semantic import Answer, Query, SemanticLayer, _plain
from products.server import fmt

PHONE = {"width": 390, "height": 844}
BIG_SCREEN = {"width": 1920, "height": 1080}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reference(products_server: Server):
    """MetricFlow in this process, on the server's warehouse: the answers the pages must show, asked
    with where clauses written here, not by the server's filter code (products/filters.py)."""
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    layer = SemanticLayer(products_server.database, busy_timeout=60)

    def ask(metrics, group_by=(), where=()):
        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics), group_by_names=list(group_by) or None, where_constraints=list(where) or None
        )
        table = layer._read(lambda: layer._engine.query(request).result_df)
        return Answer(list(table.column_names), [tuple(_plain(v) for v in row) for row in table.rows], "")

    return ask


def open_board(browser, server: Server, path: str, viewport: dict, token: str) -> Page:
    page = browser.new_page(viewport=viewport)
    sep = "&" if "?" in path else "?"
    response = page.goto(f"{server.url}{path}{sep}token={token}")
    assert response.status == 200, page.content()[:2000]
    assert page.locator("[data-testid=error]").count() == 0
    return page


def shown(page: Page, section: str, metric: str) -> str:
    return page.locator(f"[data-testid={section}] [data-metric={metric}] .value").first.inner_text().strip()


def cjk_renders(page: Page) -> bool:
    """The page's Chinese text is drawn with a CJK font installed here (not boxes)."""
    return page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '门店看板')")


def where_month(month: str) -> str:
    return f"{{{{ TimeDimension('metric_time', 'month') }}}} = '{month}-01'"


def test_the_store_board_on_a_phone_shows_metricflows_figures(browser, products_server: Server, reference, output_dir):
    page = open_board(browser, products_server, "/boards/store", PHONE, products_server.store_token)
    assert "门店看板" in page.title()
    assert cjk_renders(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the phone layout scrolls sideways: {width} px"
    month = page.locator("[data-testid=month] h2").inner_text().split()[-1]
    store = f"{{{{ Entity('store') }}}} = '{products_server.store}'"
    answer = reference(STORE_TODAY, ["metric_time__month"], [store, where_month(month)]).records()[0]
    for metric in STORE_TODAY:
        assert shown(page, "month", metric) == fmt(answer[metric], metric), metric
    assert page.locator("[data-testid=advisors] tr").count() > 1
    page.screenshot(path=str(output_dir / "board_store_phone.png"), full_page=True)
    page.close()


def test_a_store_bound_user_never_sees_another_store(browser, products_server: Server):
    page = browser.new_page(viewport=PHONE)
    response = page.goto(
        f"{products_server.url}/boards/store?store={products_server.other_store}&token={products_server.store_token}"
    )
    assert response.status == 403
    assert f"bound to store {products_server.store}" in page.locator("[data-testid=error]").inner_text()
    assert page.locator("[data-metric]").count() == 0
    response = page.goto(f"{products_server.url}/boards/c-level?token={products_server.store_token}")
    assert response.status == 403
    response = page.goto(f"{products_server.url}/boards/dealer?token={products_server.store_token}")
    assert response.status == 200
    stores = {row.get_attribute("data-store") for row in page.locator("[data-store]").all()}
    assert stores == {products_server.store}
    page.close()


def test_the_c_level_board_fills_a_big_screen_and_refreshes_itself(
    browser, products_server: Server, reference, output_dir
):
    page = open_board(browser, products_server, "/boards/c-level", BIG_SCREEN, products_server.hq)
    assert cjk_renders(page)
    assert page.locator("meta[http-equiv=refresh]").get_attribute("content") == "60"
    month = page.locator("header h1").inner_text().split()[-1]
    national = reference(NATIONAL_KPIS, ["metric_time__month"], [where_month(month)]).records()[0]
    for metric in NATIONAL_KPIS:
        assert shown(page, "kpis", metric) == fmt(national[metric], metric), metric
    aarrr = reference(AARRR, ["metric_time__month"], [where_month(month)]).records()[0]
    for metric in AARRR:
        assert shown(page, "aarrr", metric) == fmt(aarrr[metric], metric), metric
    zones = reference(ZONE_COMPARISON, ["store__war_zone", "store__region"], [where_month(month)]).records()
    assert page.locator("[data-testid=zones] tr[data-zone]").count() == len(zones)
    page.screenshot(path=str(output_dir / "board_c_level_1920.png"))
    page.close()
    # an earlier month, picked: its figures, and no open cohort marks once their windows closed
    page = open_board(browser, products_server, "/boards/c-level?month=2026-06", BIG_SCREEN, products_server.hq)
    june = reference(NATIONAL_KPIS, ["metric_time__month"], [where_month("2026-06")]).records()[0]
    for metric in NATIONAL_KPIS:
        assert shown(page, "kpis", metric) == fmt(june[metric], metric), metric
    assert page.locator("[data-testid=aarrr] [data-testid=incomplete]").count() == 0
    page.close()


def test_the_dealer_report_shows_mom_and_yoy_and_downloads_for_excel(
    browser, products_server: Server, reference, output_dir
):
    page = open_board(browser, products_server, "/boards/dealer", DESKTOP, products_server.hq)
    month = page.locator("input[name=month]").get_attribute("value")
    answer = {
        r["store"]: r
        for r in reference(["order_new_count", "test_drive_rate"], ["store"], [where_month(month)]).records()
    }
    rows = page.locator("[data-testid=dealer] tr[data-store]")
    assert rows.count() == len(answer)
    first = rows.first
    store = first.get_attribute("data-store")
    cell = first.locator("[data-metric=order_new_count]").inner_text().splitlines()[0]
    assert cell == fmt(answer[store]["order_new_count"], "order_new_count")
    page.screenshot(path=str(output_dir / "board_dealer_monthly.png"))
    with page.expect_download() as download:
        page.locator("[data-testid=download-csv]").click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel on Chinese Windows would read GBK"
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["月份", "门店编号", "门店"] and "新增订单数" in table[0]
    assert [r[1] for r in table[1:-1]] == sorted(answer) and table[-1][2] == "合计 total"
    previous = months_before(__import__("datetime").date.fromisoformat(month + "-01"), 1).isoformat()[:7]
    before = {r["store"]: r for r in reference(["order_new_count"], ["store"], [where_month(previous)]).records()}
    column = table[0].index("新增订单数 环比")
    row = next(r for r in table[1:] if r[1] == store)
    now, then = answer[store]["order_new_count"], before.get(store, {}).get("order_new_count")
    if then:
        assert float(row[column]) == pytest.approx((now - then) / then)
    # a stock (semi-additive: the month's last day) against the same month a year before
    year_ago = months_before(__import__("datetime").date.fromisoformat(month + "-01"), 12).isoformat()[:7]
    stock = "prospect_held_closing_count"
    held = {
        m: {r["store"]: r[stock] for r in reference([stock], ["store"], [where_month(m)]).records()}
        for m in (month, year_ago)
    }
    assert held[year_ago].get(store), "the test needs a year of history"
    yoy = float(row[table[0].index("当前保有数 同比")])
    assert yoy == pytest.approx((held[month][store] - held[year_ago][store]) / held[year_ago][store])
    with page.expect_download() as download:
        page.locator("[data-testid=download-xlsx]").click()
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.cell(1, 3).value == "门店" and sheet.max_row == len(answer) + 2  # the stores and the totals
    header = [c.value for c in sheet[1]]
    rate, count = header.index("试乘试驾率") + 1, header.index("新增订单数") + 1
    assert "%" in sheet.cell(2, rate).number_format and sheet.cell(2, count).number_format == "#,##0"
    assert "pp" in sheet.cell(2, rate + 1).number_format, "a rate's change is in percentage points"
    assert sheet.freeze_panes == "D2" and sheet.auto_filter.ref.startswith("A1:")
    assert all(sheet.column_dimensions[c].width >= 10 for c in ("A", "C", "F"))
    page.close()


def test_the_dealer_report_totals_sorts_keeps_its_header_and_drills_to_a_store(
    browser, products_server: Server, reference, output_dir
):
    page = open_board(browser, products_server, "/boards/dealer", DESKTOP, products_server.hq)
    month = page.locator("input[name=month]").get_attribute("value")
    metrics = ["order_new_count", "test_drive_rate", "lead_count"]
    national = reference(metrics, ["metric_time__month"], [where_month(month)]).records()[0]
    totals = page.locator("[data-testid=totals]")
    for metric in metrics:  # the totals are the metrics over all stores, never sums of rates
        cell = totals.locator(f"[data-metric={metric}]").inner_text().splitlines()[0]
        assert cell == fmt(national[metric], metric), metric
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= DESKTOP["width"], f"the report runs off the page: {width} px"
    report = page.locator("[data-testid=dealer]")
    assert report.evaluate("e => e.scrollWidth > e.clientWidth"), "the table fits without scrolling: nothing to test"
    report.evaluate("e => { e.style.maxHeight = '300px'; }")  # as on a short screen, or with more stores
    before = page.locator("#dealer-table thead th").first.bounding_box()
    scrolled = report.evaluate("e => { e.scrollLeft = e.scrollWidth; e.scrollTop = 200; return e.scrollTop; }")
    assert scrolled > 0, "the report did not scroll down: the header check would prove nothing"
    header, store_cell = page.locator("#dealer-table thead th").first, page.locator("#dealer-table tbody td").first
    assert header.bounding_box()["y"] == pytest.approx(before["y"], abs=1), "the header scrolled away"
    assert store_cell.bounding_box()["x"] == pytest.approx(before["x"], abs=1), "the store column scrolled away"
    page.screenshot(path=str(output_dir / "board_dealer_scrolled.png"))
    page.locator("#dealer-table thead th", has_text="新增订单数").first.click()
    values = [
        float(v or "nan")
        for v in page.locator("tbody [data-metric=order_new_count]").evaluate_all(
            "cells => cells.map(c => c.dataset.value)"
        )
    ]
    assert values == sorted(values, reverse=True), values
    # a rate's change is in percentage points, coloured; a count's in %
    rate_change = page.locator("tbody [data-metric=test_drive_rate] small").first.inner_text()
    assert rate_change == "–" or rate_change.endswith("pp"), rate_change
    link = page.locator("[data-testid=drill-store]").first
    store = link.evaluate("a => a.closest('tr').dataset.store")
    link.click()
    page.wait_for_load_state()
    assert "门店看板" in page.title() and page.locator("[data-testid=error]").count() == 0
    assert f"store={store}" in page.url
    page.close()


def test_a_region_on_the_big_screen_opens_its_stores_with_metricflows_figures(
    browser, products_server: Server, reference
):
    page = open_board(browser, products_server, "/boards/c-level", BIG_SCREEN, products_server.hq)
    for bad, status in (("' or 1=1", 400), ("{{ x }}", 400), ("火星大区", 404)):
        response = page.request.get(f"{products_server.url}/boards/dealer?token={products_server.hq}&region={bad}")
        assert response.status == status, (bad, response.status)
        assert bad not in response.text(), "the value is never echoed"
    link = page.locator("[data-testid=drill-region]").first
    region = link.inner_text().strip()
    link.click()
    page.wait_for_load_state()
    month = page.locator("input[name=month]").get_attribute("value")
    where = [where_month(month), f"{{{{ Dimension('store__region') }}}} = '{region}'"]
    answer = {r["store"]: r for r in reference(["order_new_count"], ["store"], where).records()}
    rows = page.locator("[data-testid=dealer] tr[data-store]")
    assert {r.get_attribute("data-store") for r in rows.all()} == set(answer), region
    total = reference(["order_new_count"], ["metric_time__month"], where).records()[0]["order_new_count"]
    shown_total = page.locator("[data-testid=totals] [data-metric=order_new_count]").inner_text().splitlines()[0]
    assert shown_total == fmt(total, "order_new_count")
    page.close()


def chart_values(page: Page, testid: str) -> list[dict]:
    """The values a chart drew: its Vega view's data, once it has rendered as SVG."""
    chart = page.locator(f"[data-testid={testid}]")
    page.wait_for_function(f"document.querySelector('[data-testid={testid}]').dataset.rendered === 'true'")
    assert chart.locator("svg").count() == 1, f"{testid} drew no SVG"
    return chart.evaluate("e => e.view.data('source_0')")


def test_every_chart_draws_the_metric_answers(browser, products_server: Server, reference, output_dir):
    page = open_board(browser, products_server, "/boards/c-level", BIG_SCREEN, products_server.hq)
    day = re.search(r"\d{4}-\d{2}-\d{2}", page.locator("[data-testid=shown-day]").inner_text()).group()
    start = (__import__("datetime").date.fromisoformat(day) - __import__("datetime").timedelta(days=13)).isoformat()
    where = [f"{{{{ TimeDimension('metric_time', 'day') }}}} between '{start}' and '{day}'"]
    trend = reference(["lead_count", "order_new_count", "delivery_count"], ["metric_time__day"], where).records()
    drawn = {(v["metric_time__day"], v["metric"]): v["value"] for v in chart_values(page, "chart-trend")}
    labels = {"lead_count": "客源数", "order_new_count": "新增订单数", "delivery_count": "实销量(交车数)"}
    expected = {(str(r["metric_time__day"])[:10], labels[m]): r[m] for r in trend for m in labels if r[m] is not None}
    assert drawn == expected
    month = page.locator("header h1").inner_text().split()[-1]
    funnel = reference(["store_visit_count", "delivery_count"], ["metric_time__month"], [where_month(month)])
    drawn = {v["stage"]: v["value"] for v in chart_values(page, "chart-funnel")}
    assert drawn["到店客流数"] == funnel.records()[0]["store_visit_count"]
    assert drawn["实销量(交车数)"] == funnel.records()[0]["delivery_count"]
    zones = reference(ZONE_COMPARISON, ["store__war_zone", "store__region"], [where_month(month)]).records()
    drawn = {v["store__region"]: v["value"] for v in chart_values(page, "chart-zones")}
    assert drawn == {z["store__region"]: z["delivery_count"] for z in zones}
    assert chart_values(page, "chart-delivery-time")
    page.close()
    page = open_board(browser, products_server, "/boards/store", PHONE, products_server.store_token)
    drawn = {v["stage"]: v["value"] for v in chart_values(page, "chart-funnel")}
    assert drawn["到店客流数"] == int(shown(page, "month", "store_visit_count").replace(",", ""))
    assert chart_values(page, "chart-trend")
    page.close()


def test_the_boards_say_which_day_they_show_how_old_it_is_and_in_which_zone(
    browser, products_server: Server, output_dir
):
    from quality.run import gates_path

    gates = gates_path(products_server.database)
    # a gate stamped in UTC is shown in business time, as every other time on the boards
    gate = {"passed": True, "checked_at": "2026-11-29T22:00:00+00:00", "day": "2026-10-31", "failed": []}
    gates.write_text(json.dumps({"ads": gate}))
    try:
        page = open_board(browser, products_server, "/boards/c-level", BIG_SCREEN, products_server.hq)
        assert "2026-11-30 06:00" in page.locator("[data-testid=gate]").inner_text()
        assert "UTC+8" in page.locator("[data-testid=time-zone]").inner_text()
        day = page.locator("[data-testid=shown-day]").inner_text()
        # the demo is judged by its own clock, the morning after its last day, and says so
        assert "1 天前 days ago" in day and "今天" not in day, day
        assert "2026-11-01 09:00" in page.locator("[data-testid=demo-clock]").inner_text()
        assert page.locator("[data-testid=overdue]").count() == 0
        # the month's D7 retention still has open cohorts: marked, with a note; a count is not
        aarrr = page.locator("[data-testid=aarrr]")
        assert aarrr.locator("[data-metric=member_retention_d7_rate] [data-testid=incomplete]").count() == 1
        assert aarrr.locator("[data-metric=member_new_count] [data-testid=incomplete]").count() == 0
        assert page.locator("[data-testid=incomplete-note]").count() == 1
        title = aarrr.locator("[data-metric=member_retention_d7_rate] .label").get_attribute("title")
        assert "7th day after registering" in title, "the metric's definition is on hover"
        page.close()
        # a month long closed: no cohort is still open
        page = open_board(browser, products_server, "/boards/dealer?month=2026-06", DESKTOP, products_server.hq)
        assert page.locator("[data-testid=incomplete]").count() == 0
        page.close()
    finally:
        gates.unlink(missing_ok=True)


def test_on_the_real_clock_the_demo_board_says_its_data_is_late(
    browser, built_warehouse, tmp_path, monkeypatch, output_dir
):
    """NEV_CLOCK=real: the demo's data ends weeks before today, and the board's banner says so."""
    from conftest import start_products_server

    monkeypatch.setenv("NEV_CLOCK", "real")
    server, proc = start_products_server(built_warehouse, tmp_path)
    try:
        page = open_board(browser, server, "/boards/store", PHONE, server.store_token)
        overdue = page.locator("[data-testid=overdue]").inner_text()
        assert "数据未按时更新" in overdue and "was due 8 h after that day" in overdue, overdue
        assert page.locator("[data-testid=demo-clock]").count() == 0
        assert "今日" not in page.locator("[data-testid=today] h2").inner_text()
        page.screenshot(path=str(output_dir / "board_store_real_clock.png"), full_page=True)
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_data_is_not_late_on_its_own_clock(products_server: Server, monkeypatch):
    """The same rule against a clock the day after the data ends: no warning until the day is due."""
    import datetime as dt

    from products.boards import Boards

    boards = Boards(SemanticLayer(products_server.database, busy_timeout=60))
    newest = boards.newest_day()
    monkeypatch.setenv("NEV_NOW", f"{newest + dt.timedelta(days=1)} 07:59")
    assert not boards.timing(newest, newest)["overdue"]
    monkeypatch.setenv("NEV_NOW", f"{newest + dt.timedelta(days=2)} 08:01")
    late = boards.timing(newest, newest)
    assert late["overdue"] and late["due_day"] == str(newest + dt.timedelta(days=1)) and late["age_days"] == 2


def test_every_board_shows_data_as_of_and_a_failed_gate_keeps_the_last_good_data(
    browser, products_server: Server, output_dir
):
    from quality.run import gates_path

    gates = gates_path(products_server.database)
    passed = {"ads": {"passed": True, "checked_at": "2026-11-30T06:00:00+08:00", "day": "2026-10-31", "failed": []}}
    ods = {"passed": True, "checked_at": "2026-11-30T06:00:00+08:00", "day": "2026-10-31", "failed": [], "set_aside": 3}
    gates.write_text(json.dumps({**passed, "ods": ods}))
    try:
        page = open_board(browser, products_server, "/boards/c-level", BIG_SCREEN, products_server.hq)
        assert "数据截至" in page.locator("[data-testid=data-as-of]").inner_text()
        assert "passed" in page.locator("[data-testid=gate]").inner_text()
        assert "3 行被隔离 rows set aside in batch 2026-10-31" in page.locator("[data-testid=set-aside]").inner_text()
        # a DWS table that does not reconcile fails the published gate as the ADS gate does
        gates.write_text(json.dumps({**passed, "dws": {**passed["ads"], "passed": False, "failed": ["dws: x"]}}))
        page.reload()
        assert "failed" in page.locator("[data-testid=gate]").inner_text()
        gates.write_text(json.dumps(passed))
        page.reload()
        good = shown(page, "kpis", "order_new_count")
        failed = {"ads": {**passed["ads"], "passed": False, "failed": ["ads__ads_aarrr_overview_daily: expect ..."]}}
        gates.write_text(json.dumps(failed))
        page.reload()
        assert "failed" in page.locator("[data-testid=gate]").inner_text()
        assert "last good data" in page.locator("[data-testid=warning]").inner_text()
        assert shown(page, "kpis", "order_new_count") == good
        page.screenshot(path=str(output_dir / "board_c_level_gate_failed.png"))
        page.close()
    finally:
        gates.unlink(missing_ok=True)


def test_a_month_still_running_is_compared_with_the_same_days_of_the_month_before(
    browser, products_server: Server, reference
):
    """The store board on 15 October: the month's tiles are 1-15 October, and MoM compares them
    with 1-15 September, never with the whole of September."""
    from products.boards import change
    from products.server import fmt_change

    page = open_board(
        browser,
        products_server,
        f"/boards/store?store={products_server.store}&date=2026-10-15",
        PHONE,
        products_server.hq,
    )
    store = f"{{{{ Entity('store') }}}} = '{products_server.store}'"

    def days(first: str, last: str) -> dict:
        where = [store, f"{{{{ TimeDimension('metric_time', 'day') }}}} between '{first}' and '{last}'"]
        return reference(["store_visit_count", "lead_count"], ["metric_time__month"], where).records()[0]

    now, before = days("2026-10-01", "2026-10-15"), days("2026-09-01", "2026-09-15")
    whole_september = reference(["lead_count"], ["metric_time__month"], [store, where_month("2026-09")]).records()[0][
        "lead_count"
    ]
    assert whole_september != before["lead_count"], "the test needs September's second half to differ"
    for metric in ("store_visit_count", "lead_count"):
        assert shown(page, "month", metric) == fmt(now[metric], metric), metric
        tile = page.locator(f"[data-testid=month] [data-metric={metric}] [data-testid=mom]").inner_text()
        assert tile == "环比 " + fmt_change(change(now[metric], before[metric], metric), metric), (metric, tile)
    page.close()


def test_every_board_filters_by_series_to_metricflows_answer_for_it(browser, products_server: Server, reference):
    series = "Aster A5"
    where = [where_month("2026-10"), f"{{{{ Dimension('series__series_name') }}}} = '{series}'"]
    page = open_board(browser, products_server, f"/boards/c-level?series={series}", BIG_SCREEN, products_server.hq)
    national = reference(["order_new_count", "test_drive_count"], ["metric_time__month"], where).records()[0]
    everything = reference(["order_new_count"], ["metric_time__month"], [where_month("2026-10")]).records()[0]
    assert national["order_new_count"] != everything["order_new_count"], "the test needs the filter to matter"
    for metric in ("order_new_count", "test_drive_count"):
        assert shown(page, "kpis", metric) == fmt(national[metric], metric), metric
    # the APP's figures cannot be cut by series: shown for every series, marked, with a footnote
    assert page.locator("[data-testid=aarrr] [data-metric=app_member_active_daily_avg] [data-testid=uncut]").count()
    assert page.locator("[data-testid=uncut-note]").count() == 1
    assert not page.locator("[data-testid=kpis] [data-metric=order_new_count] [data-testid=uncut]").count()
    page.close()
    page = open_board(
        browser, products_server, f"/boards/dealer?month=2026-10&series={series}", DESKTOP, products_server.hq
    )
    total = page.locator("[data-testid=totals] [data-metric=order_new_count]").inner_text().splitlines()[0]
    assert total == fmt(national["order_new_count"], "order_new_count")
    page.close()
    store = f"{{{{ Entity('store') }}}} = '{products_server.store}'"
    mine = reference(["test_drive_count"], ["metric_time__month"], [*where, store]).records()
    page = open_board(
        browser,
        products_server,
        f"/boards/store?store={products_server.store}&series={series}",
        PHONE,
        products_server.hq,
    )
    assert shown(page, "month", "test_drive_count") == fmt(mine[0]["test_drive_count"] if mine else None, "x")
    for bad, status in (("A5') or ('1'='1", 400), ("Aster Z9", 404)):
        response = page.request.get(
            f"{products_server.url}/boards/store?token={products_server.hq}&store={products_server.store}&series={bad}"
        )
        assert response.status == status and bad not in response.text(), (bad, response.status)
    page.close()


def test_the_channel_filter_cuts_every_figure_it_can_reach_and_marks_the_rest(
    browser, products_server: Server, reference, output_dir
):
    """渠道 channel: one lead source cuts the funnel, orders, deliveries and the conversion rates
    (each names its lead's source as the `channel` entity); a delivery target has no channel, so
    it shows every channel's figure, marked †. A section that mixes both (the regions table) is
    asked per metric and joined: each cell is MetricFlow's answer."""
    hq, month = products_server.hq, [where_month("2026-10")]
    by_channel = "{{ Entity('channel') }} = 'app'"
    page = open_board(browser, products_server, "/boards/c-level?month=2026-10&channel=app", BIG_SCREEN, hq)
    cut = reference(["order_new_count", "lead_count", "delivery_count"], ["metric_time__month"], [*month, by_channel])
    cut = cut.records()[0]
    every = reference(["order_new_count", "delivery_target_completion_rate"], ["metric_time__month"], month).records()[
        0
    ]
    assert cut["order_new_count"] != every["order_new_count"], "the test needs the filter to matter"
    for metric in ("order_new_count", "lead_count", "delivery_count"):
        assert shown(page, "kpis", metric) == fmt(cut[metric], metric), metric
        assert not page.locator(f"[data-testid=kpis] [data-metric={metric}] [data-testid=uncut]").count(), metric
    target = "delivery_target_completion_rate"
    assert shown(page, "kpis", target) == fmt(every[target], target)
    assert page.locator(f"[data-testid=kpis] [data-metric={target}] [data-testid=uncut]").count() == 1
    assert "渠道 channel" in page.locator("[data-testid=uncut-note]").inner_text()
    rate = "lead_to_test_drive_conversion_rate"
    conversion = reference([rate], ["metric_time__month"], [*month, by_channel]).records()[0]
    assert shown(page, "aarrr", rate) == fmt(conversion[rate], rate)
    regions = reference(["delivery_count", target], ["store__region"], month).records()
    cut_regions = {  # the figures the filter reaches, asked together as a person would ask them
        r["store__region"]: r["delivery_count"]
        for r in reference(
            ["lead_count", "order_new_count", "delivery_count"], ["store__region"], [*month, by_channel]
        ).records()
    }
    assert regions, "the test needs regions"
    for r in regions:
        row = page.locator(f"[data-testid=zones] tr[data-region='{r['store__region']}']")
        assert row.locator("[data-metric=delivery_count]").inner_text() == fmt(
            cut_regions.get(r["store__region"]), "delivery_count"
        ), r
        assert row.locator(f"[data-metric={target}]").inner_text() == fmt(r[target], target), r
    assert "channel=app" in page.locator("[data-testid=drill-region]").first.get_attribute("href")
    page.screenshot(path=str(output_dir / "board_c_level_channel.png"))
    page.close()

    page = open_board(browser, products_server, "/boards/dealer?month=2026-10&channel=app", DESKTOP, hq)
    total = page.locator("[data-testid=totals] [data-metric=order_new_count]").inner_text().splitlines()[0]
    assert total == fmt(cut["order_new_count"], "order_new_count")
    assert page.locator("[data-testid=cut-channel] option:checked").inner_text() == "APP"
    assert "channel=app" in page.locator("[data-testid=drill-store]").first.get_attribute("href")
    page.close()
    store = f"{{{{ Entity('store') }}}} = '{products_server.store}'"
    mine = reference(["lead_count"], ["metric_time__month"], [*month, by_channel, store]).records()
    page = open_board(
        browser, products_server, f"/boards/store?store={products_server.store}&date=2026-10-31&channel=app", PHONE, hq
    )
    assert shown(page, "month", "lead_count") == fmt(mine[0]["lead_count"] if mine else None, "lead_count")
    for bad, status in (("app') or ('1'='1", 400), ("pigeon", 404), ("unknown", 404)):
        response = page.request.get(f"{products_server.url}/boards/c-level?token={hq}&channel={bad}")
        assert response.status == status and bad not in response.text(), (bad, response.status)
    page.close()


def test_a_board_opens_the_warehouse_once_per_page_and_lets_it_go(products_server: Server, monkeypatch, tmp_path):
    """A page's queries share one opening of the warehouse (about 80 ms each at SF 1): the lock is
    taken once per render, and released at its end, so that a writer can go on."""
    import contextlib

    from lock import warehouse_lock
    from products import semantic
    from products.boards import Boards

    taken = []

    @contextlib.contextmanager
    def counted(*args, **kwargs):
        taken.append(1)
        with warehouse_lock(*args, **kwargs):
            yield

    monkeypatch.setattr(semantic, "warehouse_lock", counted)
    layer = SemanticLayer(products_server.database, busy_timeout=60)
    boards = Boards(layer, last_good_dir=tmp_path)
    for render in (boards.c_level, lambda: boards.store(products_server.store), lambda: boards.dealer(None, None)):
        layer._cache.clear()
        taken.clear()
        data = render()
        assert data.get("data_as_of") and not data.get("empty"), data.get("warning")
        assert len(taken) == 1, f"the warehouse was opened {len(taken)} times for one page"
    # the lock is free again: a writer takes it at once
    with warehouse_lock(products_server.database, holder="a writer", timeout=1):
        pass


def test_the_serving_layer_leaves_the_process_environment_as_it_found_it(products_server: Server):
    """The serving target and the served file are the layer's own: a GX run or a test in the same
    process once found DBT_TARGET=serve and failed with "no GX data source for target 'serve'"."""
    import os

    before = {k: os.environ.get(k) for k in ("DBT_TARGET", "NEV_DUCKDB_PATH")}
    layer = SemanticLayer(products_server.database, busy_timeout=60)
    assert {k: os.environ.get(k) for k in before} == before
    assert layer.query(Query(("lead_count",))).rows  # and it still answers, through its own connection
