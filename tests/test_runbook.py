"""A bad raw batch in Dagster: its blocking gate stops the graph, and the on-call runbook's recovery
works through Dagster's own re-execution; and a run over a range of days marks each of them. Its
own module, so that pytest-xdist runs it beside the long orchestration module."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from conftest import copy_project, run_status_context
from test_orchestration import DEMO_LAST_DAY, run_daily

from orchestration import automation
from orchestration.definitions import build_definitions


def damage_raw_leads(project_dir: Path) -> int:
    """An unknown source code on every lead landed on the batch day: only the raw GX suite sees it
    (ODS maps unknown codes to 'unknown', dbt has no test on raw codes)."""
    events = project_dir / "seeds" / "app" / "raw_app__events.csv"
    with events.open() as f:
        day = max(
            r["event_at"][:10] for r in csv.DictReader(f) if r["event_at"][:4].isdigit()
        )  # the column holds dirt such as 'NaN'
    path = project_dir / "seeds" / "crm" / "raw_crm__leads.csv"
    with path.open() as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    damaged = 0
    for r in rows:
        landed = dt.datetime.fromisoformat(r["_loaded_at"].replace("Z", "+00:00")) + dt.timedelta(hours=8)
        if landed.date().isoformat() == day:
            r["source_channel"] = "TIKTOK_SHOP"
            damaged += 1
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return damaged


@dataclass
class Damaged:
    project_dir: Path
    leads: Path
    good: bytes
    bad: bytes


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Damaged:
    """A copy of the project, parsed once, whose leads seed a test sets to the damaged or the good file."""
    project_dir = copy_project(tmp_path_factory.mktemp("damaged") / "project")
    leads = project_dir / "seeds" / "crm" / "raw_crm__leads.csv"
    good = leads.read_bytes()
    assert damage_raw_leads(project_dir) > 0
    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "parse", "--quiet", "--project-dir", str(project_dir)],
        cwd=project_dir,
        env=dict(os.environ, DBT_PROFILES_DIR=str(project_dir)),
        check=True,
    )
    return Damaged(project_dir, leads, good, leads.read_bytes())


def test_a_corrupt_raw_batch_fails_its_blocking_check_and_nothing_downstream_runs(
    damaged: Damaged, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project_dir = damaged.project_dir
    damaged.leads.write_bytes(damaged.bad)
    monkeypatch.setenv("NEV_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    defs = build_definitions(project_dir)
    result = run_daily(defs, dg.DagsterInstance.ephemeral())
    assert not result.success
    evaluations = {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}
    leads_check = evaluations[("raw/raw_crm__leads", "gx_raw__raw_crm__leads")]
    assert not leads_check.passed and leads_check.severity == dg.AssetCheckSeverity.ERROR
    assert "TIKTOK_SHOP" in leads_check.metadata["failures"].value
    others = [k for k, e in evaluations.items() if k[1].startswith("gx_raw") and not e.passed]
    assert others == [("raw/raw_crm__leads", "gx_raw__raw_crm__leads")]
    materialised = {e.asset_key.path[0] for e in result.get_asset_materialization_events()}
    assert materialised == {"raw"}, "a layer above raw was built on a batch that failed its gate"
    assert not [e for e in result.all_events if e.is_step_failure and e.step_key != "gx_raw_suites"]


RAW_JOB = "raw_and_its_gates"


def raw_job_of(project_dir: str) -> dg.JobDefinition:
    """The daily job's first steps, as a job Dagster can rebuild to re-execute a run: the seeds and
    the raw gates (the steps a bad raw batch fails and its recovery reruns)."""
    defs = build_definitions(Path(project_dir))
    job = dg.define_asset_job(RAW_JOB, selection=dg.AssetSelection.groups("raw"))
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def(RAW_JOB)


def test_after_the_fix_re_execute_all_recovers_and_re_execute_from_failure_does_not(
    damaged: Damaged, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The runbook's recovery, through Dagster's own re-execution: from failure, the seeds step that
    loaded the bad file is skipped and the gate fails again; Re-execute all reloads the fixed file and
    passes; the alert log says failure, then recovered."""
    project_dir = damaged.project_dir
    damaged.leads.write_bytes(damaged.bad)
    monkeypatch.setenv("NEV_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("NEV_ALERT_LOG", str(tmp_path / "alerts.log"))
    monkeypatch.delenv(automation.WEBHOOK_ENV, raising=False)
    job = dg.build_reconstructable_job(
        "test_runbook",
        "raw_job_of",
        (str(project_dir),),
        reconstructor_working_directory=str(Path(__file__).parent),
    )

    with dg.instance_for_test() as instance:
        with dg.execute_job(job, instance, tags={"dagster/partition": DEMO_LAST_DAY}) as failed:
            assert not failed.success
        automation.alert_on_run_failure(run_status_context(instance, failed.run_id))
        damaged.leads.write_bytes(damaged.good)  # the source sent it again

        from_failure = dg.ReexecutionOptions.from_failure(failed.run_id, instance)
        with dg.execute_job(job, instance, reexecution_options=from_failure) as again:
            assert not again.success, "re-executing from failure passed, so the runbook's warning is wrong"
            assert "raw_seeds" not in {e.step_key for e in again.all_events if e.is_step_success}

        with dg.execute_job(job, instance, reexecution_options=dg.ReexecutionOptions(failed.run_id)) as everything:
            assert everything.success, [e.message for e in everything.all_events if e.is_step_failure]
        automation.alert_on_recovery(run_status_context(instance, everything.run_id, "alert_on_recovery"))
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
