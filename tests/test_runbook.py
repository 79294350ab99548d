"""The on-call runbook's recovery from a bad raw batch, through Dagster's own re-execution (its own
module, so that pytest-xdist can run it beside the long orchestration module)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from conftest import copy_project
from test_orchestration import DEMO_LAST_DAY, damage_raw_leads

from orchestration import automation
from orchestration.definitions import build_definitions

RAW_JOB = "raw_and_its_gates"


def raw_job_of(project_dir: str) -> dg.JobDefinition:
    """The daily job's first steps, as a job Dagster can rebuild to re-execute a run: the seeds and
    the raw gates (the steps a bad raw batch fails and its recovery reruns)."""
    defs = build_definitions(Path(project_dir))
    job = dg.define_asset_job(RAW_JOB, selection=dg.AssetSelection.groups("raw"))
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def(RAW_JOB)


def test_after_the_fix_re_execute_all_recovers_and_re_execute_from_failure_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The runbook's recovery, through Dagster's own re-execution: from failure, the seeds step that
    loaded the bad file is skipped and the gate fails again; Re-execute all reloads the fixed file and
    passes; the alert log says failure, then recovered."""
    project_dir = copy_project(tmp_path / "project")
    good = (project_dir / "seeds" / "crm" / "raw_crm__leads.csv").read_bytes()
    assert damage_raw_leads(project_dir) > 0
    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "parse", "--quiet", "--project-dir", str(project_dir)],
        cwd=project_dir,
        env=dict(os.environ, DBT_PROFILES_DIR=str(project_dir)),
        check=True,
    )
    monkeypatch.setenv("NEV_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("NEV_ALERT_LOG", str(tmp_path / "alerts.log"))
    monkeypatch.delenv(automation.WEBHOOK_ENV, raising=False)
    job = dg.build_reconstructable_job(
        "test_runbook",
        "raw_job_of",
        (str(project_dir),),
        reconstructor_working_directory=str(Path(__file__).parent),
    )

    def sensor_context(instance, run_id: str, name: str):
        run = instance.get_run_by_id(run_id)
        records = instance.get_records_for_run(run_id).records
        status = dg.DagsterEventType.RUN_FAILURE if name == "alert_on_run_failure" else dg.DagsterEventType.RUN_SUCCESS
        event = next(r.event_log_entry.dagster_event for r in records if r.event_log_entry.dagster_event_type == status)
        context = dg.build_run_status_sensor_context(
            sensor_name=name, dagster_instance=instance, dagster_run=run, dagster_event=event
        )
        return context.for_run_failure() if name == "alert_on_run_failure" else context

    with dg.instance_for_test() as instance:
        with dg.execute_job(job, instance, tags={"dagster/partition": DEMO_LAST_DAY}) as failed:
            assert not failed.success
        automation.alert_on_run_failure(sensor_context(instance, failed.run_id, "alert_on_run_failure"))
        (project_dir / "seeds" / "crm" / "raw_crm__leads.csv").write_bytes(good)  # the source sent it again

        from_failure = dg.ReexecutionOptions.from_failure(failed.run_id, instance)
        with dg.execute_job(job, instance, reexecution_options=from_failure) as again:
            assert not again.success, "re-executing from failure passed, so the runbook's warning is wrong"
            assert "raw_seeds" not in {e.step_key for e in again.all_events if e.is_step_success}

        with dg.execute_job(job, instance, reexecution_options=dg.ReexecutionOptions(failed.run_id)) as everything:
            assert everything.success, [e.message for e in everything.all_events if e.is_step_failure]
        automation.alert_on_recovery(sensor_context(instance, everything.run_id, "alert_on_recovery"))
    kinds = [json.loads(line)["kind"] for line in (tmp_path / "alerts.log").read_text().splitlines()]
    assert kinds == ["failure", "recovered"]


def test_a_run_over_a_range_of_days_shows_each_of_them_materialised(
    built_warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The documented first build (Materialize all over the range of landing days, one run) leaves
    every day it covered shown as materialised, not only the last. Here two ODS models over October."""
    import shutil

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, db)
    monkeypatch.setenv("NEV_DUCKDB_PATH", str(db))
    defs = build_definitions()
    leads = [dg.AssetKey(["ods", "ods_crm__leads_parsed"]), dg.AssetKey(["ods", "ods_crm__leads"])]
    job = dg.define_asset_job("ods_only", selection=dg.AssetSelection.assets(*leads))
    merged = dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
    with dg.DagsterInstance.ephemeral() as instance:
        result = merged.resolve_job_def("ods_only").execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags={
                "dagster/asset_partition_range_start": "2026-10-01",
                "dagster/asset_partition_range_end": DEMO_LAST_DAY,
            },
        )
        assert result.success, [e.message for e in result.all_events if e.is_step_failure]
        october = {f"2026-10-{d:02d}" for d in range(1, 32)}
        for key in leads:
            assert instance.get_materialized_partitions(key) == october, key
