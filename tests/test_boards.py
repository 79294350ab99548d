"""The three boards as people meet them: a real server process, opened in headless Chromium
(Debian's chromium driven by Playwright) at each board's viewport. Figures are read from the page
and compared with MetricFlow's answer for the same filter. Screenshots go to state/test-output/."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import Server
from playwright.sync_api import Page, sync_playwright
from test_dagster_ui import CHROMIUM, CHROMIUM_ARGS

from products.boards import AARRR, NATIONAL_KPIS, STORE_TODAY, ZONE_COMPARISON, months_before
from products.semantic import Answer, SemanticLayer, _plain
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
    assert [r[1] for r in table[1:]] == sorted(answer)
    previous = months_before(__import__("datetime").date.fromisoformat(month + "-01"), 1).isoformat()[:7]
    before = {r["store"]: r for r in reference(["order_new_count"], ["store"], [where_month(previous)]).records()}
    column = table[0].index("新增订单数 环比")
    row = next(r for r in table[1:] if r[1] == store)
    now, then = answer[store]["order_new_count"], before.get(store, {}).get("order_new_count")
    if then:
        assert float(row[column]) == pytest.approx((now - then) / then)
    with page.expect_download() as download:
        page.locator("[data-testid=download-xlsx]").click()
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.cell(1, 3).value == "门店" and sheet.max_row == len(answer) + 1
    page.close()


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
