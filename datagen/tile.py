"""Scale factors above the simulated base: the base world is tiled into disjoint copies.

Simulating a whole year person by person at SF1 (2M leads, 60M APP events) does not fit in memory,
so `--scale` above BASE_SCALE simulates one base world at BASE_SCALE and writes `copies` disjoint
copies of it through DuckDB: every entity id gets a copy suffix (`-3`), and the digits 3, 4, 5, 7
and 9 of every phone are permuted per copy, so that OneID never joins people of two copies
(0, 1, 2, 6 and 8 stay: they make the +86 / 0086 prefixes and the 1x mobile prefix). Reference
data (cities, stores, advisors, models) is shared; sales targets and own-brand registrations
scale with the copies. Per-day distributions, dirt rates and funnel ratios are the base's;
volumes are exact multiples of it.
"""

from __future__ import annotations

import itertools
import shutil
import time
from pathlib import Path

import duckdb

import contract
import settings
from contract.landing import read_landing

BASE_SCALE = 0.1
SHARED = {"raw_ref__cities", "raw_ref__stores", "raw_ref__advisors", "raw_ref__vehicle_models"}
NOT_ENTITY_IDS = {"store_id", "advisor_id"}
PHONES = {"phone", "buyer_phone", "visitor_phone", "referee_phone", "owner_phone"}
PERMUTED_DIGITS = "34579"
PERMUTATIONS = ["".join(p) for p in itertools.permutations(PERMUTED_DIGITS)]  # 120; the first is the identity


def copies_for(scale: float) -> int:
    return max(1, round(scale / BASE_SCALE))


def column_sql(name: str) -> str:
    if name in PHONES:
        return f"translate({name}, '{PERMUTED_DIGITS}', perm) as {name}"
    if name == "vin" or (name.endswith("_id") and name not in NOT_ENTITY_IDS):
        return (
            f"case when copy = 0 or nullif(trim({name}), '') is null then {name} "
            f"else rtrim({name}) || '-' || copy end as {name}"
        )
    if name in ("target_units", "registrations"):
        scaled = f"cast(cast({name} as bigint) * {{copies}} as varchar)"
        if name == "registrations":
            scaled = f"case when upper(is_own_brand) in ('Y', 'TRUE', '1') then {scaled} else {name} end"
        return f"coalesce({scaled}, {name}) as {name}"
    return name


def tile(base: Path, out: Path, copies: int, log=print) -> dict[str, int]:
    """Write `copies` disjoint copies of every table under base into out; rows written per table."""
    out.mkdir(parents=True, exist_ok=True)
    rows = {}
    con = duckdb.connect()
    # DuckDB would take 80% of the machine by default; partitioned writes need no insertion order.
    con.execute(f"set memory_limit = '{settings.duckdb_memory_limit()}'")
    con.execute("set preserve_insertion_order = false")
    # Spill where the warehouse spills, not into a .tmp folder in the working directory.
    con.execute(f"set temp_directory = '{settings.duckdb_temp_dir()}'")
    con.execute(
        "create table copies as select range as copy, "
        f"list_extract({PERMUTATIONS!r}, cast(range % {len(PERMUTATIONS)} as integer) + 1) as perm "
        f"from range({copies})"
    )
    for t in contract.TABLES:
        start = time.perf_counter()
        src, dst = base / t.name, out / t.name
        if dst.exists():
            shutil.rmtree(dst)
        by_day = t.landed
        if t.name in SHARED:
            shutil.copytree(src, dst)
            rows[t.name] = con.execute(f"select count(*) from {read_landing(base, t)}").fetchall()[0][0]
            continue
        read = read_landing(base, t)
        cols = ", ".join(column_sql(c).format(copies=copies) for c in t.column_names)
        if by_day:
            con.execute(
                f"copy (select {cols}, load_date from {read}, copies) to '{dst}' "
                "(format parquet, partition_by (load_date))"
            )
        else:
            dst.mkdir(parents=True)
            con.execute(
                f"copy (select {cols} from {read}, (select * from copies where copy = 0)) "
                f"to '{dst / 'data.parquet'}' (format parquet)"
            )
        rows[t.name] = con.execute(f"select count(*) from {read_landing(out, t)}").fetchall()[0][0]
        log(f"  {t.name:<40} {rows[t.name]:>12,} rows  x{copies} in {time.perf_counter() - start:.1f}s")
    con.close()
    return rows
