"""Incremental models give exactly the tables of a full refresh.

The warehouse is first built on what had landed before a cut-off (NEV_RAW_LOADED_BEFORE), then
moved forward one landing day at a time, then to everything (late rows included). Every ODS,
DWD, DWS and ADS table must then equal, row for row, a full refresh over the same data.
"""

from __future__ import annotations

import duckdb
import pytest
from conftest import ROOT, Project, parsed_rows, start_from
from table_comparison import tables

# Landing days, and a 15-minute slice in the middle of one (a real-time run cuts a day anywhere):
# one whole day, the slice, the rest of that day and the next together, then everything left.
DAYS = ["2026-10-27", "2026-10-28", "2026-10-29 13:15:00", "2026-10-29 13:30:00", "2026-10-31"]
INCREMENTAL_AND_UPSTREAM = "+config.materialized:incremental"


def stamp(day: str) -> str:
    return day if " " in day else f"{day} 00:00:00"


def cutoff(day: str | None) -> dict[str, str]:
    return {"NEV_RAW_LOADED_BEFORE": stamp(day)} if day else {}


def step_env(day: str | None, previous: str, windowed: bool) -> dict[str, str]:
    """One step forward: by cut-off (incremental models take what landed since their last run), or
    also as the batch window an orchestrator passes (a daily partition, the sensor's minutes)."""
    values = cutoff(day)
    if windowed:
        values |= {"NEV_BATCH_LANDED_FROM": stamp(previous)}
        if day:
            values |= {"NEV_BATCH_LANDED_BEFORE": stamp(day)}
    return values


@pytest.fixture(scope="module")
def built_to_cutoff(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Every seed loaded, the models built on what had landed before the first day: the common
    start of both ways forward (each test continues on its own copy). Its full builds go a month at a
    time (month_pieces, otherwise only past SF 1): the increments and the one-piece full refresh they
    are compared with then check the pieces too."""
    project = Project(ROOT, tmp_path_factory.mktemp("cutoff") / "warehouse.duckdb")
    project.dbt("seed", "--quiet")
    project.dbt("run", "--full-refresh", "--quiet", "--vars", "{month_pieces_above_rows: 0}", env=cutoff(DAYS[0]))
    return project


def test_incremental_runs_equal_a_full_refresh(tmp_path, built_warehouse: Project, built_to_cutoff: Project):
    """The steps go forward in turn as a batch window and as a run since the last one, so that each
    way meets a step boundary inside a day: the window takes the whole day, the slice and the late
    rows; the run since the last one ends at 13:15 and starts from 13:30."""
    incremental = start_from(built_to_cutoff, Project(ROOT, tmp_path / "inc" / "warehouse.duckdb"))
    # A full refresh over every seed row (a copy: other tests may hold the built file open).
    full = start_from(built_warehouse, Project(ROOT, tmp_path / "full" / "warehouse.duckdb"))

    with duckdb.connect(str(incremental.database), read_only=True) as con:
        before = con.execute("select count(*) from ods.ods_app__events").fetchall()[0][0]
    # Each day moves the incremental models (and the view they read) forward. The tables are built in
    # the last step only: a table is rebuilt whole on every run, so what an earlier build of it held
    # never reaches a later one, and building it daily would only add time.
    for step, (previous, day) in enumerate(zip(DAYS, DAYS[1:] + [None], strict=False)):
        only = ["--select", INCREMENTAL_AND_UPSTREAM] if day else []
        incremental.dbt("run", "--quiet", *only, env=step_env(day, previous, windowed=step % 2 == 0))

    names = tables(str(full.database))
    assert names == tables(str(incremental.database))
    assert len(names) > 50
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental.database}' as inc (read_only)")
        con.execute(f"attach '{full.database}' as fr (read_only)")
        after = con.execute("select count(*) from inc.ods.ods_app__events").fetchall()[0][0]
        assert after > before, "the increments added no rows: the test would prove nothing"
        # Late facts that move past rows came in the increments: members whose province changed (their
        # past days move between provinces) and people whose OneID changed (their facts move). A session
        # a late event moves to an earlier day: test_a_late_event_before_its_session_moves_the_session...
        for table, column in (
            ("dwd_dim_member", "_previous_province_name"),
            ("dwd_dim_customer_identity", "_previous_one_id"),
        ):
            moved = con.execute(f"select count(*) from inc.dwd.{table} where {column} is not null").fetchall()[0][0]
            assert moved > 0, f"no {column} in the increments: that path went untested"
        # A DWD fact re-derived as it was keeps the landing time it had (macros/incremental.sql): rows
        # sent again in the increments left some facts older than the full refresh dates them.
        kept = con.execute(
            "select count(*) from inc.dwd.dwd_fct_lead as i inner join fr.dwd.dwd_fct_lead as f "
            "on i.lead_id = f.lead_id where i._loaded_at < f._loaded_at"
        ).fetchall()[0][0]
        assert kept > 0, "no lead kept its landing time in the increments: that path went untested"
        differences = {}
        for schema, name in names:
            a, b = f"inc.{schema}.{name}", f"fr.{schema}.{name}"
            # bookkeeping of the increments themselves is left out: what a re-derived row was before, and
            # above ODS the landing time (when the row's content last changed, after increments)
            columns = ", ".join(
                f'"{c}"'
                for (c,) in con.execute(
                    f"select column_name from information_schema.columns where table_catalog = 'fr' "
                    f"and table_schema = '{schema}' and table_name = '{name}' and column_name not like '\\_previous%' escape '\\' "
                    "order by ordinal_position"
                ).fetchall()
                if schema == "ods" or c != "_loaded_at"
            )
            only_inc = con.execute(
                f"select count(*) from (select {columns} from {a} except all select {columns} from {b})"
            ).fetchall()[0][0]
            only_full = con.execute(
                f"select count(*) from (select {columns} from {b} except all select {columns} from {a})"
            ).fetchall()[0][0]
            if only_inc or only_full:
                differences[f"{schema}.{name}"] = (only_inc, only_full)
    assert differences == {}


def test_a_full_build_empties_its_parsed_batches_and_a_run_that_leaves_a_reader_out_keeps_them(
    built_warehouse: Project, built_to_cutoff: Project
):
    """A parsed batch of the whole history is emptied once everything that reads it has run in the
    same dbt invocation: its space goes to the layers above. (A windowed run keeps its batch:
    test_bench.py, after the bench's micro-batch.)"""
    # The built warehouse is one `dbt build --full-refresh`: every reader ran.
    emptied = parsed_rows(built_warehouse.database)
    assert len(emptied) == 22 and set(emptied.values()) == {0}, emptied
    assert built_warehouse.query("select count(*) from ods.ods_crm__leads")[0][0] > 0
    # Built to the cut-off by `dbt run --full-refresh`: the data tests that read the batches did not run.
    kept = parsed_rows(built_to_cutoff.database)
    assert kept["ods_crm__leads_parsed"] > 0 and kept["ods_app__events_parsed"] > 0, kept
