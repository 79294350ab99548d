"""The bench's landing zones: the generated one (data/raw/sf<SF>, reused between runs), the floor
of reading it, and the scratch zone a run builds on, which holds back one 15-minute slice of the
newest day so that the freshness step can land it as a new file."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

import contract
import settings
from contract.landing import landed_at_sql, read_landing

from . import measure

LANDED_AT = landed_at_sql()
SLICE_START = dt.time(12, 0)  # the slice held back: 12:00 to 12:15 of the newest day, business time
SLICE_MINUTES = 15


def generate(landing: Path, sf: float, days: int) -> tuple[str, str]:
    """The landing zone at the scale factor, generated if missing: (value, note) for the report."""
    done_marker = landing / "_complete"
    if done_marker.exists():
        return "(reused)", done_marker.read_text().strip()
    print("generating the landing zone", flush=True)
    gen = measure.run(
        [sys.executable, "-m", "datagen", "--scale", f"{sf:g}", "--days", str(days), "--out", str(landing)],
        cwd=settings.ROOT,
        env=dict(os.environ, PYTHONPATH=str(settings.ROOT)),
    )
    if gen.returncode != 0:
        raise SystemExit(f"datagen failed:\n{gen.output[-3000:]}")
    note = f"generated in {gen.seconds:.1f} s, peak {measure.gib(gen.peak_bytes)}"
    done_marker.write_text(note + "\n")
    return f"{gen.seconds:.1f} s", note


def read_floor(landing: Path) -> tuple[float, int]:
    """Seconds to read every column of every raw table once, and the rows read."""
    con = duckdb.connect()
    start, rows = time.perf_counter(), 0
    for t in contract.TABLES:
        aggs = ", ".join(f"max(length({c}))" for c in t.column_names)
        rows += con.execute(f"select count(*), {aggs} from {read_landing(landing, t)}").fetchall()[0][0]
    con.close()
    return time.perf_counter() - start, rows


def newest_day(landing: Path) -> dt.date:
    """The last business day of the data (the newest APP event day): the day the micro-batch lands."""
    sql = (
        f"select max(try_cast(substr(event_at, 1, 10) as date)) "
        f"from read_parquet('{landing}/raw_app__events/*/*.parquet')"
    )
    return duckdb.sql(sql).fetchall()[0][0]


def realtime_tables() -> list[str]:
    """The raw tables whose models carry the dbt tag `realtime` (target/manifest.json)."""
    nodes = json.loads((settings.ROOT / "target" / "manifest.json").read_text())["nodes"].values()
    return sorted(
        {
            f"raw_{n['name'][4:].removesuffix('_parsed')}"
            for n in nodes
            if n["resource_type"] == "model" and "realtime" in n["tags"]
        }
    )


def slice_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, SLICE_START)
    return start, start + dt.timedelta(minutes=SLICE_MINUTES)


@dataclass
class Scratch:
    """A run's landing zone: the generated files linked, the newest day's files of the real-time
    tables rewritten without the slice, which waits in `held_back` (same layout) to be landed."""

    root: Path
    held_back: Path

    def land_slice(self) -> list[Path]:
        """Write the held-back files into the zone (new files, as a source would send them)."""
        written = []
        for path in sorted(self.held_back.glob("*/*/*.parquet")):
            target = self.root / path.relative_to(self.held_back)
            shutil.copyfile(path, target)
            written.append(target)
        return written

    def slice_rows(self) -> int:
        files = list(self.held_back.glob("*/*/*.parquet"))
        if not files:
            return 0
        return duckdb.sql(f"select count(*) from read_parquet({[str(f) for f in files]!r})").fetchall()[0][0]


def scratch_landing(landing: Path, work: Path, day: dt.date, tables: list[str]) -> Scratch:
    """Link the generated zone into work/landing, holding back the slice of the newest day of each
    real-time table: its day folders that can hold slice rows are rewritten without them, and the
    slice's rows wait in work/held-back as one file per folder."""
    root, held_back = work / "landing", work / "held-back"
    for folder in (root, held_back):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    start, end = slice_window(day)
    in_slice = f"{LANDED_AT} >= timestamp '{start}' and {LANDED_AT} < timestamp '{end}'"
    # the UTC day folders the business window can fall in
    offset = settings.business_utc_offset()
    utc_days = {(start - offset).date().isoformat(), (end - offset).date().isoformat()}
    with duckdb.connect() as con:
        for table in sorted(p for p in landing.iterdir() if p.is_dir()):
            if table.name not in tables:
                (root / table.name).symlink_to(table)
                continue
            (root / table.name).mkdir()
            for folder in sorted(table.iterdir()):
                linked = root / table.name / folder.name
                if folder.name.split("=", 1)[-1] not in utc_days:
                    linked.symlink_to(folder)
                    continue
                linked.mkdir()
                files = f"read_parquet('{folder}/*.parquet')"
                con.execute(
                    f"copy (select * from {files} where not coalesce({in_slice}, false)) to '{linked}/data_0.parquet' (format parquet)"
                )
                held = held_back / table.name / folder.name
                held.mkdir(parents=True)
                con.execute(f"copy (select * from {files} where {in_slice}) to '{held}/slice.parquet' (format parquet)")
    return Scratch(root, held_back)


def landed_rows(landing: Path, day: dt.date, tables: list[str]) -> tuple[int, int]:
    """Rows landed on the business day, and all rows, over the tables the micro-batch reads."""
    new = total = 0
    for name in tables:
        sql = (
            f"select count(*) filter (where cast({LANDED_AT} as date) = ?), count(*) "
            f"from {read_landing(landing, contract.BY_NAME[name])}"
        )
        n, t = duckdb.execute(sql, [day]).fetchall()[0]
        new, total = new + n, total + t
    return new, total
