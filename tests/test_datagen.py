"""The generator is deterministic, the committed seeds are its output, and the dirt it documents is there."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import ROOT

import contract
from datagen import dirt, writer
from datagen.config import Config
from datagen.tables import generate

SEEDS = ROOT / "seeds"
TINY = Config(scale=0.0005, days=120, event_sample=0.05)


def digest(cfg: Config) -> dict[str, str]:
    return {t.name: hashlib.sha256(df.to_csv(index=False).encode()).hexdigest() for t, df in generate(cfg)}


def test_same_seed_gives_the_same_bytes():
    assert digest(TINY) == digest(TINY)


def test_another_seed_gives_other_data():
    other = Config(scale=TINY.scale, days=TINY.days, event_sample=TINY.event_sample, seed=TINY.seed + 1)
    a, b = digest(TINY), digest(other)
    changed = [name for name in a if a[name] != b[name]]
    # Reference data is fixed; everything simulated must change.
    assert set(changed) >= {"raw_crm__leads", "raw_app__events", "raw_oms__vehicle_orders"}


def test_committed_seeds_are_the_generator_output(tmp_path: Path):
    for table, df in generate(Config()):
        fresh = writer.write_csv(table, df, tmp_path)
        committed = SEEDS / table.system / f"{table.name}.csv"
        assert committed.read_bytes() == fresh.read_bytes(), f"{committed} is stale: run `make generate`"


def test_every_raw_table_has_the_contract_columns():
    for t in contract.TABLES:
        header = (SEEDS / t.system / f"{t.name}.csv").read_text().splitlines()[0].split(",")
        assert header == t.column_names, t.name


# ----------------------------------------------------------------------------- dirt detectors
def raw(name: str) -> pd.DataFrame:
    t = contract.BY_NAME[name]
    return pd.read_csv(SEEDS / t.system / f"{name}.csv", dtype=str, keep_default_na=False)


def to_utc(values: pd.Series) -> pd.Series:
    """Source timestamps to UTC: naive ones are Asia/Shanghai wall clock."""

    def one(v: str):
        try:
            if v.endswith("Z") or re.search(r"[+-]\d\d:\d\d$", v):
                return pd.Timestamp(v).tz_convert("UTC")
            return pd.Timestamp(v).tz_localize("Asia/Shanghai").tz_convert("UTC")
        except ValueError:  # the unparseable values dirt
            return pd.NaT

    return pd.to_datetime(values.map(one), utc=True)


def detect_exact_duplicates(name):
    df = raw(name)
    return df.duplicated().sum()


def detect_cdc_resends(name):
    versions = raw(name).drop(columns="_loaded_at")
    return versions.duplicated().sum()


def detect_late_arrivals(name):
    t = contract.BY_NAME[name]
    df = raw(name)
    ok = df[t.event_time].str.match(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")
    lag = to_utc(df._loaded_at[ok]) - to_utc(df[t.event_time][ok])
    return (lag > pd.Timedelta(days=1)).sum()


PHONE_SHAPES = {
    "plain": r"^1\d{10}$",
    "+86 spaced": r"^\+86 \d{3} \d{4} \d{4}$",
    "86-": r"^86-1\d{10}$",
    "dashed": r"^\d{3}-\d{4}-\d{4}$",
    "0086": r"^0086 1\d{10}$",
    "(+86)": r"^\(\+86\)1\d{10}$",
    "padded": r"^ \d{3} \d{4} \d{4} $",
    "truncated": r"^1\d{9}$",
}


def detect_mixed_phone_formats(name):
    from datagen.tables import PHONE_COLUMN

    values = raw(name)[PHONE_COLUMN[name]]
    return sum(values.str.match(p).any() for p in PHONE_SHAPES.values())


def detect_enum_variants(name):
    found = 0
    for (t, col), variants in dirt.ENUM_VARIANTS.items():
        if t == name:
            spellings = {s for alts in variants.values() for s in alts}
            found += raw(name)[col].isin(spellings).sum()
    return found


def detect_unknown_enum_codes(name):
    return sum(raw(name)[col].isin(codes).sum() for (t, col), codes in dirt.UNKNOWN_CODES.items() if t == name)


def detect_optional_nulls(name):
    t = contract.BY_NAME[name]
    df = raw(name)
    return sum((df[c.name] == "").sum() for c in t.columns if not c.required)


def detect_mixed_time_zones(name):
    """Shapes of timestamp text in one table: local wall clock, UTC with Z, ISO with +08:00."""
    df = raw(name)
    values = pd.concat([df[c.name] for c in contract.BY_NAME[name].columns if c.type == "timestamp"])
    shapes = [
        values.str.endswith("Z").any(),
        values.str.contains(r"\+08:00$").any(),
        values.str.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$").any(),
    ]
    return int(sum(shapes) >= 2)


def detect_unparseable_values(name):
    col, bad = dirt.UNPARSEABLE[name]
    values = raw(name)[col]
    return values.isin([b for b in bad if b]).sum() + ((values == "").sum() if "" in bad else 0)


def detect_cross_system_ids(name):
    """Persons known under several ids: the same normalised phone under two ids of one system,
    or under ids of two systems (the id prefixes differ by system)."""
    from datagen.tables import PERSON_ID_COLUMN, PHONE_COLUMN

    df = raw(name)
    col = PERSON_ID_COLUMN.get(name, ("member_id",))[0]
    phones = df[PHONE_COLUMN[name]].str.replace(r"\D", "", regex=True).str[-11:]
    ids = df.assign(p=phones)[phones.str.len() == 11].groupby("p")[col].nunique()
    return len(ids)


DETECTORS = {
    "exact_duplicates": detect_exact_duplicates,
    "cdc_resends": detect_cdc_resends,
    "late_arrivals": detect_late_arrivals,
    "mixed_phone_formats": detect_mixed_phone_formats,
    "enum_variants": detect_enum_variants,
    "unknown_enum_codes": detect_unknown_enum_codes,
    "optional_nulls": detect_optional_nulls,
    "mixed_time_zones": detect_mixed_time_zones,
    "unparseable_values": detect_unparseable_values,
    "cross_system_ids": detect_cross_system_ids,
}


def test_every_documented_dirt_has_a_detector():
    assert {d.name for d in dirt.DIRT} == set(DETECTORS)


@pytest.mark.parametrize("kind,table", [(d.name, t) for d in dirt.DIRT for t in d.tables])
def test_documented_dirt_is_in_the_seeds(kind, table):
    assert DETECTORS[kind](table) > 0, f"{kind} documented for {table} but not found there"


def test_the_same_person_has_different_ids_across_systems():
    def by_phone(name, id_col, phone_col):
        df = raw(name)
        p = df[phone_col].str.replace(r"\D", "", regex=True).str[-11:]
        return df.assign(p=p)[p.str.len() == 11].drop_duplicates("p").set_index("p")[id_col]

    crm = by_phone("raw_crm__leads", "crm_customer_id", "phone")
    app = by_phone("raw_app__members", "member_id", "phone")
    oms = by_phone("raw_oms__vehicle_orders", "oms_customer_id", "buyer_phone")
    both = crm.index.intersection(app.index).intersection(oms.index)
    assert len(both) > 50
    assert (crm[both] != app[both]).all() and (crm[both] != oms[both]).all()
    # A returning prospect sometimes gets a second CRM customer id for the same phone.
    leads = raw("raw_crm__leads")
    p = leads.phone.str.replace(r"\D", "", regex=True).str[-11:]
    assert (leads.assign(p=p)[p.str.len() == 11].groupby("p").crm_customer_id.nunique() > 1).any()


def test_parquet_output_is_partitioned_by_landing_day(tmp_path: Path):
    for table, df in generate(TINY):
        if table.name == "raw_showroom__store_visits":
            path = writer.write_parquet(table, df, tmp_path)
            days = sorted(p.name for p in path.iterdir())
            assert days[0].startswith("load_date=") and len(days) > 100
            n = duckdb.sql(f"select count(*) from read_parquet('{path}/*/*.parquet')").fetchall()[0][0]
            assert n == len(df)
            break


def test_a_window_too_short_for_the_sales_cycle_is_refused_with_the_reason(tmp_path, capsys):
    from datagen.__main__ import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--scale", "0.002", "--days", "30", "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "--days 30: at least 60" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
