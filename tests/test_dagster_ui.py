"""The Dagster UI renders the warehouse: the webserver on loopback, opened in headless Chromium
(Debian's chromium, driven by Playwright). Screenshots go to the test's output folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, run_status_context, wait_until_serving
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("NEV_CHROMIUM", "/usr/bin/chromium")
# No background traffic: this machine's network is closed, and a refused connection is noise.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GROUPS = ["raw", "ods", "dwd", "dws", "ads", "semantic_layer"]
SCHEDULES = ["daily_at_six", "realtime_every_15_minutes", "ads_freshness_every_15_minutes"]
SENSORS = ["raw_arrival", "alert_on_run_failure", "alert_on_recovery"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dagster_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    return home


@pytest.fixture(scope="module")
def webserver(dagster_home: Path):
    home = dagster_home
    port = free_port()
    log = (home / "webserver.log").open("w")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("dagster-webserver")),
            "-m",
            "orchestration.definitions",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=dict(os.environ, DAGSTER_HOME=str(home), PYTHONPATH=str(ROOT), DBT_PROFILES_DIR=str(ROOT)),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}/server_info", proc, home / "webserver.log", "dagster-webserver")
        wait_until_loaded(url)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


LOCATIONS = """{ workspaceOrError { __typename ... on Workspace { locationEntries { name loadStatus
    locationOrLoadError { __typename ... on PythonError { message errorChain { error { message } } } } } } } }"""


def graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["data"]


def wait_until_loaded(url: str, timeout: float = 180) -> None:
    """The webserver answers before its code location has loaded: wait for the definitions, and fail
    with their load error (an empty asset graph would only show as text that never appears)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        entries = graphql(url, LOCATIONS)["workspaceOrError"]["locationEntries"]
        errors = [e for e in entries if (e["locationOrLoadError"] or {}).get("__typename") == "PythonError"]
        if errors:
            error = errors[0]["locationOrLoadError"]
            causes = " <- ".join(c["error"]["message"].strip() for c in error["errorChain"])
            raise AssertionError(f"the code location failed to load: {error['message'].strip()} <- {causes}"[-3000:])
        if entries and all(e["loadStatus"] == "LOADED" and e["locationOrLoadError"] for e in entries):
            return
        assert time.monotonic() < deadline, f"the code location is still loading after {timeout:.0f} s: {entries}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def page(webserver: str):
    if not Path(CHROMIUM).exists():
        raise AssertionError(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        yield page
        browser.close()


def open_view(page: Page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    skip = page.get_by_role("button", name="Skip")  # the first-visit newsletter dialog
    if skip.count():
        skip.first.click()


def test_the_asset_graph_shows_the_layer_groups(page: Page, webserver: str, output_dir: Path):
    open_view(page, f"{webserver}/asset-groups")
    for group in GROUPS:
        page.get_by_text(group, exact=True).first.wait_for(timeout=30_000)
    page.screenshot(path=str(output_dir / "dagster_asset_graph.png"))
    text = page.inner_text("body")
    assert "Materialize all" in text
    assert all(group in text.split() for group in GROUPS)


def test_the_automation_page_lists_the_schedules_and_sensors(page: Page, webserver: str, output_dir: Path):
    open_view(page, f"{webserver}/automation")
    for name in SCHEDULES + SENSORS:
        page.get_by_text(name, exact=True).first.wait_for(timeout=30_000)
    page.screenshot(path=str(output_dir / "dagster_automation.png"))
    assert "06:00" in page.inner_text("body")


def test_a_stale_ads_table_is_red_in_the_ui_and_the_alert_links_its_failed_run(
    page: Page, webserver: str, dagster_home: Path, built_warehouse, output_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    """The sources stopped landing two days ago: the freshness job, run in the webserver's own
    instance, fails; the UI shows the check red with what was due, and the alert's link opens the run."""
    import dagster as dg

    from orchestration import automation, freshness
    from orchestration.definitions import build_definitions

    monkeypatch.setenv("NEV_DUCKDB_PATH", str(built_warehouse.database))
    monkeypatch.setenv("NEV_NOW", "2026-11-03T09:00")  # the demo's data ends on 2026-10-31
    monkeypatch.setenv("NEV_ALERT_LOG", str(output_dir / "alert_stale_ads.log"))
    monkeypatch.delenv(automation.WEBHOOK_ENV, raising=False)
    (output_dir / "alert_stale_ads.log").unlink(missing_ok=True)
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    with dg.DagsterInstance.get() as instance:
        result = (
            build_definitions()
            .resolve_job_def(freshness.JOB_NAME)
            .execute_in_process(instance=instance, raise_on_error=False)
        )
        assert not result.success
        automation.alert_on_run_failure(run_status_context(instance, result.run_id))
    alert = json.loads((output_dir / "alert_stale_ads.log").read_text(encoding="utf-8"))

    open_view(page, f"{webserver}/assets/ads/ads_aarrr_overview_daily?view=checks")
    page.get_by_text("data_freshness", exact=True).first.click(timeout=30_000)
    page.get_by_text("Failed").first.wait_for(timeout=30_000)
    page.get_by_text("How new the data is", exact=False).first.wait_for(timeout=30_000)
    page.screenshot(path=str(output_dir / "dagster_freshness_check_red.png"), full_page=True)

    # The alert's link, on this test's port instead of make dagster's.
    open_view(page, webserver + urllib.parse.urlparse(alert["run_url"]).path)
    page.get_by_text("Failure").first.wait_for(timeout=30_000)
    page.screenshot(path=str(output_dir / "dagster_failed_run_alert.png"), full_page=True)
    assert "ads_data_freshness" in page.inner_text("body")
    assert any("newest activity_date 2026-10-31" in c for c in alert["failed_checks"]), alert


def stop_group(proc: subprocess.Popen) -> None:
    """Ctrl-C for dagster dev and its children; killed if they are not gone within a minute (a busy
    machine can keep the daemon's shutdown past that: how fast it stops is not what is tested)."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def test_a_plain_dagster_dev_uses_the_projects_instance_settings(tmp_path: Path):
    """`dagster dev` typed in the repository, without DAGSTER_HOME (temporary storage): its instance
    has the project's run and pool limits (dagster.yaml), not Dagster's defaults (10 runs at once)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    log = tmp_path / "dagster-dev.log"
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster")), "dev", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=dict(env, PYTHONPATH=str(ROOT), DBT_PROFILES_DIR=str(ROOT)),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}/server_info", proc, log, "dagster dev")
        query = "{ instance { runQueueConfig { maxConcurrentRuns } poolConfig { defaultPoolLimit } } }"
        instance = graphql(url, query)["instance"]
    finally:
        stop_group(proc)
    settings = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    assert instance["runQueueConfig"]["maxConcurrentRuns"] == settings["concurrency"]["runs"]["max_concurrent_runs"]
    assert instance["poolConfig"]["defaultPoolLimit"] == settings["concurrency"]["pools"]["default_limit"]
