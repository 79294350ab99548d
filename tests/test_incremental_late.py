"""Late and re-sent rows: each changes exactly what it should, and what a full refresh gives.

Each test starts from the built demo warehouse (a copy), lands rows as a source would send them
(a day sent again, a follow-up for a closed day, a lead that takes a visit, an event before its
session), runs the increments and compares. The increments over whole landing days:
test_incremental.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from conftest import Project, start_from
from table_comparison import tables

import settings

# The quality records count landings: a re-sent day is a landing of its own there.
QUALITY_RECORDS = (
    "ods_quality__rejected_rows",
    "ods_quality__quarantined_values",
    "ods_quality__landing_minutes",
    "ods_quality__landing_batches",
)


def rows_by_table(db: Path, skip=QUALITY_RECORDS) -> dict[str, Counter]:
    """Every ODS..ADS table as a multiset of rows, landing times and places left out (a re-send
    changes them: the newest copy wins)."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for schema, name in tables(str(db)):
            if name in skip:
                continue
            cols = [
                r[0]
                for r in con.execute(f"describe {schema}.{name}").fetchall()
                if r[0] not in ("_loaded_at", "_source_file", "_source_row") and not r[0].startswith("_previous")
            ]
            out[f"{schema}.{name}"] = Counter(con.execute(f"select {', '.join(cols)} from {schema}.{name}").fetchall())
    return out


def changed(before: dict[str, Counter], after: dict[str, Counter]) -> dict[str, tuple[Counter, Counter]]:
    return {t: (before[t] - after[t], after[t] - before[t]) for t in before if before[t] != after[t]}


def read_seed(path: Path) -> tuple[list[str], list[dict]]:
    with path.open() as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def append_seed(path: Path, rows: list[dict]) -> None:
    fields, _ = read_seed(path)
    with path.open("a", newline="") as f:
        csv.DictWriter(f, fieldnames=fields, lineterminator="\n").writerows(rows)


def newest_landing(seeds: Path) -> str:
    return max(
        max((r["_loaded_at"] for r in read_seed(path)[1] if r.get("_loaded_at")), default="")
        for path in seeds.glob("*/*.csv")
    )


def landing_window(landed: str) -> dict[str, str]:
    """The batch window an orchestrator passes for rows landed at `landed` (UTC): its minute."""
    at = dt.datetime.fromisoformat(landed.replace("Z", "+00:00")).astimezone(ZoneInfo(settings.BUSINESS_TIME_ZONE))
    return {
        "NEV_BATCH_LANDED_FROM": at.strftime("%Y-%m-%d %H:%M:00"),
        "NEV_BATCH_LANDED_BEFORE": (at + dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:00"),
    }


def full_refresh_of(project: Project, built: Project, seed: str, tmp_path: Path) -> dict[str, Counter]:
    """The tables of the built warehouse with the project's changed seed loaded and every model
    downstream of it refreshed in full (the rest reads none of it): what the increments must equal."""
    fresh = Project(project.path, tmp_path / "fresh" / "warehouse.duckdb", parse_from=project.target)
    start_from(built, fresh)
    fresh.dbt("seed", "--quiet", "--select", seed)
    fresh.dbt("run", "--full-refresh", "--quiet", "--select", f"{seed}+")
    return rows_by_table(fresh.database)


def later(loaded_at: str, hours: int) -> str:
    t = dt.datetime.fromisoformat(loaded_at.replace("Z", "+00:00")) + dt.timedelta(hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


REAL_TIME_SEEDS = [
    "crm/raw_crm__leads.csv",
    "crm/raw_crm__follow_ups.csv",
    "showroom/raw_showroom__store_visits.csv",
    "app/raw_app__events.csv",
]


RESENT_DAY = "2026-10-30"  # a whole landing day (UTC), sent again


def test_a_resent_day_changes_nothing(project_copy: Project, built_warehouse: Project):
    start_from(built_warehouse, project_copy)
    before = rows_by_table(project_copy.database)
    resent = 0
    # sent again now, after everything that has landed, and taken in as the orchestrator would: as
    # the batch window of its minute
    landed = later(newest_landing(project_copy.path / "seeds"), 1)
    for seed in REAL_TIME_SEEDS:
        path = project_copy.path / "seeds" / seed
        _, rows = read_seed(path)
        again = [r | {"_loaded_at": landed} for r in rows if r["_loaded_at"][:10] == RESENT_DAY]
        append_seed(path, again)
        resent += len(again)
    assert resent > 100
    project_copy.dbt("seed", "--quiet", "--select", *(Path(seed).stem for seed in REAL_TIME_SEEDS))
    keeping = facts_keeping_landing_time(project_copy.target / "manifest.json")
    landed_before = landing_times(project_copy.database, keeping)
    project_copy.dbt(
        "run", "--quiet", "--select", *(f"{Path(seed).stem}+" for seed in REAL_TIME_SEEDS), env=landing_window(landed)
    )
    assert changed(before, rows_by_table(project_copy.database)) == {}
    # The facts it re-derived as they were kept their landing times: the summaries above re-derive
    # no day for a version sent again (macros/days_touched.sql).
    assert landing_times(project_copy.database, keeping) == landed_before


def facts_keeping_landing_time(manifest: Path) -> dict[str, str]:
    """The models whose meta names unchanged_rows_keep_landing_time: {schema.table: row key}, from the
    copy's own manifest (the repository's is rewritten by tests that parse it, on other workers)."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    found = {
        f"{n['schema']}.{n['alias']}": n["config"]["meta"]["unchanged_rows_keep_landing_time"]
        for n in nodes
        if n["resource_type"] == "model" and n["config"].get("meta", {}).get("unchanged_rows_keep_landing_time")
    }
    assert "dwd.dwd_fct_lead" in found, found
    return found


def landing_times(db: Path, keys: dict[str, str]) -> dict[str, set]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: set(con.execute(f"select {key}, _loaded_at from {t}").fetchall()) for t, key in keys.items()}


def test_an_event_sent_again_with_another_time_stops_the_batch(project_copy: Project, built_warehouse: Project):
    """ods_app__events looks for an event's earlier copies only within the batch's event times
    (meta key_dated_by: an event is never edited). A copy that breaks that promise would leave two
    rows for one event: the batch's uniqueness test, which reads every row of the keys the batch
    touched, must stop it."""
    start_from(built_warehouse, project_copy)
    path = project_copy.path / "seeds" / "app" / "raw_app__events.csv"
    _, rows = read_seed(path)
    event = next(r for r in rows if r["_loaded_at"][:10] == RESENT_DAY and r["event_at"])
    landed = later(newest_landing(project_copy.path / "seeds"), 1)
    moved = dt.datetime.fromisoformat(event["event_at"]) - dt.timedelta(days=3)
    append_seed(path, [event | {"event_at": moved.isoformat(), "_loaded_at": landed}])
    project_copy.dbt("seed", "--quiet", "--select", "raw_app__events")
    window = landing_window(landed) | {"NEV_TEST_SCOPE": "batch"}
    result = project_copy.dbt("build", "--select", "ods_app__events_parsed", "ods_app__events", check=False, env=window)
    assert result.returncode != 0, result.output[-2000:]
    assert "FAIL 1 unique_ods_app__events_event_id" in result.output, result.output[-2000:]
    rows = project_copy.query(f"select count(*) from ods.ods_app__events where event_id = '{event['event_id']}'")
    assert rows == [(2,)]


LATE_DAY = "2025-06-15"


def test_a_late_row_for_a_closed_day_changes_that_day_only(
    project_copy: Project, built_warehouse: Project, tmp_path: Path
):
    start_from(built_warehouse, project_copy)
    before = rows_by_table(project_copy.database)
    path = project_copy.path / "seeds" / "crm" / "raw_crm__follow_ups.csv"
    _, rows = read_seed(path)
    lead = next(r for r in rows if r["followed_up_at"].startswith(LATE_DAY))
    # It arrives now: after everything that has landed anywhere (a run without a window takes what
    # landed since the newest landing it holds).
    late = lead | {
        "follow_up_id": "F_LATE_000001",
        "followed_up_at": f"{LATE_DAY} 20:30:00",
        "_loaded_at": later(newest_landing(project_copy.path / "seeds"), 1),
    }
    append_seed(path, [late])
    project_copy.dbt("seed", "--quiet", "--select", "raw_crm__follow_ups")  # the others are as built
    project_copy.dbt("run", "--quiet", "--select", "raw_crm__follow_ups+")  # the rest reads none of it
    after = rows_by_table(project_copy.database)
    diff = changed(before, after)

    # The new row is in ODS and DWD, and nothing there was lost.
    for table in ("ods.ods_crm__follow_ups", "dwd.dwd_fct_follow_up"):
        gone, new = diff.pop(table)
        assert not gone and len(new) == 1 and "F_LATE_000001" in next(iter(new))
    # Everything else that changed is about that day (or its month) or that lead.
    for table, (gone, new) in diff.items():
        for row in gone + new:
            text = " ".join(str(v) for v in row)
            assert LATE_DAY in text or f"{LATE_DAY[:7]}-01" in text or lead["lead_id"] in text, (table, row)

    # And the result is what a full refresh over the same data gives.
    assert changed(after, full_refresh_of(project_copy, built_warehouse, "raw_crm__follow_ups", tmp_path)) == {}


def test_a_late_lead_that_takes_a_visit_changes_the_invitation_it_arrived_for(
    project_copy: Project, built_warehouse: Project, tmp_path: Path
):
    """A visitor known by phone only visits for their latest lead created before the visit. A lead
    landing late between an invitation and the visit it arrived at takes the visit: the invitation of
    the earlier lead is no longer arrived, though nothing it is derived from landed. In a batch window
    the invitation is then dated in the window (keep_landing_time_of_unchanged_rows,
    macros/incremental.sql), so that the funnel re-derives its day; the lead, new and created long
    before the window, moves the AARRR table's historical leads on every day since. The result
    equals a full refresh."""
    start_from(built_warehouse, project_copy)
    # the visit on a later day than the invitation, and no other date of the lead on that day: only
    # the invitation itself can bring its day into the batch
    invitation, lead_id, visited_at = project_copy.query(
        "select i.invitation_id, i.lead_id, v.visited_at from dwd.dwd_fct_invitation as i "
        "inner join dwd.dwd_fct_lead as l on l.lead_id = i.lead_id "
        "inner join dwd.dwd_fct_store_visit as v on v.lead_id = i.lead_id and v.visited_at = i.arrived_at "
        "inner join ods.ods_showroom__store_visits as s on s.visit_id = v.visit_id and s.crm_lead_id is null "
        "where i.is_arrived and v.visited_date > i.invited_date "
        "and i.invited_date <> l.created_date and i.invited_date is distinct from l.card_created_date "
        "and (select count(*) from dwd.dwd_fct_store_visit as w where w.lead_id = i.lead_id) = 1 "
        "order by i.invited_at limit 1"
    )[0]
    before = rows_by_table(project_copy.database)
    path = project_copy.path / "seeds" / "crm" / "raw_crm__leads.csv"
    _, rows = read_seed(path)
    created = (visited_at - dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    late = [r for r in rows if r["lead_id"] == lead_id][0] | {
        "lead_id": "L_LATE_000001",
        "lead_status": "NEW",
        "card_created_at": "",
        "created_at": created,
        "updated_at": created,
        "_cdc_op": "I",
        "_loaded_at": later(newest_landing(project_copy.path / "seeds"), 1),
    }
    append_seed(path, [late])
    project_copy.dbt("seed", "--quiet", "--select", "raw_crm__leads")
    project_copy.dbt("run", "--quiet", "--select", "raw_crm__leads+", env=landing_window(late["_loaded_at"]))
    assert project_copy.query(
        f"select is_arrived from dwd.dwd_fct_invitation where invitation_id = '{invitation}'"
    ) == [(False,)], "the late lead did not take the visit: the test would prove nothing"
    after = rows_by_table(project_copy.database)
    assert changed(before, after), "the late lead changed nothing"

    assert changed(after, full_refresh_of(project_copy, built_warehouse, "raw_crm__leads", tmp_path)) == {}


def test_a_late_event_before_its_session_moves_the_session_to_the_day_before(
    project_copy: Project, built_warehouse: Project, tmp_path: Path
):
    """A session's day is its first event's. An event that lands late, from before midnight ahead of
    its session's start, moves the session to the day before: the day summaries must take the
    session off its old day (dwd_fct_app_session keeps it in _previous_session_date) and count it on
    the new one, as a full refresh over the same data does."""
    start_from(built_warehouse, project_copy)
    path = project_copy.path / "seeds" / "app" / "raw_app__events.csv"
    _, rows = read_seed(path)
    first = next(r for r in rows if r["_loaded_at"][:10] == RESENT_DAY and r["event_at"] and r["session_id"])
    session = first["session_id"]
    started = min(
        dt.datetime.fromisoformat(r["event_at"]).astimezone(ZoneInfo(settings.BUSINESS_TIME_ZONE))
        for r in rows
        if r["session_id"] == session and r["event_at"]
    )
    day_before = (started - dt.timedelta(days=1)).date()
    late = first | {
        "event_id": "E_LATE_000001",
        "event_type": "app_open",
        "section": "",
        "configurator_step": "",
        "event_at": f"{day_before}T23:55:00+08:00",
        "_loaded_at": later(newest_landing(project_copy.path / "seeds"), 1),
    }
    append_seed(path, [late])
    project_copy.dbt("seed", "--quiet", "--select", "raw_app__events")
    project_copy.dbt("run", "--quiet", "--select", "raw_app__events+")
    moved = project_copy.query(
        f"select session_date, _previous_session_date from dwd.dwd_fct_app_session where session_id = '{session}'"
    )
    assert moved == [(day_before, started.date())], moved
    after = rows_by_table(project_copy.database)

    assert changed(after, full_refresh_of(project_copy, built_warehouse, "raw_app__events", tmp_path)) == {}


def land_late(project: Project, seed: str, changes: dict[str, str]) -> None:
    """A row of the seed `seed` (raw_<system>__<entity>: its first row with `changes`) landing an hour
    after everything else, taken in as the batch window of its minute, as the arrival sensor would."""
    path = project.path / "seeds" / seed.split("_")[1] / f"{seed}.csv"
    _, rows = read_seed(path)
    landed = later(newest_landing(project.path / "seeds"), 1)
    append_seed(path, [rows[0] | changes | {"_loaded_at": landed}])
    project.dbt("seed", "--quiet", "--select", seed)
    project.dbt("run", "--quiet", "--select", f"{seed}+", env=landing_window(landed))


def test_a_late_test_drive_moves_the_conversion_of_its_leads_creation_day(
    project_copy: Project, built_warehouse: Project, tmp_path: Path
):
    """A test drive landing late, within 14 days of an old lead's creation, makes the lead test-driven
    within 14 days though the lead's own row stays as it was: in a batch window the lead's outcome is
    dated in the window, so that the lead-to-test-drive conversion re-derives the lead's creation day.
    The result equals a full refresh."""
    start_from(built_warehouse, project_copy)
    lead_id, store_id, advisor_id, created_at, created_date = project_copy.query(
        "select l.lead_id, l.store_id, l.advisor_id, l.created_at, l.created_date from dwd.dwd_fct_lead_outcome as o "
        "inner join dwd.dwd_fct_lead as l on l.lead_id = o.lead_id "
        "where not o.is_test_driven and l.advisor_id is not null order by l.created_at, l.lead_id limit 1"
    )[0]
    converted = (
        "select sum(test_drove_leads) from dws.dws_lead_conversion_daily "
        f"where created_date = '{created_date}' and store_id = '{store_id}'"
    )
    before = project_copy.query(converted)[0][0] or 0
    land_late(
        project_copy,
        "raw_crm__test_drives",
        {
            "test_drive_id": "T_LATE_000001",
            "lead_id": lead_id,
            "store_id": store_id,
            "advisor_id": advisor_id,
            "drive_started_at": (created_at + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert project_copy.query(
        f"select is_test_driven_within_14d from dwd.dwd_fct_lead_outcome where lead_id = '{lead_id}'"
    ) == [(True,)], "the late drive did not reach the lead's outcome: the test would prove nothing"
    assert project_copy.query(converted)[0][0] == before + 1
    after = rows_by_table(project_copy.database)
    assert changed(after, full_refresh_of(project_copy, built_warehouse, "raw_crm__test_drives", tmp_path)) == {}


def test_a_late_order_moves_the_test_drive_conversion_of_its_leads_drive_day(
    project_copy: Project, built_warehouse: Project, tmp_path: Path
):
    """An order landing late for a lead that test-drove two days before makes that test drive ordered
    within 30 days, though the test drive's own row stays as it was: in a batch window the
    test-drive-to-order conversion re-derives the days of the test drives of the lead the order
    belongs to. The result equals a full refresh."""
    start_from(built_warehouse, project_copy)
    lead_id, store_id, drive_started_at, drive_date = project_copy.query(
        "select t.lead_id, t.store_id, t.drive_started_at, t.drive_date from dwd.dwd_fct_test_drive as t "
        "where t.lead_id is not null "
        "and not exists (select 1 from dwd.dwd_fct_vehicle_order as o where o.lead_id = t.lead_id) "
        "and (select count(*) from dwd.dwd_fct_test_drive as u where u.lead_id = t.lead_id) = 1 "
        "order by t.drive_started_at, t.test_drive_id limit 1"
    )[0]
    ordered = (
        "select sum(ordered_test_drives) from dws.dws_test_drive_conversion_daily "
        f"where drive_date = '{drive_date}' and store_id = '{store_id}'"
    )
    before = project_copy.query(ordered)[0][0] or 0
    created = (drive_started_at + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    land_late(
        project_copy,
        "raw_oms__vehicle_orders",
        {
            "order_id": "SO_LATE_000001",
            "oms_customer_id": "OC_LATE_000001",
            "buyer_phone": "",
            "crm_lead_id": lead_id,
            "store_id": store_id,
            "order_status": "DEPOSIT",
            "created_at": created,
            "updated_at": created,
            "_cdc_op": "I",
        },
    )
    assert project_copy.query("select lead_id from dwd.dwd_fct_vehicle_order where order_id = 'SO_LATE_000001'") == [
        (lead_id,)
    ], "the late order did not reach its lead: the test would prove nothing"
    assert project_copy.query(ordered)[0][0] == before + 1
    after = rows_by_table(project_copy.database)
    assert changed(after, full_refresh_of(project_copy, built_warehouse, "raw_oms__vehicle_orders", tmp_path)) == {}
