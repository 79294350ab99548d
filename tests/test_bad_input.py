"""Bad raw input stops the build with a message naming the table and column, or goes to the reject
model (a bad required value: the row) or the quarantine (a bad optional value: the value alone)
with its reason; either way nothing is lost, old rows as well as new, and nothing bad is published."""

from __future__ import annotations

import pandas as pd
from conftest import RECONCILIATION, Project, start_from

from contract.files import main as files_main

TABLE = "raw_crm__test_drives"
CSV = f"seeds/crm/{TABLE}.csv"


def edit_seed(project: Project, change, csv: str = CSV, encoding: str = "utf-8") -> pd.DataFrame:
    path = project.path / csv
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = change(df)
    df.to_csv(path, index=False, lineterminator="\n", encoding=encoding)
    return df


def test_a_missing_column_stops_the_build_naming_table_and_column(project_copy: Project):
    edit_seed(project_copy, lambda df: df.drop(columns="model_code"))
    project_copy.dbt("seed", "--select", TABLE)
    result = project_copy.dbt("run", "--select", "ods_crm__test_drives_parsed", check=False)
    assert result.returncode != 0
    assert f"Raw table {TABLE}" in result.output
    assert "missing column(s) model_code" in result.output


def test_bad_required_values_reject_the_row_and_bad_optional_ones_only_the_value(
    project_copy: Project, built_warehouse: Project
):
    def corrupt(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[10, "drive_started_at"] = "yesterday afternoon"
        df.loc[20, "duration_minutes"] = "forty"
        df.loc[30, "lead_id"] = ""
        df.loc[40, "drive_started_at"] = "2099-10-01 10:00:00"
        return df

    df = edit_seed(project_copy, corrupt)
    rejected_keys = {
        df.loc[10, "test_drive_id"]: "drive_started_at: cannot parse 'yesterday afternoon'",
        df.loc[30, "test_drive_id"]: "lead_id: missing",
        df.loc[40, "test_drive_id"]: "drive_started_at: '2099-10-01 10:00:00' is after its landing time",
    }
    start_from(built_warehouse, project_copy)  # every other seed is loaded there already
    project_copy.dbt("seed", "--select", TABLE)
    # The raw history itself changed: the incremental models take it in again from the start.
    project_copy.dbt("run", "--select", "ods", "--full-refresh")

    rejected = dict(
        project_copy.query(
            f"select raw_key, reject_reason from ods.ods_quality__rejected_rows where raw_table = '{TABLE}'"
        )
    )
    assert set(rejected) == set(rejected_keys)
    for key, reason in rejected_keys.items():
        assert reason in rejected[key]
    quarantined = dict(
        project_copy.query(
            f"select raw_key, quarantined from ods.ods_quality__quarantined_values where raw_table = '{TABLE}'"
        )
    )
    assert quarantined == {df.loc[20, "test_drive_id"]: "duration_minutes: cannot parse 'forty'; "}

    kept = dict(project_copy.query("select test_drive_id, duration_minutes from ods.ods_crm__test_drives"))
    assert not set(kept) & set(rejected_keys)
    assert set(kept) | set(rejected_keys) == set(df.test_drive_id), "a row was lost"
    assert kept[df.loc[20, "test_drive_id"]] is None, "the quarantined value reached ODS"
    # The data test that guards this holds on the corrupted input too.
    project_copy.dbt("test", "--select", RECONCILIATION)


def test_old_and_optional_bad_values_never_publish(project_copy: Project, built_warehouse: Project):
    """A negative price on an order landed long ago, a created_at in 2099, a dwell of 2^63-1 seconds, an
    intent fee of 1e30: each is stopped, whichever day it landed, and the rows stay where they may."""
    orders = "seeds/oms/raw_oms__vehicle_orders.csv"

    def corrupt_orders(df: pd.DataFrame) -> pd.DataFrame:
        oldest = df._loaded_at.sort_values().index
        df.loc[oldest[5], "vehicle_price"] = "-129900.00"  # one of the first orders ever landed
        df.loc[oldest[50], "created_at"] = "2099-10-01T02:00:00Z"
        df.loc[oldest[70], "intent_fee"] = "1e30"
        return df

    def corrupt_events(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[3, "dwell_seconds"] = "9223372036854775807"
        return df

    o = edit_seed(project_copy, corrupt_orders, orders)
    e = edit_seed(project_copy, corrupt_events, "seeds/app/raw_app__events.csv")
    start_from(built_warehouse, project_copy)
    project_copy.dbt("seed", "--select", "raw_oms__vehicle_orders", "raw_app__events")
    project_copy.dbt("build", "--exclude", "resource_type:seed", "test_type:unit", "--full-refresh")

    oldest = o._loaded_at.sort_values().index
    bad_price, future, fee = o.loc[oldest[5]], o.loc[oldest[50]], o.loc[oldest[70]]
    rejected = project_copy.query(
        "select raw_key, reject_reason from ods.ods_quality__rejected_rows where raw_table = 'raw_oms__vehicle_orders'"
    )
    assert (bad_price.order_id, "vehicle_price: '-129900.00' is below 50000; ") in rejected
    assert any(
        k == future.order_id and "created_at: '2099-10-01T02:00:00Z' is after its landing time" in r
        for k, r in rejected
    )
    assert project_copy.query("select min(vehicle_price) from dwd.dwd_fct_vehicle_order")[0][0] >= 50000
    assert project_copy.query("select max(created_at) from dwd.dwd_fct_vehicle_order")[0][0].year < 2099
    assert project_copy.query("select max(month_start) from ads.ads_sales_full_cycle_monthly")[0][0].year < 2099
    # The optional fee is quarantined; its order is kept.
    assert project_copy.query(
        "select intent_fee from ods.ods_oms__vehicle_orders where order_id = ? "
        "and valid_from = (select min(valid_from) from ods.ods_oms__vehicle_orders where order_id = ?) ".replace(
            "?", f"'{fee.order_id}'"
        )
    )
    assert project_copy.query(f"select count(*) from dwd.dwd_fct_vehicle_order where order_id = '{fee.order_id}'") == [
        (1,)
    ]
    # The dwell time is quarantined: the event stays, the average dwell stays sane.
    event = e.loc[3, "event_id"]
    assert project_copy.query(f"select dwell_seconds from ods.ods_app__events where event_id = '{event}'") == [(None,)]
    assert project_copy.query("select max(avg_dwell_seconds) from ads.ads_aarrr_overview_daily")[0][0] < 86400
    # Raw versions = ODS versions + rejected ones: nothing lost.
    raw_versions = {(r.order_id, r.updated_at) for r in o.itertuples()}
    ods = project_copy.query("select count(*) from ods.ods_oms__vehicle_orders")[0][0]
    assert len(raw_versions) == ods + len({k for k, _ in rejected})


def test_a_same_time_conflict_keeps_the_version_sent_last_and_records_the_other_with_its_row(
    project_copy: Project, built_warehouse: Project
):
    """Two different rows for one order version (same updated_at, same landing): the one the source
    sent last (the later row of the file) wins, as a change log is read, whichever comes first; the
    other is recorded as a lost conflict with its file and row, and counted with the rows set aside."""
    orders = "seeds/oms/raw_oms__vehicle_orders.csv"
    start_from(built_warehouse, project_copy)
    original = (project_copy.path / orders).read_text()
    base = pd.read_csv(project_copy.path / orders, dtype=str, keep_default_na=False)
    order_id = base.iloc[100].order_id
    twin_status = "CANCELLED" if base.iloc[100].order_status != "CANCELLED" else "LOCKED"
    for twin_last in (False, True):

        def conflict(df: pd.DataFrame, twin_last: bool = twin_last) -> pd.DataFrame:
            twin = df.iloc[[100]].copy()
            twin["order_status"] = twin_status
            rows = [df.iloc[:100], twin, df.iloc[100:]] if not twin_last else [df, twin]
            return pd.concat(rows, ignore_index=True)

        df = edit_seed(project_copy, conflict, orders)
        project_copy.dbt("seed", "--select", "raw_oms__vehicle_orders")
        project_copy.dbt(
            "run",
            "--select",
            "ods_oms__vehicle_orders_parsed",
            "ods_oms__vehicle_orders",
            "ods_quality__rejected_rows",
            "--full-refresh",
        )
        versions = df.index[(df.order_id == order_id) & (df.updated_at == base.iloc[100].updated_at)]
        first, last = versions.min(), versions.max()
        valid_from = project_copy.query(
            f"select order_status from ods.ods_oms__vehicle_orders where order_id = '{order_id}' "
            f"and _source_row = {last + 2}"
        )
        assert valid_from == [(df.loc[last, "order_status"].lower(),)], (twin_last, valid_from)
        lost = project_copy.query(
            "select reject_reason, source_file, source_row from ods.ods_quality__rejected_rows "
            f"where raw_key = '{order_id}'"
        )
        assert lost == [(lost[0][0], orders, first + 2)] and lost[0][0].startswith("conflict:"), lost
        (project_copy.path / orders).write_text(original)  # the next arrangement starts from the same rows
    project_copy.dbt("test", "--select", RECONCILIATION)


def test_a_row_that_breaks_a_rule_across_tables_is_set_aside_where_it_enters_and_the_rest_goes_on(
    project_copy: Project, built_warehouse: Project
):
    """A visit at a store the stores do not list, a handover dated before its order was created, a
    member registered after the newest landing (a source clock ahead) and that member's APP events:
    each is rejected at ODS with its reason, file and row, and the build goes on: ODS and DWD with
    every data test, the DWD relationship tests included, pass."""

    def unknown_store(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[40, "store_id"] = "ST9999"
        return df

    def early_delivery(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[7, "delivered_at"] = "2024-01-01 10:00:00"
        return df

    events = pd.read_csv(project_copy.path / "seeds/app/raw_app__events.csv", dtype=str, keep_default_na=False)
    member = events.member_id.value_counts().index[-1]  # a member with few events

    def skewed_member(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[df.member_id == member, "registered_at"] = "2099-01-01 10:00:00"  # every version of it
        return df

    visits = edit_seed(project_copy, unknown_store, "seeds/showroom/raw_showroom__store_visits.csv")
    deliveries = edit_seed(project_copy, early_delivery, "seeds/oms/raw_oms__deliveries.csv")
    edit_seed(project_copy, skewed_member, "seeds/app/raw_app__members.csv")
    start_from(built_warehouse, project_copy)
    visits_before = project_copy.query("select count(*) from dwd.dwd_fct_store_visit")[0][0]
    project_copy.dbt("seed", "--select", "raw_showroom__store_visits", "raw_oms__deliveries", "raw_app__members")
    # ODS and DWD with every data test: the DWD relationship tests are where these rows used to stop
    # the warehouse (DWS and ADS read only DWD).
    project_copy.dbt(
        "build",
        "--select",
        "ods",
        "dwd",
        "--indirect-selection",
        "cautious",
        "--exclude",
        "test_type:unit",
        "--full-refresh",
    )

    rejected = {
        (t, k): (reason, file, row)
        for t, k, reason, file, row in project_copy.query(
            "select raw_table, raw_key, reject_reason, source_file, source_row from ods.ods_quality__rejected_rows"
        )
    }
    visit = visits.loc[40, "visit_id"]
    assert rejected[("raw_showroom__store_visits", visit)] == (
        "store_id: 'ST9999' is not in raw_ref__stores; ",
        "seeds/showroom/raw_showroom__store_visits.csv",
        42,
    )
    delivery = deliveries.loc[7, "delivery_id"]
    reason, file, row = rejected[("raw_oms__deliveries", delivery)]
    assert reason == "delivered_at: '2024-01-01 10:00:00' is before created_at of its raw_oms__vehicle_orders row; "
    assert (file, row) == ("seeds/oms/raw_oms__deliveries.csv", 9)
    assert "registered_at: '2099-01-01 10:00:00' is after its landing time" in rejected[("raw_app__members", member)][0]
    member_events = set(events.event_id[events.member_id == member])
    assert member_events and all(
        rejected[("raw_app__events", e)][0] == f"member_id: '{member}' was rejected in raw_app__members; "
        for e in member_events
    )
    # Nothing of them is published; everything else is.
    assert project_copy.query(f"select count(*) from dwd.dwd_fct_store_visit where visit_id = '{visit}'") == [(0,)]
    assert project_copy.query(f"select count(*) from dwd.dwd_fct_delivery where delivery_id = '{delivery}'") == [(0,)]
    assert project_copy.query(f"select count(*) from dwd.dwd_fct_app_event where member_id = '{member}'") == [(0,)]
    assert project_copy.query("select count(*) from dwd.dwd_fct_store_visit") == [(visits_before - 1,)]


def test_events_without_a_key_are_rejected_and_every_other_event_kept(project_copy: Project, built_warehouse: Project):
    """Two events without an id: their key repeats as a null, which must not knock out the events
    whose keys landed once (the full refresh counts repeated keys before it deduplicates)."""

    def blank_ids(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[[5, 6], "event_id"] = ""
        return df

    df = edit_seed(project_copy, blank_ids, csv="seeds/app/raw_app__events.csv")
    start_from(built_warehouse, project_copy)
    project_copy.dbt("seed", "--select", "raw_app__events")
    project_copy.dbt(
        "run", "--select", "ods_app__events_parsed", "ods_app__events", "ods_quality__rejected_rows", "--full-refresh"
    )

    kept = {r[0] for r in project_copy.query("select event_id from ods.ods_app__events")}
    rejected = project_copy.query(
        "select raw_key, reject_reason from ods.ods_quality__rejected_rows where raw_table = 'raw_app__events'"
    )
    # One reject row per blank row, found by its file and row: the key is blank.
    blank = project_copy.query(
        "select raw_key, source_file, source_row from ods.ods_quality__rejected_rows "
        "where raw_table = 'raw_app__events' and reject_reason like 'event_id: missing%' order by source_row"
    )
    assert blank == [("", "seeds/app/raw_app__events.csv", 7), ("", "seeds/app/raw_app__events.csv", 8)]
    assert kept | {key for key, _ in rejected if key} == set(df.event_id) - {""}
    assert len(kept) > 0.9 * df.event_id.nunique()


def test_a_quoted_multi_line_field_far_down_a_file_loads_intact(project_copy: Project, built_warehouse: Project):
    """RFC 4180 quoting (a comma, doubled quotes and a line break in one field) on the last of 26k
    rows, past the rows a sniffing CSV reader samples to decide that the file has no quote character;
    in a file saved as Excel's "CSV UTF-8", which starts with a byte-order mark."""
    note = '客户说 "下周再约", 已加微信\n(第二次跟进)'
    follow_ups = "seeds/crm/raw_crm__follow_ups.csv"

    def annotate(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[len(df) - 1, "follow_up_result"] = note
        return df

    df = edit_seed(project_copy, annotate, follow_ups, encoding="utf-8-sig")
    assert (project_copy.path / follow_ups).read_bytes().startswith(b"\xef\xbb\xbf")
    assert files_main([str(project_copy.path / "seeds")]) == 0
    assert len(df) > 20_480  # DuckDB's sniffer samples 20,480 rows
    start_from(built_warehouse, project_copy)
    project_copy.dbt("seed", "--select", "raw_crm__follow_ups")
    project_copy.dbt("run", "--select", "ods_crm__follow_ups_parsed", "ods_crm__follow_ups", "--full-refresh")
    key = df.loc[len(df) - 1, "follow_up_id"]
    assert project_copy.query(f"select follow_up_result from ods.ods_crm__follow_ups where follow_up_id = '{key}'") == [
        (note,)
    ]
    assert project_copy.query("select count(distinct follow_up_id) from ods.ods_crm__follow_ups") == [
        (df.follow_up_id.nunique(),)
    ]


def test_a_re_sent_day_does_not_record_its_bad_rows_a_second_time(project_copy: Project, built_warehouse: Project):
    """The source sends a day again (the same rows, landed a day later): a bad row in it is recorded
    once, where it first landed, by the full build and by the incremental run that takes in the
    re-sent day alike; a different bad row with the same key is a second record."""
    visits = "seeds/showroom/raw_showroom__store_visits.csv"
    bad = {}

    def resend(df: pd.DataFrame) -> pd.DataFrame:
        df = df.sort_values("_loaded_at", kind="stable").reset_index(drop=True)
        df.loc[5, "visited_at"] = "31/10/2026 19:16:28"
        df.loc[6, "visited_at"] = "yesterday"
        bad.update(first=df.loc[5, "_loaded_at"], keys={df.loc[5, "visit_id"], df.loc[6, "visit_id"]})
        again = df.loc[[5, 6]].copy()
        later = (pd.Timestamp(df._loaded_at.max().replace("Z", "")) + pd.Timedelta(days=1)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        again["_loaded_at"] = later
        again.loc[6, "visited_at"] = "the day before"  # the row itself changed: a new bad row
        bad["resent"] = later
        return pd.concat([df, again], ignore_index=True)

    edit_seed(project_copy, resend, visits)
    start_from(built_warehouse, project_copy)
    project_copy.dbt("seed", "--select", "raw_showroom__store_visits")
    ods = ["ods_showroom__store_visits_parsed", "ods_showroom__store_visits", "ods_quality__rejected_rows"]
    records = (
        "select raw_key, reject_reason, source_row from ods.ods_quality__rejected_rows "
        f"where raw_table = 'raw_showroom__store_visits' and raw_key in {tuple(sorted(bad['keys']))} order by 3"
    )
    project_copy.dbt("run", "--select", *ods, "--full-refresh")
    full = project_copy.query(records)
    # The first landing of the day, then the re-sent day as the next incremental run.
    resent_from = pd.Timestamp(bad["resent"].replace("Z", "")) + pd.Timedelta(hours=8)
    project_copy.dbt(
        "run", "--select", *ods, "--full-refresh", env={"NEV_RAW_LOADED_BEFORE": f"{resent_from:%Y-%m-%d %H:%M:%S}"}
    )
    project_copy.dbt("run", "--select", *ods)
    incremental = project_copy.query(records)
    assert full == incremental
    reasons = [reason for _, reason, _ in full]
    assert len(full) == 3, full  # the unchanged row once, the changed one twice
    assert reasons.count("visited_at: cannot parse '31/10/2026 19:16:28'; ") == 1
