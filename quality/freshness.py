"""How new the data is, judged against the clock: the rule the freshness checks (orchestration)
and the boards' age line (products) share.

Each ADS model declares, in its dbt meta, the column its data time is in, the grain, and how long
after a day ends that day's data is due (`freshness: {data_time: activity_date, grain: day,
due_hours: 32}`):

- day grain: the newest day must be the last day that ended at least `due_hours` ago, or later;
- month grain (month-to-date rows): the newest month must hold that day. How far behind a month is
  counts days of data: a month's rows cover it through its last day, so October's table is four
  days behind on 5 November, not a month.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataTime:
    relation: str  # schema.table
    column: str
    grain: str  # day or month
    due_hours: int

    def due_day(self, now: dt.datetime) -> dt.date:
        """The newest day whose data is due at `now`."""
        return (now - dt.timedelta(hours=self.due_hours)).date() - dt.timedelta(days=1)

    def last_day(self, newest: dt.date) -> dt.date:
        """The last day the newest period can hold: the day itself, or its month's last day."""
        if self.grain == "month":
            following = (newest.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return following - dt.timedelta(days=1)
        return newest

    def verdict(self, newest: dt.date | None, now: dt.datetime) -> tuple[bool, str]:
        due = self.due_day(now)
        if self.grain == "month":
            passed = newest is not None and newest >= due.replace(day=1)
            wanted = f"the month of {due} ({due:%Y-%m})"
        else:
            passed = newest is not None and newest >= due
            wanted = str(due)
        if newest is None:
            return False, f"{self.relation}: no rows; data through {wanted} was due by {now:%Y-%m-%d %H:%M}"
        if passed:
            return True, f"{self.relation}: newest {self.column} {newest}, due {wanted}"
        behind = (due - self.last_day(newest)).days
        return False, (
            f"{self.relation}: newest {self.column} {newest} is {behind} day(s) behind: data through {wanted} was "
            f"due by {now:%Y-%m-%d %H:%M} ({self.due_hours} h after a day ends); have the sources stopped landing?"
        )


def data_times(manifest_path: Path) -> list[DataTime]:
    """Every model that declares `meta.freshness` (the ADS tables), from dbt's manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    out = []
    for node in manifest["nodes"].values():
        spec = node.get("config", {}).get("meta", {}).get("freshness")
        if node["resource_type"] == "model" and spec:
            out.append(
                DataTime(f"{node['schema']}.{node['name']}", spec["data_time"], spec["grain"], int(spec["due_hours"]))
            )
    return sorted(out, key=lambda d: d.relation)


def newest_data(database: Path, tables: list[DataTime]) -> dict[str, dt.date | None]:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        return {t.relation: con.execute(f"select max({t.column}) from {t.relation}").fetchall()[0][0] for t in tables}
