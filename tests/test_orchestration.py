"""Dagster: the asset graph as reviewed, a full materialisation, a blocking gate that stops the
graph, the sensors, the failure alert, and the warehouse lock."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import ROOT, run_status_context

import settings
from lock import WarehouseBusy, warehouse_lock
from orchestration import automation, freshness
from orchestration.assets import (
    LANDED_BEFORE_TAG,
    LANDED_FROM_TAG,
    WAREHOUSE_POOL,
    DbtRunConfig,
    batch_environment,
    dbt_build_args,
    landing_day_partitions,
    layer_op_specs,
    run_target_path,
    tagged_window,
)
from orchestration.dbt_in_process import InProcessDbt
from orchestration.definitions import build_definitions
from quality.freshness import DataTime
from quality.suites import SET_ASIDE_SUITE, suites

SNAPSHOT = Path(__file__).parent / "snapshots" / "dagster_graph.txt"
DEMO_LAST_DAY = "2026-10-31"


def graph_snapshot(defs: dg.Definitions) -> str:
    """Every asset (group, partitioned), check (blocking), job, schedule and sensor, one per line."""
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        parts = "daily" if node.partitions_def else "-"
        lines.append(f"asset {key.to_user_string()} group={node.group_name} partitions={parts}")
    for check in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        spec = graph.get_check_spec(check)
        lines.append(f"check {check.asset_key.to_user_string()}:{check.name} blocking={spec.blocking}")
    for job in sorted(defs.jobs or [], key=lambda j: j.name):
        lines.append(f"job {job.name}")
    for s in sorted(defs.schedules or [], key=lambda s: s.name):
        lines.append(f"schedule {s.name} cron={s.cron_schedule} tz={s.execution_timezone} job={s.job_name}")
    for s in sorted(defs.sensors or [], key=lambda s: s.name):
        lines.append(f"sensor {s.name} type={type(s).__name__}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return build_definitions()


def test_the_asset_graph_matches_its_reviewed_snapshot(defs: dg.Definitions):
    """A change to assets, groups, checks, schedules or sensors shows in review as a change to the
    snapshot. Rewrite it with NEV_UPDATE_SNAPSHOTS=1 after reading the difference."""
    current = graph_snapshot(defs)
    if os.environ.get("NEV_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current)
    assert SNAPSHOT.exists(), f"no snapshot at {SNAPSHOT}: run with NEV_UPDATE_SNAPSHOTS=1"
    assert current == SNAPSHOT.read_text(), "the asset graph changed: rerun with NEV_UPDATE_SNAPSHOTS=1 and review"


def test_every_dbt_test_is_an_asset_check(defs: dg.Definitions):
    """A dbt test of several models is a check too (its meta names the asset it is shown on), never
    an observation nobody sees in a Checks tab."""
    manifest = json.loads((ROOT / "target" / "manifest.json").read_text())
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert tests - checks == set(), f"dbt tests that are not Dagster checks: {sorted(tests - checks)}"


def test_the_graph_has_the_five_layers_and_the_semantic_layer(defs: dg.Definitions):
    graph = defs.resolve_asset_graph()
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert groups == {"raw", "ods", "dwd", "dws", "ads", "semantic_layer"}
    for key in graph.get_all_asset_keys():
        assert key.path[0] == graph.get(key).group_name or key.path[0] in {"exports", "indicators"}


def test_every_op_that_opens_the_warehouse_is_in_the_writer_pool(defs: dg.Definitions):
    """One op at a time on the DuckDB file (dagster.yaml limits the pool to 1)."""
    graph = defs.resolve_asset_graph()
    pools = {}
    for assets_def in graph.assets_defs:
        name = assets_def.node_def.name
        if not name.startswith("freshness_check"):  # reads Dagster's event log only
            pools[name] = assets_def.node_def.pool
    assert {name for name, pool in pools.items() if pool != WAREHOUSE_POOL} == set()
    assert len(pools) >= 10  # the seeds, four layers, their GX suites, the exports and the dictionary


def test_the_partition_window_reaches_dbt_as_the_batch():
    """In business time, as environment variables (no re-parse); a micro-batch sizes its tests to it."""
    window = dg.TimeWindow(dt.datetime(2026, 10, 30, 16, tzinfo=dt.UTC), dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC))
    assert batch_environment(window) == {
        "NEV_BATCH_LANDED_FROM": "2026-10-31 00:00:00",
        "NEV_BATCH_LANDED_BEFORE": "2026-11-01 00:00:00",
    }
    assert batch_environment(window, micro_batch=True)["NEV_TEST_SCOPE"] == "batch"
    assert batch_environment(None, micro_batch=True) == {}  # a full build: no batch, every row tested


def test_ops_of_a_run_share_a_dbt_target_folder():
    """So that all but the first reuse its partial parse; another run or other arguments get their own."""
    plain, full = dbt_build_args(DbtRunConfig()), dbt_build_args(DbtRunConfig(full_refresh=True))
    assert run_target_path("run-a-123", plain) == run_target_path("run-a-123", list(plain))
    assert run_target_path("run-a-123", plain) != run_target_path("run-a-123", full)
    assert run_target_path("run-a-123", plain) != run_target_path("run-b-456", plain)
    assert not run_target_path("run-a-123", plain).is_absolute()  # dagster-dbt puts it under the project


def test_there_is_one_op_per_layer_in_build_order():
    assert [name for name, _, _ in layer_op_specs()] == ["raw_seeds", *settings.LAYERS[1:]]
    assert [partitioned for _, _, partitioned in layer_op_specs()] == [False] + [True] * (len(settings.LAYERS) - 1)


def dbt_commands(folder: Path) -> dict[str, list[str]]:
    """The dbt invocations that logged into folder, by command (`cli parse`, `cli build`): their ids;
    and under "parsed" those that parsed anything (logged a partial-parsing event)."""
    commands, parsed = {}, set()
    for line in (folder / "dbt.log").read_text().splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            info = event["info"]
            if info["name"] == "CommandCompleted":
                commands.setdefault(event["data"]["command"], []).append(info["invocation_id"])
            elif info["name"].startswith("PartialParsing") and info["name"] != "PartialParsingSkipParsing":
                parsed.add(info["invocation_id"])
    return {**commands, "parsed": sorted(parsed)}


def run_daily(defs: dg.Definitions, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return defs.resolve_job_def("warehouse_daily").execute_in_process(
        partition_key=DEMO_LAST_DAY, instance=instance, raise_on_error=False
    )


def test_a_full_materialisation_builds_every_asset_and_passes_every_check(
    defs: dg.Definitions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # The file is named like the warehouse: the semantic manifest names its catalog "warehouse".
    monkeypatch.setenv("NEV_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("NEV_EXPORT_DIR", str(tmp_path / "exports"))
    # no clock pinned: the demo's own clock judges its data, so a newcomer's first run is green
    monkeypatch.delenv("NEV_NOW", raising=False)
    monkeypatch.delenv("NEV_CLOCK", raising=False)
    start = time.perf_counter()
    result = run_daily(defs, dg.DagsterInstance.ephemeral())
    print(f"full materialisation: {time.perf_counter() - start:.1f}s")
    failures = [e.message for e in result.all_events if e.is_step_failure]
    assert result.success, failures
    materialised = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialised == set(defs.resolve_asset_graph().get_all_asset_keys())
    evaluations = result.get_asset_check_evaluations()
    failed = [(e.asset_key.to_user_string(), e.check_name, e.severity.value) for e in evaluations if not e.passed]
    # the demo's dirt: a few rows set aside on its last day, a warning, never a failure
    assert failed == [("ods/ods_quality__rejected_rows", f"gx_{SET_ASIDE_SUITE}", "WARN")]
    gx = [e for e in evaluations if e.check_name.startswith("gx_")]
    assert len(gx) == len(suites())
    assert (tmp_path / "exports" / "c_level_daily_board.parquet").exists()

    # Then the micro-batch of the same day: the real-time models, everything above them, their checks.
    job = defs.resolve_job_def("realtime_micro_batch")
    micro = job.execute_in_process(
        partition_key=DEMO_LAST_DAY, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert micro.success, [e.message for e in micro.all_events if e.is_step_failure]
    rebuilt = {e.asset_key for e in micro.get_asset_materialization_events()}
    assert rebuilt == set(job.asset_layer.selected_asset_keys)
    assert (
        dg.AssetKey(["ods", "ods_app__events"]) in rebuilt
        and dg.AssetKey(["ads", "ads_aarrr_overview_daily"]) in rebuilt
    )
    assert dg.AssetKey(["ods", "ods_ref__stores"]) not in rebuilt and not any(k.path[0] == "raw" for k in rebuilt)
    # Every check the job selects has its verdict, the tests of a fact against a dimension the job
    # does not rebuild included (dbt's buildable selection alone would leave them out of a subset).
    evaluated = {e.asset_check_key for e in micro.get_asset_check_evaluations()}
    assert set(job.asset_layer.asset_graph.asset_check_keys) - evaluated == set()
    # The day's window reached dbt as the batch: the parsed batch of the events is that landing day's.
    folder = ROOT / run_target_path(micro.run_id, dbt_build_args(DbtRunConfig()))
    compiled = (
        folder / "compiled" / "nev_warehouse" / "models" / "ods" / "app" / "ods_app__events_parsed.sql"
    ).read_text()
    assert "_loaded_at >= cast('2026-10-31 00:00:00' as timestamp)" in compiled
    assert "_loaded_at < cast('2026-11-01 00:00:00' as timestamp)" in compiled
    # ... and the project was parsed once at most, by the run's one `dbt parse` (from the deployed
    # partial parse): each layer's build ran in the run's process on that parse.
    commands = dbt_commands(folder)
    assert len(commands.get("cli build", [])) == len(layer_op_specs()) - 1, commands
    assert len(commands.get("cli parse", [])) == 1 and set(commands["parsed"]) <= set(commands["cli parse"]), commands

    # A failed dbt test's check says what it found, on the run: damage one DWS row, rebuild ADS.
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute(
            f"update dws.dws_sales_funnel_daily set store_visits = store_visits + 1000 "
            f"where activity_date = '{DEMO_LAST_DAY}' and store_id = (select min(store_id) from dwd.dwd_dim_store)"
        )
    ads = [k for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "ads"]
    broken = defs.resolve_job_def("warehouse_daily").execute_in_process(
        partition_key=DEMO_LAST_DAY, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, asset_selection=ads
    )
    assert not broken.success
    found = {e.check_name: e for e in broken.get_asset_check_evaluations() if not e.passed}
    check = found["assert_sales_full_cycle_reconciles_with_dwd"]
    assert "row(s) found, e.g. measure=store_visits" in check.description, check.description
    assert "found" in check.metadata and "|" in check.metadata["found"].value


# Sensors and the alert


def test_the_arrival_sensor_requests_a_micro_batch_of_the_minutes_its_files_landed_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("NEV_LANDING_DIR", str(tmp_path / "landing"))
    with dg.build_sensor_context(cursor=None) as context:
        assert isinstance(automation.raw_arrival(context), dg.SkipReason)  # no landing folder yet

    def land(table: str, landed: list[str], name: str = "part-0.parquet") -> None:
        """A file of rows landed at these UTC times, in its UTC day's folder, as the landing zone holds them."""
        path = tmp_path / "landing" / table / f"load_date={min(landed)[:10]}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        values = ", ".join(f"('{t}')" for t in landed)
        duckdb.sql(f"copy (select * from (values {values}) as v(_loaded_at)) to '{path}' (format parquet)")

    # 2026-11-01 12:03:10 .. 12:14:59 in Shanghai, and a file of the next business day after midnight
    land("raw_crm__leads", ["2026-11-01T04:03:10Z", "2026-11-01T04:09:00Z"])
    land("raw_app__events", ["2026-11-01T04:05:00Z", "2026-11-01T04:14:59Z"])
    land("raw_app__events", ["2026-11-01T16:00:30Z"], "night.parquet")
    with dg.build_sensor_context(cursor=None) as context:
        result = automation.raw_arrival(context)
    windows = [(r.partition_key, r.tags[LANDED_FROM_TAG], r.tags[LANDED_BEFORE_TAG]) for r in result.run_requests]
    assert windows == [
        ("2026-11-01", "2026-11-01 12:03:00", "2026-11-01 12:15:00"),
        ("2026-11-02", "2026-11-02 00:00:00", "2026-11-02 00:01:00"),
    ]
    assert result.run_requests[0].tags["landing/tables"] == "raw_app__events,raw_crm__leads"
    cursor = result.cursor

    with dg.build_sensor_context(cursor=cursor) as context:
        assert isinstance(automation.raw_arrival(context), dg.SkipReason)  # nothing new

    time.sleep(0.05)
    # a file that spans business midnight: one window on each side
    land("raw_showroom__store_visits", ["2026-11-02T15:58:00Z", "2026-11-02T16:02:00Z"], "late.parquet")
    with dg.build_sensor_context(cursor=cursor) as context:
        again = automation.raw_arrival(context)
    assert [(r.partition_key, r.tags[LANDED_FROM_TAG], r.tags[LANDED_BEFORE_TAG]) for r in again.run_requests] == [
        ("2026-11-02", "2026-11-02 23:58:00", "2026-11-03 00:00:00"),
        ("2026-11-03", "2026-11-03 00:00:00", "2026-11-03 00:03:00"),
    ]
    assert again.run_requests[0].tags["landing/tables"] == "raw_showroom__store_visits"


def test_a_window_in_a_runs_tags_reaches_dbt_as_its_batch():
    window = tagged_window({LANDED_FROM_TAG: "2026-11-01 12:03:00", LANDED_BEFORE_TAG: "2026-11-01 12:15:00"})
    env = batch_environment(window, micro_batch=True)
    assert env["NEV_BATCH_LANDED_FROM"] == "2026-11-01 12:03:00"
    assert env["NEV_BATCH_LANDED_BEFORE"] == "2026-11-01 12:15:00"
    assert tagged_window({"dagster/partition": "2026-11-01"}) is None


def test_on_the_demo_the_partitions_end_at_its_last_day_and_the_schedules_skip_beyond_it():
    demo = landing_day_partitions()  # the demo seeds, the demo's clock (settings.demo_clock)
    assert demo.get_last_partition_key() == DEMO_LAST_DAY, "latest must be a day with data"
    assert settings.business_now() == dt.datetime(2026, 11, 1, 9, 0)
    today = dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    skipped = automation.daily_at_six(dg.build_schedule_context(scheduled_execution_time=today))
    assert isinstance(skipped, dg.SkipReason) and f"ends on {DEMO_LAST_DAY}" in skipped.skip_message


def test_the_schedules_ask_for_the_right_landing_day(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEV_RAW_SOURCE", "landing")  # real landings: the partitions run to today
    monkeypatch.setattr(automation, "daily_partitions", landing_day_partitions())
    daily = automation.daily_at_six(
        dg.build_schedule_context(
            scheduled_execution_time=dt.datetime(2026, 11, 3, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        )
    )
    assert daily.partition_key == "2026-11-02"
    micro = automation.realtime_every_15_minutes(
        dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 2, 16, 15, tzinfo=dt.UTC))
    )
    # 00:15 in Shanghai: the quarter hour before it, on the new day
    assert micro.partition_key == "2026-11-03"
    assert (micro.tags[LANDED_FROM_TAG], micro.tags[LANDED_BEFORE_TAG]) == (
        "2026-11-03 00:00:00",
        "2026-11-03 00:15:00",
    )
    first = automation.realtime_every_15_minutes(
        dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 2, 16, 0, tzinfo=dt.UTC))
    )
    assert first.partition_key == "2026-11-02"  # 23:45 to midnight belongs to the day before


FAILING_CAUSE = "raw batch for 2026-11-02 is missing column lead_id"
FIXED = {"ops": {"failing_step": {"config": {"fixed": True}}}}  # the same job once its input is fixed


@dg.op(config_schema={"fixed": dg.Field(bool, default_value=False)})
def failing_step(context):
    if not context.op_config["fixed"]:
        raise RuntimeError(FAILING_CAUSE)


@dg.job
def failing_job():
    failing_step()


class Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        Hook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def failure_context(instance: dg.DagsterInstance):
    return run_status_context(instance, failing_job.execute_in_process(instance=instance, raise_on_error=False).run_id)


def test_a_failed_run_is_logged_and_posted_to_the_webhook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("NEV_ALERT_LOG", str(tmp_path / "alerts.log"))
    monkeypatch.setenv(automation.WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/hook")
    Hook.received.clear()
    with dg.DagsterInstance.ephemeral() as instance:
        automation.alert_on_run_failure(failure_context(instance))
    server.shutdown()
    logged = [json.loads(line) for line in (tmp_path / "alerts.log").read_text().splitlines()]
    assert len(logged) == 1 and logged[0]["job"] == "failing_job" and logged[0]["kind"] == "failure"
    assert "failing_step" in logged[0]["error"] and logged[0]["webhook_status"] == 204
    assert FAILING_CAUSE in logged[0]["error"], "the alert does not carry the step's own error"
    assert logged[0]["run_url"].endswith("/runs/" + logged[0]["run_id"])
    assert "Re-execute all" in logged[0]["recover"]
    assert Hook.received and Hook.received[0]["run_id"] == logged[0]["run_id"]


def test_an_unreachable_webhook_still_leaves_the_alert_in_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEV_ALERT_LOG", str(tmp_path / "alerts.log"))
    monkeypatch.setenv(automation.WEBHOOK_ENV, "http://127.0.0.1:9/closed")
    with dg.DagsterInstance.ephemeral() as instance:
        automation.alert_on_run_failure(failure_context(instance))
    logged = json.loads((tmp_path / "alerts.log").read_text())
    assert logged["job"] == "failing_job" and "webhook_error" in logged


def test_the_next_good_run_after_a_failure_says_recovered_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    log = tmp_path / "alerts.log"
    monkeypatch.setenv("NEV_ALERT_LOG", str(log))
    monkeypatch.delenv(automation.WEBHOOK_ENV, raising=False)

    def success_context(instance):
        result = failing_job.execute_in_process(instance=instance, raise_on_error=False, run_config=FIXED)
        assert result.success
        return dg.build_run_status_sensor_context(
            sensor_name="alert_on_recovery",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=result.get_run_success_event(),
        )

    with dg.DagsterInstance.ephemeral() as instance:
        automation.alert_on_recovery(success_context(instance))
        assert not log.exists(), "a success with no failure before it is not a recovery"
        automation.alert_on_run_failure(failure_context(instance))
        automation.alert_on_recovery(success_context(instance))
        automation.alert_on_recovery(success_context(instance))
    kinds = [json.loads(line)["kind"] for line in log.read_text().splitlines()]
    assert kinds == ["failure", "recovered"]
    failure, recovered = (json.loads(line) for line in log.read_text().splitlines())
    assert recovered["recovers"] == failure["run_id"] and recovered["run_url"].endswith(recovered["run_id"])


@dg.asset
def landed_table():
    return 1


@dg.asset_check(asset=landed_table)
def rows_set_aside():
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "failures": dg.MetadataValue.md("- raw_oms__vehicle_orders rejected key O1: vehicle_price: cannot parse")
        },
    )


def test_a_run_that_set_rows_aside_is_a_warning_line_in_the_alert_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    log = tmp_path / "alerts.log"
    monkeypatch.setenv("NEV_ALERT_LOG", str(log))
    monkeypatch.delenv(automation.WEBHOOK_ENV, raising=False)
    with dg.DagsterInstance.ephemeral() as instance:
        job = dg.Definitions(
            assets=[landed_table], asset_checks=[rows_set_aside]
        ).resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(instance=instance)
        assert result.success
        automation.alert_on_warning(run_status_context(instance, result.run_id, "alert_on_warning"))
        automation.alert_on_recovery(run_status_context(instance, result.run_id, "alert_on_recovery"))
    (alert,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert alert["kind"] == "warning" and alert["run_url"].endswith(result.run_id)
    assert "rejected key O1: vehicle_price: cannot parse" in alert["warned_checks"][0]


def test_the_alert_sensors_run_without_being_switched_on():
    for sensor in (automation.alert_on_run_failure, automation.alert_on_recovery, automation.alert_on_warning):
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING, sensor.name


# The warehouse lock

HOLD_AND_WRITE = """
import sys, time, duckdb
sys.path.insert(0, {root!r})
from lock import warehouse_lock
db = sys.argv[1]
with warehouse_lock(db, holder="test writer"):
    con = duckdb.connect(db)
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    con.execute("create or replace table written as select 42 as answer")
    con.close()
"""


def hold(db: Path, seconds: float) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WRITE.format(root=str(ROOT)), str(db), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "holding"
    return writer


def test_without_the_lock_a_reader_collides_with_a_writer(tmp_path: Path):
    """The failure the lock exists for: DuckDB refuses a second process while one writes."""
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    writer = hold(db, 3)
    with pytest.raises(duckdb.IOException, match="lock"):
        duckdb.connect(str(db), read_only=True)
    writer.wait()


def test_with_the_lock_a_reader_waits_for_the_writer_and_sees_its_work(tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    writer = hold(db, 2)
    start = time.perf_counter()
    messages = []
    with warehouse_lock(db, holder="test reader", timeout=60, log=messages.append):
        waited = time.perf_counter() - start
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("select answer from written").fetchall() == [(42,)]
    assert writer.wait() == 0
    assert waited >= 1.0 and "held by pid" in messages[0] and "test writer" in messages[0]


def test_the_lock_gives_up_with_the_name_of_the_holder(tmp_path: Path):
    db = tmp_path / "warehouse.duckdb"
    writer = hold(db, 3)
    with pytest.raises(WarehouseBusy, match="test writer"):
        with warehouse_lock(db, timeout=0.5):
            pass
    writer.wait()


def test_bin_mf_waits_for_a_build_that_holds_the_lock_and_then_answers(built_warehouse, tmp_path: Path):
    """A writer started the way `make build` starts dbt (python -m lock -- ...) holds the
    file; bin/mf, as an analyst types it, waits for it (naming it) instead of DuckDB's lock error."""
    db = tmp_path / "warehouse.duckdb"  # the semantic manifest names its catalog "warehouse"
    shutil.copy(built_warehouse.database, db)
    env = dict(os.environ, NEV_DUCKDB_PATH=str(db), PYTHONPATH=str(ROOT))
    env.pop("DBT_TARGET", None)
    writes = (
        f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('writing', flush=True); time.sleep(4); c.close()"
    )
    writer = subprocess.Popen(
        [sys.executable, "-m", "lock", "--", sys.executable, "-c", writes],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "writing"
    mf = subprocess.run(
        [str(ROOT / "bin" / "mf"), "query", "--metrics", "lead_count", "--group-by", "metric_time__year"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert writer.wait() == 0
    assert mf.returncode == 0, mf.stdout + mf.stderr
    assert "waiting for the warehouse lock" in mf.stderr and "time.sleep(4)" in mf.stderr, mf.stderr
    assert "2026-01-01" in mf.stdout and "Could not set lock" not in mf.stdout + mf.stderr


# ADS freshness by data time

MORNING_AFTER = "2026-11-01T09:00"  # the demo's last day, 2026-10-31, has been built
TWO_DAYS_LATER = "2026-11-03T09:00"  # and nothing has landed since


def ads_fingerprint(database: Path) -> dict[str, tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'ads'").fetchall()
        ]
        return {t: con.execute(f"select count(*), sum(hash(columns(*))) from ads.{t}").fetchall()[0] for t in tables}


def evaluate_freshness(defs: dg.Definitions, instance: dg.DagsterInstance):
    result = defs.resolve_job_def(freshness.JOB_NAME).execute_in_process(instance=instance, raise_on_error=False)
    return result, {e.asset_key.path[-1]: e for e in result.get_asset_check_evaluations()}


def test_a_stalled_feed_turns_the_ads_freshness_checks_red_and_the_alert_names_the_tables(
    defs: dg.Definitions, built_warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("NEV_DUCKDB_PATH", str(built_warehouse.database))
    monkeypatch.setenv("NEV_ALERT_LOG", str(tmp_path / "alerts.log"))
    monkeypatch.delenv(automation.WEBHOOK_ENV, raising=False)
    before = ads_fingerprint(built_warehouse.database)
    with dg.DagsterInstance.ephemeral() as instance:
        monkeypatch.setenv("NEV_NOW", MORNING_AFTER)
        result, checks = evaluate_freshness(defs, instance)
        assert result.success and len(checks) == 4 and all(c.passed for c in checks.values())

        monkeypatch.setenv("NEV_NOW", TWO_DAYS_LATER)
        result, checks = evaluate_freshness(defs, instance)
        stale = {name for name, c in checks.items() if not c.passed}
        # Daily data is due 8 h after its day ends; the service tickets (56 h) and the monthly market
        # import (728 h) are not due yet.
        assert stale == {"ads_aarrr_overview_daily", "ads_sales_full_cycle_monthly"}
        aarrr = checks["ads_aarrr_overview_daily"]
        assert aarrr.metadata["newest"].value == "2026-10-31" and aarrr.metadata["due"].value == "2026-11-02"
        assert "2 day(s) behind" in aarrr.description
        assert not result.success, "a stale ADS table must fail its run, so that the failure alert fires"
        automation.alert_on_run_failure(run_status_context(instance, result.run_id))
        # A quarter of an hour later the same tables are still stale: no second alert.
        result, _ = evaluate_freshness(defs, instance)
        again = automation.alert_on_run_failure(run_status_context(instance, result.run_id))
        assert isinstance(again, dg.SkipReason) and "still fail" in again.skip_message
    alert = json.loads((tmp_path / "alerts.log").read_text())
    assert alert["job"] == freshness.JOB_NAME, alert
    named = [c for c in alert["failed_checks"] if c.startswith("ads/ads_aarrr_overview_daily data_freshness:")]
    assert named and "newest activity_date 2026-10-31" in named[0], alert["failed_checks"]
    assert ads_fingerprint(built_warehouse.database) == before, "checking freshness changed the ADS tables"


def test_rebuilding_a_table_with_old_data_does_not_make_it_fresh():
    aarrr = DataTime("ads.t", "activity_date", "day", 8)
    now = dt.datetime(2026, 11, 30, 10)
    assert aarrr.verdict(dt.date(2026, 11, 29), now)[0]
    assert not aarrr.verdict(dt.date(2026, 10, 31), now)[0]  # whenever the table was last rebuilt
    assert not aarrr.verdict(None, now)[0]
    assert aarrr.verdict(dt.date(2026, 11, 28), dt.datetime(2026, 11, 30, 7, 59))[0]  # the 29th not due before 08:00
    monthly = DataTime("ads.m", "month_start", "month", 8)
    assert monthly.verdict(dt.date(2026, 11, 1), now)[0]
    assert monthly.verdict(dt.date(2026, 10, 1), dt.datetime(2026, 11, 1, 7))[0]  # October's last day not yet due
    assert not monthly.verdict(dt.date(2026, 10, 1), dt.datetime(2026, 11, 2, 9))[0]
    # behind counts days of data: October's rows cover it through the 31st, so on 5 November the
    # table is four days behind (the 1st to the 4th), not the month between the two month starts
    passed, message = monthly.verdict(dt.date(2026, 10, 1), dt.datetime(2026, 11, 5, 9))
    assert not passed and "is 4 day(s) behind" in message, message


def test_the_freshness_checks_run_every_15_minutes_without_being_switched_on():
    schedule = freshness.ads_freshness_every_15_minutes
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING and schedule.job_name == freshness.JOB_NAME


def test_after_the_demo_dagster_shows_every_table_day_and_check_it_built(
    defs: dg.Definitions, built_warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """make demo builds with dbt outside Dagster; its last step records the build in the instance
    `make dagster` opens (on disk, SQLite, as there): every dbt asset materialised, no landing day
    the tables hold missing, each check with the verdict the demo's dbt tests and GX suites reached,
    and each ADS table's freshness judged by the demo's clock. A second demo adds each asset's
    newest day again, not every day; judged two days later, the daily tables are stale."""
    from orchestration.record import record
    from quality.suites import suites

    graph = defs.resolve_asset_graph()
    recorded = [key for key in graph.materializable_asset_keys if graph.get(key).group_name != "semantic_layer"]
    partitioned = [key for key in recorded if graph.get(key).partitions_def]
    days = graph.get(partitioned[0]).partitions_def.get_partition_keys()
    assert days[0] == settings.PARTITIONS_START and days[-1] == DEMO_LAST_DAY and len(days) == 730

    # What the demo's builds and suites found, as make demo keeps it: every dbt test passed but one
    # that failed and one skipped; every suite passed but the set-aside one, which warned.
    nodes = json.loads((ROOT / "target" / "manifest.json").read_text())["nodes"]
    tests = sorted(u for u in nodes if u.startswith("test."))
    failing, skipped = tests[0], tests[1]
    status = {failing: "fail", skipped: "skipped"}
    results = tmp_path / "demo-results"
    results.mkdir()
    (results / "run_results_ods.json").write_text(
        json.dumps({"results": [{"unique_id": u, "status": status.get(u, "pass")} for u in tests]})
    )
    verdict = {s.name: "warned" if s.name == SET_ASIDE_SUITE else "passed" for s in suites()}
    gates = {"ods": {"passed": True, "suites": verdict}}

    (tmp_path / "dagster").mkdir()
    monkeypatch.delenv("NEV_NOW", raising=False)  # the demo's own clock: the morning after its last day
    monkeypatch.delenv("NEV_CLOCK", raising=False)
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        materialised, checked = record(instance, results=results, gates=gates, database=built_warehouse.database)
        assert materialised == len(recorded) - len(partitioned) + len(partitioned) * len(days)
        for key in recorded:
            if key in partitioned:
                assert instance.get_materialized_partitions(key) == set(days), key
            latest = instance.get_latest_materialization_event(key)
            assert latest is not None and latest.asset_materialization.partition == (
                DEMO_LAST_DAY if key in partitioned else None
            ), key
        assert set(instance.all_asset_keys()) >= set(recorded)  # the catalog's list of assets with events
        stored = instance.fetch_materializations(partitioned[0], limit=1000)
        assert len(stored.records) == len(days)

        checks = list(graph.asset_check_keys)
        latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(checks)
        by_test = {graph.get_check_spec(k).metadata.get("dagster_dbt/unique_id"): k for k in checks}
        expected = {by_test[u]: "FAILED" if u == failing else "SUCCEEDED" for u in tests if u != skipped}
        expected |= {
            k: "FAILED" if k.name == f"gx_{SET_ASIDE_SUITE}" else "SUCCEEDED"
            for k in checks
            if k.name in {f"gx_{n}" for n in verdict}
        }
        fresh = [k for k in checks if k.name == freshness.CHECK_NAME]
        expected |= dict.fromkeys(fresh, "SUCCEEDED")
        assert len(fresh) == 4 and checked == len(expected) == len(tests) - 1 + len(verdict) + len(fresh)
        assert {k: r.status.value for k, r in latest.items()} == expected
        warned = latest[next(k for k in checks if k.name == f"gx_{SET_ASIDE_SUITE}")].event
        assert warned.asset_check_evaluation.severity == dg.AssetCheckSeverity.WARN
        assert by_test[skipped] not in latest

        monkeypatch.setenv("NEV_NOW", TWO_DAYS_LATER)
        again, _ = record(instance, database=built_warehouse.database)
        assert again == len(recorded), "a second demo re-recorded days the instance already showed"
        assert instance.get_materialized_partitions(partitioned[0]) == set(days)
        latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(fresh)
        stale = {k.asset_key.path[-1] for k, r in latest.items() if r.status.value == "FAILED"}
        assert stale == {"ads_aarrr_overview_daily", "ads_sales_full_cycle_monthly"}, stale


def test_a_dbt_command_that_cannot_start_ends_with_dbts_reason_as_an_error():
    """The in-process runner reports what a dbt process would: exit code 2 and dbt's reason."""
    process = InProcessDbt(["build", "--no-such-flag"], manifest=None)
    lines = [json.loads(line) for line in process.stdout]
    assert process.wait(timeout=60) == 2
    errors = [line["info"]["msg"] for line in lines if line["info"]["level"] == "error"]
    assert any("no-such-flag" in message for message in errors), errors
