"""The dirt real source systems send, injected on purpose so that ODS has to clean it.

Every kind is listed in DIRT with what it looks like and where it goes; the tests check that
each one is present in the generated output, and the ODS/DWD tests check that it is cleaned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Dirt:
    name: str
    looks_like: str
    tables: tuple[str, ...]
    ods_handling: str


DIRT: tuple[Dirt, ...] = (
    Dirt(
        "exact_duplicates",
        "The same row delivered twice, byte for byte (about 1.5% of rows).",
        (
            "raw_crm__follow_ups",
            "raw_crm__test_drives",
            "raw_showroom__store_visits",
            "raw_app__events",
            "raw_aftersales__service_tickets",
        ),
        "deduplicated on the business key",
    ),
    Dirt(
        "cdc_resends",
        "A CDC version sent again hours or days later, after newer versions (about 3% of versions).",
        ("raw_crm__leads", "raw_oms__vehicle_orders", "raw_app__members"),
        "latest version per key by the source's updated_at wins, never the latest landed",
    ),
    Dirt(
        "late_arrivals",
        "Rows landing 1-10 days after the event (about 3% of rows): _loaded_at far after the event time.",
        (
            "raw_crm__leads",
            "raw_crm__follow_ups",
            "raw_showroom__store_visits",
            "raw_app__events",
            "raw_oms__vehicle_orders",
        ),
        "incremental models select by landing time, so late rows are picked up and merged by key",
    ),
    Dirt(
        "mixed_phone_formats",
        "One mobile number typed in seven ways: 13812345678, +86 138 1234 5678, 86-13812345678, "
        "138-1234-5678, 0086 13812345678, (+86)13812345678, ' 138 1234 5678 '; a few are truncated to 10 digits.",
        (
            "raw_crm__leads",
            "raw_oms__vehicle_orders",
            "raw_showroom__store_visits",
            "raw_app__members",
            "raw_app__referrals",
            "raw_aftersales__service_tickets",
        ),
        "normalised to 11 digits; an invalid number becomes null and is counted",
    ),
    Dirt(
        "enum_variants",
        "Known codes in other spellings: lower case, padded, legacy labels (about 2% of rows).",
        (
            "raw_crm__leads",
            "raw_oms__vehicle_orders",
            "raw_showroom__store_visits",
            "raw_crm__invitations",
            "raw_aftersales__service_tickets",
        ),
        "mapped to the canonical code",
    ),
    Dirt(
        "unknown_enum_codes",
        "Codes outside the documented set (about 0.5% of rows).",
        ("raw_crm__leads", "raw_showroom__store_visits", "raw_app__members", "raw_crm__follow_ups"),
        "kept and mapped to 'unknown', never dropped",
    ),
    Dirt(
        "optional_nulls",
        "Optional fields left empty: phones, advisors, series of interest, profile city.",
        (
            "raw_crm__leads",
            "raw_crm__follow_ups",
            "raw_showroom__store_visits",
            "raw_app__members",
            "raw_oms__vehicle_orders",
        ),
        "kept as null; dimensions fall back to an 'unknown' member",
    ),
    Dirt(
        "mixed_time_zones",
        "Local wall-clock time (Asia/Shanghai) in CRM, showroom and after-sales; UTC with Z in the "
        "order system and in every _loaded_at; ISO-8601 with +08:00 in the APP; some showroom devices and APP "
        "clients send UTC (Z) in the same column as local times.",
        ("raw_showroom__store_visits", "raw_app__events", "raw_app__members", "raw_crm__leads"),
        "every timestamp converted to Asia/Shanghai local time",
    ),
    Dirt(
        "unparseable_values",
        "A handful of rows with a value that cannot be parsed: 'N/A' prices, impossible dates, "
        "a missing required timestamp.",
        ("raw_oms__vehicle_orders", "raw_showroom__store_visits", "raw_app__events", "raw_aftersales__service_tickets"),
        "routed to the reject model ods_quality__rejected_rows with the column and the reason",
    ),
    Dirt(
        "cross_system_ids",
        "One person has a different id in CRM, orders, APP and after-sales, and sometimes two "
        "CRM customer ids for two leads.",
        ("raw_crm__leads", "raw_oms__vehicle_orders", "raw_app__members", "raw_aftersales__service_tickets"),
        "resolved by OneID on the normalised phone",
    ),
)

BY_NAME = {d.name: d for d in DIRT}

ENUM_VARIANTS = {
    ("raw_crm__leads", "source_channel"): {
        "APP": ["app", " App "],
        "NET_PHONE": ["net_phone", "网电"],
        "OUTREACH": ["outreach", "外拓"],
        "WALK_IN": ["walk-in", "WALKIN"],
    },
    ("raw_oms__vehicle_orders", "order_status"): {
        "INTENT": ["intent"],
        "DEPOSIT": ["deposit", "Deposit"],
        "LOCKED": ["locked"],
        "DELIVERED": ["delivered"],
    },
    ("raw_showroom__store_visits", "visit_purpose"): {"01": ["1", "PURCHASE"], "02": ["2", "AFTER_SALES"], "03": ["3"]},
    ("raw_crm__invitations", "invitation_type"): {"NET_PHONE": ["net_phone"], "OUTREACH": ["outreach"]},
    ("raw_aftersales__service_tickets", "ticket_type"): {"MAINT": ["maint", "MAINTENANCE"], "RESCUE": ["rescue"]},
}
UNKNOWN_CODES = {
    ("raw_crm__leads", "source_channel"): ["DOUYIN_LIVE", "X99"],
    ("raw_showroom__store_visits", "visit_purpose"): ["99"],
    ("raw_app__members", "member_tier"): ["vip_legacy"],
    ("raw_crm__follow_ups", "follow_up_channel"): ["dingtalk"],
}
UNPARSEABLE = {
    "raw_oms__vehicle_orders": ("vehicle_price", ["N/A", "待定"]),
    "raw_showroom__store_visits": ("visited_at", ["2025-02-30 10:00:00", "25:61"]),
    "raw_app__events": ("event_at", ["1970-00-00T00:00:00+08:00", "NaN"]),
    "raw_aftersales__service_tickets": ("created_at", [""]),
}
DUPLICATE_SHARE = 0.015
RESEND_SHARE = 0.03
LATE_SHARE = 0.03
VARIANT_SHARE = 0.02
UNKNOWN_SHARE = 0.005
UNPARSEABLE_SHARE = 0.0005


def format_phone(rng: np.random.Generator, phone: np.ndarray) -> np.ndarray:
    """Seven ways people type one number, and a few truncated to 10 digits."""
    p = np.asarray(phone, dtype=object)
    head = np.array([s[:3] for s in p], dtype=object)
    mid = np.array([s[3:7] for s in p], dtype=object)
    tail = np.array([s[7:] for s in p], dtype=object)
    style = rng.choice(8, len(p), p=[0.45, 0.12, 0.08, 0.1, 0.06, 0.06, 0.1, 0.03])
    return np.select(
        [style == 0, style == 1, style == 2, style == 3, style == 4, style == 5, style == 6],
        [
            p,
            "+86 " + head + " " + mid + " " + tail,
            "86-" + p,
            head + "-" + mid + "-" + tail,
            "0086 " + p,
            "(+86)" + p,
            " " + head + " " + mid + " " + tail + " ",
        ],
        default=np.array([s[:10] for s in p], dtype=object),
    )


def duplicate_rows(rng: np.random.Generator, df: pd.DataFrame) -> pd.DataFrame:
    pick = rng.random(len(df)) < DUPLICATE_SHARE
    return pd.concat([df, df[pick]], ignore_index=True)


def resend_versions(
    rng: np.random.Generator, df: pd.DataFrame, loaded_ns: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Copies of some versions landing again 2 hours to 5 days later."""
    pick = np.flatnonzero(rng.random(len(df)) < RESEND_SHARE)
    later = loaded_ns[pick] + rng.integers(2 * 3600, 5 * 86400, len(pick)) * np.timedelta64(1, "s")
    return pd.concat([df, df.iloc[pick]], ignore_index=True), np.concatenate([loaded_ns, later])


def vary_enums(rng: np.random.Generator, table: str, df: pd.DataFrame) -> None:
    for (t, col), variants in ENUM_VARIANTS.items():
        if t != table:
            continue
        values = df[col].to_numpy(dtype=object)
        for canon, alts in variants.items():
            idx = np.flatnonzero((values == canon) & (rng.random(len(values)) < VARIANT_SHARE))
            values[idx] = rng.choice(alts, len(idx))
        df[col] = values
    for (t, col), codes in UNKNOWN_CODES.items():
        if t != table:
            continue
        values = df[col].to_numpy(dtype=object)
        idx = np.flatnonzero(rng.random(len(values)) < UNKNOWN_SHARE)
        values[idx] = rng.choice(codes, len(idx))
        df[col] = values


def break_values(rng: np.random.Generator, table: str, df: pd.DataFrame) -> None:
    if table not in UNPARSEABLE:
        return
    col, bad = UNPARSEABLE[table]
    n = max(2, int(round(len(df) * UNPARSEABLE_SHARE)))
    idx = rng.choice(len(df), n, replace=False)
    values = df[col].to_numpy(dtype=object)
    values[idx] = rng.choice(bad, n)
    df[col] = values
