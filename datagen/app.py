"""APP and community: members, behaviour events with retention decay, referrals, trade-ins, insurance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference
from . import timeline as tl
from .config import Config

EVENT_TYPES = np.array(
    [
        "article_read",
        "article_share",
        "poster_read",
        "poster_share",
        "model_page_click",
        "configurator_step",
        "post_create",
    ]
)
EVENT_P = np.array([0.34, 0.06, 0.18, 0.04, 0.20, 0.12, 0.06])
SECTION_OF = {
    "article_read": ["news", "circles"],
    "article_share": ["news", "circles"],
    "poster_read": ["news"],
    "poster_share": ["news"],
    "post_create": ["posts", "circles"],
}


def members(
    cfg: Config,
    rng: np.random.Generator,
    sales,
    person_province: np.ndarray,
    person_city: np.ndarray,
    n_fans: int,
    owners_delivered_at: pd.Series,
):
    """Members from prospects (APP leads always, others sometimes) and from fans who never enquire.

    Returns (members frame with CDC versions, member person ids, member registration times).
    """
    end = tl.end_ts(cfg)
    # A prospect registers on the APP around their first lead.
    first_created = pd.Series(sales.lead_created).groupby(sales.lead_person).min()
    lead_persons = first_created.index.to_numpy()
    p_member = np.full(len(lead_persons), 0.35)
    leads = sales.frames["raw_crm__leads"]
    app_person = np.unique(leads._person[leads.source_channel == "APP"])
    p_member[np.isin(lead_persons, app_person)] = 1.0
    is_member = rng.random(len(lead_persons)) < p_member
    lp = lead_persons[is_member]
    reg_lp = first_created.to_numpy()[is_member] - rng.integers(0, 30 * 86400, len(lp)) * tl.SECOND
    fans = sales.n_lead_persons + np.arange(n_fans)
    # Fans registered over the window and the year before it.
    fan_days = np.datetime64(cfg.start, "D") + rng.integers(-365, cfg.days, n_fans)
    reg_fans = tl.at_random_time(rng, fan_days)
    person = np.concatenate([lp, fans])
    registered = np.concatenate([reg_lp, reg_fans])
    order = np.argsort(registered, kind="stable")
    person, registered = person[order], registered[order]
    nm = len(person)
    member_ids = np.char.add("M", np.char.zfill((np.arange(nm) + 1).astype(str), 8))

    # Tier upgrades are CDC updates: owners become gold, engaged members silver, a few black.
    owner_at = owners_delivered_at.reindex(person).to_numpy()
    silver = rng.random(nm) < 0.25
    silver_at = tl.after(rng, registered, 20, 200)
    black = ~pd.isna(owner_at) & (rng.random(nm) < 0.1)
    versions = [
        (np.arange(nm), registered, "normal"),
        (np.flatnonzero(silver), silver_at[silver], "silver"),
    ]
    own = np.flatnonzero(~pd.isna(owner_at))
    versions.append((own, owner_at[own].astype("datetime64[s]") + 3600 * tl.SECOND, "gold"))
    bl = np.flatnonzero(black)
    versions.append((bl, owner_at[bl].astype("datetime64[s]") + 200 * tl.DAY, "black"))
    mv = pd.DataFrame(
        {
            "m": np.concatenate([v[0] for v in versions]),
            "updated_at": np.concatenate([v[1] for v in versions]),
            "member_tier": np.concatenate([np.full(len(v[0]), v[2], dtype=object) for v in versions]),
        }
    )
    start_ts = np.datetime64(cfg.start, "D").astype("datetime64[s]")
    # Members registered before the window arrive as one snapshot row at its start.
    mv["updated_at"] = mv.updated_at.where(mv.updated_at >= start_ts, start_ts)
    mv = mv[mv.updated_at < end].sort_values(["m", "updated_at"], kind="stable")
    rank = {"normal": 0, "silver": 1, "gold": 2, "black": 3}
    mv["r"] = mv.member_tier.map(rank)
    mv = mv[mv.r >= mv.groupby("m").r.cummax()].drop_duplicates(["m", "updated_at"], keep="last")
    mi = mv.m.to_numpy()
    frame = pd.DataFrame(
        {
            "member_id": member_ids[mi],
            "_person": person[mi],
            "member_tier": mv.member_tier.to_numpy(),
            "province_name": person_province[person[mi]],
            "city_name": person_city[person[mi]],
            "registered_at": registered[mi],
            "updated_at": mv.updated_at.to_numpy(),
        }
    )
    frame["_cdc_op"] = np.where(~pd.Series(mi).duplicated().to_numpy(), "I", "U")
    return frame, member_ids, person, registered


def events(cfg: Config, rng: np.random.Generator, member_ids: np.ndarray, registered: np.ndarray) -> pd.DataFrame:
    """App sessions and events. Activity decays after registration (D1/D7/D30 retention)."""
    end = tl.end_ts(cfg)
    start = np.datetime64(cfg.start, "D").astype("datetime64[s]")
    n_events = cfg.n_app_events
    n_sessions = int(n_events / 3.0)
    nm = len(member_ids)
    engagement = rng.lognormal(0, 1.0, nm)
    m = rng.choice(nm, n_sessions, p=engagement / engagement.sum())
    reg = np.maximum(registered[m], start)
    span = (end - reg).astype(np.int64)
    # Half of a member's sessions fall in the first weeks after registering, the rest anywhere later.
    early = rng.random(n_sessions) < 0.5
    offset = np.where(
        early, np.minimum(rng.exponential(8 * 86400, n_sessions), span - 1), rng.uniform(0, 1, n_sessions) * (span - 1)
    ).astype(np.int64)
    day = (reg + offset * tl.SECOND).astype("datetime64[D]")
    session_at = tl.at_random_time(rng, day)
    session_at = np.clip(session_at, reg, end - tl.SECOND)
    keep = (
        rng.random(n_sessions)
        < tl.demand_weights(cfg, growth=0.5)[
            np.clip((day - np.datetime64(cfg.start, "D")).astype(int), 0, cfg.days - 1)
        ]
        * cfg.days
    )
    m, session_at = m[keep], session_at[keep]
    order = np.argsort(session_at, kind="stable")
    m, session_at = m[order], session_at[order]
    ns = len(m)
    # One-event sessions are bounces.
    n_ev = np.where(rng.random(ns) < 0.35, 1, 2 + rng.geometric(0.3, ns))
    s = np.repeat(np.arange(ns), n_ev)
    k = np.arange(len(s)) - np.repeat(np.cumsum(n_ev) - n_ev, n_ev)
    dwell = np.maximum(1, rng.exponential(45, len(s))).astype(np.int64)
    elapsed = pd.Series(dwell).groupby(s).cumsum().to_numpy() - dwell
    etype = np.where(k == 0, "app_open", rng.choice(EVENT_TYPES, len(s), p=EVENT_P)).astype(object)
    section = np.full(len(s), None, dtype=object)
    for t, secs in SECTION_OF.items():
        idx = np.flatnonzero(etype == t)
        section[idx] = rng.choice(secs, len(idx))
    series_codes = np.array([x[0] for x in reference.SERIES])
    has_series = np.isin(etype, ["model_page_click", "configurator_step"])
    series = np.where(has_series, rng.choice(series_codes, len(s)), None)
    cfg_step = np.where(
        etype == "configurator_step",
        pd.Series((etype == "configurator_step").astype(int)).groupby(s).cumsum().clip(upper=6),
        np.nan,
    )
    ev_at = session_at[s] + elapsed * tl.SECOND
    frame = pd.DataFrame(
        {
            "event_id": np.char.add("E", np.char.zfill((np.arange(len(s)) + 1).astype(str), 10)),
            "member_id": member_ids[m][s],
            "session_id": np.char.add("S", np.char.zfill((s + 1).astype(str), 9)),
            "event_type": etype,
            "section": section,
            "series_code": series,
            "configurator_step": cfg_step,
            "dwell_seconds": dwell,
            "event_at": ev_at,
        }
    )
    return frame[frame.event_at < end].reset_index(drop=True)


def referrals(
    cfg: Config, rng: np.random.Generator, leads_first: pd.DataFrame, member_ids: np.ndarray, registered: np.ndarray
) -> pd.DataFrame:
    """A referral for each REFERRAL lead, made by a member registered before it."""
    ref = leads_first[leads_first.source_channel == "REFERRAL"]
    created = ref.created_at.to_numpy()
    referred_at = created - rng.integers(600, 3 * 86400, len(ref)) * tl.SECOND
    # The referrer: a random member already registered at that time.
    pos = np.searchsorted(registered, referred_at)
    referrer = (rng.random(len(ref)) * np.maximum(pos, 1)).astype(int)
    return pd.DataFrame(
        {
            "referral_id": np.char.add("R", np.char.zfill((np.arange(len(ref)) + 1).astype(str), 8)),
            "referrer_member_id": member_ids[referrer],
            "_person": ref._person.to_numpy(),
            "crm_lead_id": np.where(rng.random(len(ref)) < 0.8, ref.lead_id.to_numpy(), None),
            "referred_at": referred_at,
        }
    )


def occasional(
    cfg: Config,
    rng: np.random.Generator,
    member_ids: np.ndarray,
    registered: np.ndarray,
    rate_per_year: float,
    prefix: str,
    id_col: str,
    ts_col: str,
) -> pd.DataFrame:
    """Occasional member actions (trade-in claims, insurance consultations) at a yearly rate."""
    end = tl.end_ts(cfg)
    start = np.datetime64(cfg.start, "D").astype("datetime64[s]")
    n = rng.poisson(rate_per_year * len(member_ids) * cfg.years)
    m = rng.integers(0, len(member_ids), n)
    lo = np.maximum(registered[m], start)
    ts = lo + (rng.random(n) * (end - lo).astype(np.int64)).astype(np.int64) * tl.SECOND
    order = np.argsort(ts, kind="stable")
    return pd.DataFrame(
        {
            id_col: np.char.add(prefix, np.char.zfill((np.arange(n) + 1).astype(str), 8)),
            "member_id": member_ids[m][order],
            ts_col: ts[order],
        }
    )
