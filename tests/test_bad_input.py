"""Bad raw input stops the build with a message naming the table and column, or goes to the
reject model with its reason; either way nothing is lost."""

from __future__ import annotations

import pandas as pd

from conftest import Project, start_from

TABLE = "raw_crm__test_drives"
CSV = f"seeds/crm/{TABLE}.csv"


def edit_seed(project: Project, change, csv: str = CSV) -> pd.DataFrame:
    path = project.path / csv
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = change(df)
    df.to_csv(path, index=False, lineterminator="\n")
    return df


def test_a_missing_column_stops_the_build_naming_table_and_column(project_copy: Project):
    edit_seed(project_copy, lambda df: df.drop(columns="model_code"))
    project_copy.dbt("seed", "--select", TABLE)
    result = project_copy.dbt("run", "--select", "ods_crm__test_drives", check=False)
    assert result.returncode != 0
    assert f"Raw table {TABLE}" in result.output
    assert "missing column(s) model_code" in result.output


def test_an_unparseable_value_goes_to_the_reject_model_and_nothing_is_lost(project_copy: Project,
                                                                          built_warehouse: Project):
    def corrupt(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[10, "drive_started_at"] = "yesterday afternoon"
        df.loc[20, "duration_minutes"] = "forty"
        df.loc[30, "lead_id"] = ""
        return df

    df = edit_seed(project_copy, corrupt)
    bad = {df.loc[10, "test_drive_id"]: "drive_started_at: cannot parse 'yesterday afternoon'",
           df.loc[20, "test_drive_id"]: "duration_minutes: cannot parse 'forty'",
           df.loc[30, "test_drive_id"]: "lead_id: missing"}
    start_from(built_warehouse, project_copy)  # every other seed is loaded there already
    project_copy.dbt("seed", "--select", TABLE)
    project_copy.dbt("run", "--select", "ods")

    rejected = dict(project_copy.query(
        f"select raw_key, reject_reason from ods.ods_quality__rejected_rows where raw_table = '{TABLE}'"))
    assert set(rejected) == set(bad)
    for key, reason in bad.items():
        assert reason in rejected[key]

    kept = {r[0] for r in project_copy.query("select test_drive_id from ods.ods_crm__test_drives")}
    assert not kept & set(bad)
    assert kept | set(bad) == set(df.test_drive_id)

    # The data test that guards this holds on the corrupted input too.
    project_copy.dbt("test", "--select", "assert_every_raw_row_reaches_ods_or_rejects")


def test_events_without_a_key_are_rejected_and_every_other_event_kept(project_copy: Project,
                                                                     built_warehouse: Project):
    """Two events without an id: their key repeats as a null, which must not knock out the events
    whose keys landed once (the full refresh finds repeated keys from the raw column)."""
    def blank_ids(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[[5, 6], "event_id"] = ""
        return df

    df = edit_seed(project_copy, blank_ids, csv="seeds/app/raw_app__events.csv")
    start_from(built_warehouse, project_copy)
    project_copy.dbt("seed", "--select", "raw_app__events")
    project_copy.dbt("run", "--select", "ods_app__events", "ods_quality__rejected_rows", "--full-refresh")

    kept = {r[0] for r in project_copy.query("select event_id from ods.ods_app__events")}
    rejected = project_copy.query(
        "select raw_key, reject_reason from ods.ods_quality__rejected_rows where raw_table = 'raw_app__events'")
    assert sum("event_id: missing" in reason for _, reason in rejected) == 2
    assert kept | {key for key, _ in rejected if key} == set(df.event_id) - {""}
    assert len(kept) > 0.9 * df.event_id.nunique()
