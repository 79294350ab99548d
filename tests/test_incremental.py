"""Incremental models give exactly the tables of a full refresh.

The warehouse is first built on what had landed before a cut-off (var raw_loaded_before), then
moved forward one landing day at a time, then to everything (late rows included). Every ODS,
DWD, DWS and ADS table must then equal, row for row, a full refresh over the same data.
"""

from __future__ import annotations

import json

import duckdb

from conftest import ROOT, Project

DAYS = ["2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30", "2026-10-31"]
LAYERS = ("ods", "dwd", "dws", "ads")


def cutoff(day: str | None) -> list[str]:
    return ["--vars", json.dumps({"raw_loaded_before": day})]


def tables(db: str) -> list[tuple[str, str]]:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {LAYERS} order by 1, 2").fetchall()


def test_incremental_runs_equal_a_full_refresh(tmp_path):
    incremental = Project(ROOT, tmp_path / "inc" / "warehouse.duckdb")
    full = Project(ROOT, tmp_path / "full" / "warehouse.duckdb")
    incremental.database.parent.mkdir()
    full.database.parent.mkdir()

    incremental.dbt("seed", "--quiet")
    incremental.dbt("run", "--full-refresh", "--quiet", *cutoff(DAYS[0]))
    with duckdb.connect(str(incremental.database), read_only=True) as con:
        before = con.execute("select count(*) from ods.ods_app__events").fetchall()[0][0]
    for day in DAYS[1:] + [None]:
        incremental.dbt("run", "--quiet", *cutoff(day))

    full.dbt("seed", "--quiet")
    full.dbt("run", "--full-refresh", "--quiet")

    names = tables(str(full.database))
    assert names == tables(str(incremental.database))
    assert len(names) > 50
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental.database}' as inc (read_only)")
        con.execute(f"attach '{full.database}' as fr (read_only)")
        after = con.execute("select count(*) from inc.ods.ods_app__events").fetchall()[0][0]
        assert after > before, "the increments added no rows: the test would prove nothing"
        differences = {}
        for schema, name in names:
            a, b = f"inc.{schema}.{name}", f"fr.{schema}.{name}"
            only_inc = con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchall()[0][0]
            only_full = con.execute(f"select count(*) from (select * from {b} except all select * from {a})").fetchall()[0][0]
            if only_inc or only_full:
                differences[f"{schema}.{name}"] = (only_inc, only_full)
    assert differences == {}
