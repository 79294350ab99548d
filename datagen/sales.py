"""The sales full cycle: lead -> card -> invitation -> visit -> test drive -> order -> delivery.

Everything is simulated per lead with vectorised draws. Conversion depends on the lead source,
the region and the advisor's skill, so that the funnel differs between dealers and advisors.
Timestamps are local (Asia/Shanghai) datetime64[s]; formatting per source system happens later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import reference
from . import timeline as tl
from .config import Config

SOURCES = np.array(["APP", "WEB", "NET_PHONE", "OUTREACH", "REFERRAL", "WALK_IN", "AUTO_MEDIA", "EVENT"])
SOURCE_P = np.array([0.22, 0.10, 0.16, 0.14, 0.06, 0.14, 0.13, 0.05])
CARD_P = {
    "APP": 0.45,
    "WEB": 0.40,
    "NET_PHONE": 0.55,
    "OUTREACH": 0.50,
    "REFERRAL": 0.70,
    "WALK_IN": 0.92,
    "AUTO_MEDIA": 0.35,
    "EVENT": 0.60,
}
ONLINE_INVITE_SOURCES = {"APP", "WEB", "NET_PHONE", "AUTO_MEDIA"}
LEAD_DUPLICATE_SHARE = 0.13  # share of leads that belong to a person who already has one


@dataclass
class SalesWorld:
    frames: dict[str, pd.DataFrame]
    lead_person: np.ndarray
    lead_created: np.ndarray
    n_lead_persons: int
    orders: pd.DataFrame  # one row per order with stage timestamps (clean, not raw)


def _vec(d: dict, keys: np.ndarray) -> np.ndarray:
    return np.vectorize(d.get, otypes=[float])(keys)


@dataclass
class Funnel:
    """Each lead's draws, one array per attribute indexed by lead: where it came from and what became
    of it (card, invitation, visit, test drive, order, status changes). The frames are built from it."""

    advisor_idx: np.ndarray
    appointment_day: np.ndarray
    card_at: np.ndarray
    card_on_visit: np.ndarray
    carded: np.ndarray
    created: np.ndarray
    defeat_at: np.ndarray
    defeated: np.ndarray
    dormant: np.ndarray
    dormant_at: np.ndarray
    end: np.datetime64
    first_fu: np.ndarray
    invited: np.ndarray
    invited_at: np.ndarray
    lead_ids: np.ndarray
    n: int
    n_persons: int
    online_inv: np.ndarray
    order_at: np.ndarray
    ordered: np.ndarray
    outreach_inv: np.ndarray
    person: np.ndarray
    react_at: np.ndarray
    reactivated: np.ndarray
    return_at: np.ndarray
    returns: np.ndarray
    series: np.ndarray
    source: np.ndarray
    store_idx: np.ndarray
    td_at: np.ndarray
    test_drive: np.ndarray
    visit_at: np.ndarray
    visits: np.ndarray


@dataclass
class Orders:
    """The orders drawn for the leads that ordered, with their stage times, and the raw order versions."""

    frame: pd.DataFrame
    deliver_at: np.ndarray
    delivered: np.ndarray
    deposit_at: np.ndarray
    firmed: np.ndarray
    lead_model: np.ndarray
    lock_at: np.ndarray
    locked: np.ndarray
    o: np.ndarray
    o_created: np.ndarray
    order_ids: np.ndarray


def simulate(
    cfg: Config, rng: np.random.Generator, stores: pd.DataFrame, advisors: pd.DataFrame, models: pd.DataFrame
) -> SalesWorld:
    """The sales source systems' tables. The draws happen in a fixed order (the functions below, in
    turn, on one generator), so that a seed gives the same world."""
    w = _draw_leads(cfg, rng, stores, advisors)
    leads = _lead_versions(w, stores, advisors)
    follow_ups = _follow_ups(w, rng, advisors)
    invitations = _invitations(w, stores, advisors)
    test_drives, lead_model = _test_drives(w, rng, stores, advisors, models)
    orders = _orders(w, rng, stores, advisors, models, lead_model)
    deliveries, milestones = _deliveries_and_milestones(w, orders, rng, stores)
    store_visits, orders_clean = _store_visits(cfg, w, orders, rng, stores)
    return SalesWorld(
        frames={
            "raw_crm__leads": leads,
            "raw_crm__follow_ups": follow_ups,
            "raw_crm__invitations": invitations,
            "raw_crm__test_drives": test_drives,
            "raw_oms__vehicle_orders": orders.frame,
            "raw_oms__deliveries": deliveries,
            "raw_oms__production_milestones": milestones,
            "raw_showroom__store_visits": store_visits,
        },
        lead_person=w.person,
        lead_created=w.created,
        n_lead_persons=w.n_persons,
        orders=orders_clean,
    )


def _draw_leads(cfg: Config, rng: np.random.Generator, stores: pd.DataFrame, advisors: pd.DataFrame) -> Funnel:
    """Every lead and what becomes of it, drawn in one pass."""
    end = tl.end_ts(cfg)
    n = cfg.n_leads
    n_persons = int(n * (1 - LEAD_DUPLICATE_SHARE))

    # ------------------------------------------------------------------ leads
    created = np.sort(tl.at_random_time(rng, tl.sample_days(cfg, rng, n)))
    person = rng.integers(0, n_persons, n)
    city_region = reference.cities().set_index("city_code").region_code
    store_region = stores.city_code.map(city_region).to_numpy()
    region_f = np.array([reference.REGIONS[r][2] for r in store_region])
    store_w = rng.lognormal(0, 0.4, len(stores)) * region_f
    store_idx = rng.choice(len(stores), n, p=store_w / store_w.sum())
    per = cfg.advisors_per_store
    advisor_idx = store_idx * per + rng.integers(0, per, n)
    skill = advisors._skill.to_numpy()[advisor_idx]
    rf = region_f[store_idx]
    source = rng.choice(SOURCES, n, p=SOURCE_P)
    series_codes = np.array([s[0] for s in reference.SERIES])
    series_share = np.array([s[3] for s in reference.SERIES])
    series = rng.choice(series_codes, n, p=series_share)

    carded = rng.random(n) < _vec(CARD_P, source)
    walk_in = source == "WALK_IN"
    card_at = np.where(walk_in, tl.after(rng, created, 0.002, 0.05), tl.after(rng, created, 0.1, 5))

    # ------------------------------------------------------------------ invitations
    online_inv = np.isin(source, list(ONLINE_INVITE_SOURCES)) & (rng.random(n) < 0.45)
    outreach_inv = (source == "OUTREACH") & (rng.random(n) < 0.55)
    invited = online_inv | outreach_inv
    invited_at = tl.after(rng, created, 0.3, 6)
    appointment_day = (invited_at + rng.integers(1, 6, n) * tl.DAY).astype("datetime64[D]")

    # ------------------------------------------------------------------ visits
    p_visit = np.where(walk_in, 1.0, np.where(invited, 0.6 * rf, np.where(carded, 0.35, 0.08)))
    visits = rng.random(n) < np.clip(p_visit, 0, 1)
    visit_at = np.where(
        walk_in, created, np.where(invited, tl.at_random_time(rng, appointment_day), tl.after(rng, created, 1, 15))
    )
    # A card not yet created by the first visit is created on it.
    card_on_visit = visits & carded & (card_at > visit_at)
    card_at = np.where(card_on_visit, visit_at + rng.integers(300, 3600, n) * tl.SECOND, card_at)
    returns = visits & (rng.random(n) < 0.35)
    return_at = tl.after(rng, visit_at, 2, 20)

    # ------------------------------------------------------------------ test drives and orders
    test_drive = visits & (rng.random(n) < np.clip(0.5 * np.sqrt(skill), 0, 0.95))
    td_at = visit_at + rng.integers(600, 3600, n) * tl.SECOND
    p_order = np.where(test_drive, 0.30 * skill * rf, np.where(visits, 0.03, 0.0))
    ordered = rng.random(n) < np.clip(p_order, 0, 0.9)
    order_at = np.where(test_drive, td_at, visit_at) + rng.integers(1800, 10 * 86400, n) * tl.SECOND
    ordered &= order_at < end

    # ------------------------------------------------------------------ lead status history
    first_fu = np.where(rng.random(n) < 0.8, tl.after(rng, created, 0.02, 0.9), tl.after(rng, created, 1.05, 4))
    first_fu = np.where(ordered, np.minimum(first_fu, created + (order_at - created) // 2), first_fu)
    fate = rng.random(n)
    defeated = ~ordered & (fate < 0.30)
    dormant = ~ordered & (fate >= 0.30) & (fate < 0.85)
    defeat_at = tl.after(rng, first_fu, 15, 90)
    dormant_at = tl.after(rng, first_fu, 30, 90)
    reactivated = dormant & (rng.random(n) < 0.25)
    react_at = tl.after(rng, dormant_at, 15, 120)

    lead_ids = np.char.add("L", np.char.zfill((np.arange(n) + 1).astype(str), 8))
    return Funnel(
        advisor_idx=advisor_idx,
        appointment_day=appointment_day,
        card_at=card_at,
        card_on_visit=card_on_visit,
        carded=carded,
        created=created,
        defeat_at=defeat_at,
        defeated=defeated,
        dormant=dormant,
        dormant_at=dormant_at,
        end=end,
        first_fu=first_fu,
        invited=invited,
        invited_at=invited_at,
        lead_ids=lead_ids,
        n=n,
        n_persons=n_persons,
        online_inv=online_inv,
        order_at=order_at,
        ordered=ordered,
        outreach_inv=outreach_inv,
        person=person,
        react_at=react_at,
        reactivated=reactivated,
        return_at=return_at,
        returns=returns,
        series=series,
        source=source,
        store_idx=store_idx,
        td_at=td_at,
        test_drive=test_drive,
        visit_at=visit_at,
        visits=visits,
    )


def _lead_versions(w: Funnel, stores: pd.DataFrame, advisors: pd.DataFrame) -> pd.DataFrame:
    """raw_crm__leads: one row per lead version (CDC), a new one at each status change."""
    (
        advisor_idx,
        card_at,
        carded,
        created,
        defeat_at,
        defeated,
        dormant,
        dormant_at,
        end,
        first_fu,
        lead_ids,
        n,
        order_at,
        ordered,
        person,
        react_at,
        reactivated,
        series,
        source,
        store_idx,
    ) = (
        w.advisor_idx,
        w.card_at,
        w.carded,
        w.created,
        w.defeat_at,
        w.defeated,
        w.dormant,
        w.dormant_at,
        w.end,
        w.first_fu,
        w.lead_ids,
        w.n,
        w.order_at,
        w.ordered,
        w.person,
        w.react_at,
        w.reactivated,
        w.series,
        w.source,
        w.store_idx,
    )
    ev = [
        (np.arange(n), created, "NEW"),
        (np.arange(n), first_fu, "FOLLOWING"),
        (np.flatnonzero(carded), card_at[carded], None),
        (np.flatnonzero(defeated), defeat_at[defeated], "DEFEATED"),
        (np.flatnonzero(dormant), dormant_at[dormant], "DORMANT"),
        (np.flatnonzero(reactivated), react_at[reactivated], "FOLLOWING"),
        (np.flatnonzero(ordered), order_at[ordered], "CONVERTED"),
    ]
    versions = pd.DataFrame(
        {
            "lead": np.concatenate([e[0] for e in ev]),
            "updated_at": np.concatenate([e[1] for e in ev]),
            "lead_status": np.concatenate([np.full(len(e[0]), e[2], dtype=object) for e in ev]),
        }
    )
    versions = versions[versions.updated_at < end].sort_values(["lead", "updated_at"], kind="stable")
    versions["lead_status"] = versions.groupby("lead").lead_status.ffill()
    li = versions.lead.to_numpy()
    card_known = carded[li] & (card_at[li] <= versions.updated_at.to_numpy())
    leads = pd.DataFrame(
        {
            "lead_id": lead_ids[li],
            "_person": person[li],
            "source_channel": source[li],
            "store_id": stores.store_id.to_numpy()[store_idx[li]],
            "advisor_id": advisors.advisor_id.to_numpy()[advisor_idx[li]],
            "series_code": series[li],
            "lead_status": versions.lead_status.to_numpy(),
            "card_created_at": np.where(card_known, card_at[li], np.datetime64("NaT")),
            "created_at": created[li],
            "updated_at": versions.updated_at.to_numpy(),
        }
    )
    leads["_cdc_op"] = np.where(leads.updated_at == leads.created_at, "I", "U")

    return leads


def _follow_ups(w: Funnel, rng: np.random.Generator, advisors: pd.DataFrame) -> pd.DataFrame:
    """raw_crm__follow_ups: from the first follow-up until the lead is defeated or goes dormant."""
    advisor_idx, carded, defeat_at, defeated, dormant, dormant_at, end, first_fu, lead_ids, n, reactivated = (
        w.advisor_idx,
        w.carded,
        w.defeat_at,
        w.defeated,
        w.dormant,
        w.dormant_at,
        w.end,
        w.first_fu,
        w.lead_ids,
        w.n,
        w.reactivated,
    )
    # ------------------------------------------------------------------ follow-ups
    n_fu = rng.poisson(1.5 + 1.5 * carded) + 1
    fu_lead = np.repeat(np.arange(n), n_fu)
    k = np.arange(len(fu_lead)) - np.repeat(np.cumsum(n_fu) - n_fu, n_fu)
    gaps = rng.uniform(1, 10, len(fu_lead)) * 86400
    gaps[k == 0] = 0
    offset = pd.Series(gaps).groupby(fu_lead).cumsum().to_numpy().astype(np.int64)
    fu_at = first_fu[fu_lead] + offset * tl.SECOND
    stop = np.where(defeated, defeat_at, np.where(dormant & ~reactivated, dormant_at, end))
    keep = (fu_at < stop[fu_lead]) & (fu_at < end)
    fu_lead, fu_at = fu_lead[keep], fu_at[keep]
    results = np.array(["interested", "needs_time", "price_concern", "comparing", "no_answer", None], dtype=object)
    follow_ups = pd.DataFrame(
        {
            "follow_up_id": np.char.add("F", np.char.zfill((np.arange(len(fu_lead)) + 1).astype(str), 9)),
            "lead_id": lead_ids[fu_lead],
            "advisor_id": advisors.advisor_id.to_numpy()[advisor_idx[fu_lead]],
            "follow_up_channel": rng.choice(
                ["phone", "wechat", "sms", "visit"], len(fu_lead), p=[0.5, 0.35, 0.1, 0.05]
            ),
            "follow_up_result": rng.choice(results, len(fu_lead)),
            "followed_up_at": fu_at,
        }
    )

    return follow_ups


def _invitations(w: Funnel, stores: pd.DataFrame, advisors: pd.DataFrame) -> pd.DataFrame:
    """raw_crm__invitations: online/phone and outreach invitations to visit."""
    advisor_idx, appointment_day, end, invited, invited_at, lead_ids, outreach_inv, store_idx = (
        w.advisor_idx,
        w.appointment_day,
        w.end,
        w.invited,
        w.invited_at,
        w.lead_ids,
        w.outreach_inv,
        w.store_idx,
    )
    # ------------------------------------------------------------------ invitations
    inv = np.flatnonzero(invited & (invited_at < end))
    invitations = pd.DataFrame(
        {
            "invitation_id": np.char.add("I", np.char.zfill((np.arange(len(inv)) + 1).astype(str), 8)),
            "lead_id": lead_ids[inv],
            "advisor_id": advisors.advisor_id.to_numpy()[advisor_idx[inv]],
            "store_id": stores.store_id.to_numpy()[store_idx[inv]],
            "invitation_type": np.where(outreach_inv[inv], "OUTREACH", "NET_PHONE"),
            "invited_at": invited_at[inv],
            "appointment_date": appointment_day[inv],
        }
    )

    return invitations


def _test_drives(
    w: Funnel, rng: np.random.Generator, stores: pd.DataFrame, advisors: pd.DataFrame, models: pd.DataFrame
) -> tuple[pd.DataFrame, np.ndarray]:
    """raw_crm__test_drives, and each lead's model of interest."""
    advisor_idx, end, lead_ids, series, store_idx, td_at, test_drive = (
        w.advisor_idx,
        w.end,
        w.lead_ids,
        w.series,
        w.store_idx,
        w.td_at,
        w.test_drive,
    )
    # ------------------------------------------------------------------ test drives
    td = np.flatnonzero(test_drive & (td_at < end))
    model_by_series = models.groupby("series_code").model_code.apply(list).to_dict()
    lead_model = np.array([model_by_series[s][i % len(model_by_series[s])] for i, s in enumerate(series)])
    test_drives = pd.DataFrame(
        {
            "test_drive_id": np.char.add("T", np.char.zfill((np.arange(len(td)) + 1).astype(str), 8)),
            "lead_id": lead_ids[td],
            "store_id": stores.store_id.to_numpy()[store_idx[td]],
            "advisor_id": advisors.advisor_id.to_numpy()[advisor_idx[td]],
            "model_code": lead_model[td],
            "drive_started_at": td_at[td],
            "duration_minutes": rng.integers(15, 60, len(td)),
        }
    )

    return test_drives, lead_model


def _orders(
    w: Funnel,
    rng: np.random.Generator,
    stores: pd.DataFrame,
    advisors: pd.DataFrame,
    models: pd.DataFrame,
    lead_model: np.ndarray,
) -> Orders:
    """raw_oms__vehicle_orders: one row per order version, intent to delivery or cancellation."""
    advisor_idx, end, lead_ids, order_at, ordered, person, store_idx = (
        w.advisor_idx,
        w.end,
        w.lead_ids,
        w.order_at,
        w.ordered,
        w.person,
        w.store_idx,
    )
    # ------------------------------------------------------------------ orders and their stages
    o = np.flatnonzero(ordered)
    no = len(o)
    o_created = order_at[o]
    has_intent = rng.random(no) < 0.7
    firmed = ~has_intent | (rng.random(no) < 0.72)
    deposit_at = np.where(has_intent, tl.after(rng, o_created, 1, 14), o_created)
    intent_cancel_at = tl.after(rng, o_created, 2, 20)
    intent_cancelled = has_intent & ~firmed & (rng.random(no) < 0.85)
    cooling_cancelled = firmed & (rng.random(no) < 0.12)
    cooling_cancel_at = tl.after(rng, deposit_at, 0.1, 7)
    lock_at = tl.after(rng, deposit_at, 7, 10)
    locked = firmed & ~cooling_cancelled
    lock_cancelled = locked & (rng.random(no) < 0.03)
    lock_cancel_at = tl.after(rng, lock_at, 1, 10)
    delivered = locked & ~lock_cancelled
    deliver_at = tl.after(rng, lock_at, 10, 45)
    msrp = models.set_index("model_code").msrp
    price = (msrp.reindex(lead_model[o]).to_numpy() * rng.uniform(0.94, 1.0, no) / 100).round() * 100

    stages = [
        (np.flatnonzero(has_intent), o_created[has_intent], "INTENT"),
        (np.flatnonzero(firmed), deposit_at[firmed], "DEPOSIT"),
        (np.flatnonzero(intent_cancelled), intent_cancel_at[intent_cancelled], "CANCELLED"),
        (np.flatnonzero(cooling_cancelled), cooling_cancel_at[cooling_cancelled], "CANCELLED"),
        (np.flatnonzero(locked), lock_at[locked], "LOCKED"),
        (np.flatnonzero(lock_cancelled), lock_cancel_at[lock_cancelled], "CANCELLED"),
        (np.flatnonzero(delivered), deliver_at[delivered], "DELIVERED"),
    ]
    ov = pd.DataFrame(
        {
            "o": np.concatenate([s[0] for s in stages]),
            "updated_at": np.concatenate([s[1] for s in stages]),
            "order_status": np.concatenate([np.full(len(s[0]), s[2], dtype=object) for s in stages]),
        }
    )
    ov = ov[ov.updated_at < end].sort_values(["o", "updated_at"], kind="stable")
    oi = ov.o.to_numpy()
    order_ids = np.char.add("SO", np.char.zfill((np.arange(no) + 1).astype(str), 8))
    status = ov.order_status.to_numpy()
    reached_deposit = np.isin(status, ["DEPOSIT", "LOCKED", "DELIVERED"]) | (
        (status == "CANCELLED") & firmed[oi] & (ov.updated_at.to_numpy() >= deposit_at[oi])
    )
    vehicle_orders = pd.DataFrame(
        {
            "order_id": order_ids[oi],
            "_person": person[o][oi],
            "crm_lead_id": np.where(rng.random(len(oi)) < 0.85, lead_ids[o][oi], None),
            "store_id": stores.store_id.to_numpy()[store_idx[o]][oi],
            "advisor_id": advisors.advisor_id.to_numpy()[advisor_idx[o]][oi],
            "model_code": lead_model[o][oi],
            "order_status": status,
            "intent_fee": np.where(has_intent[oi], 5000.0, np.nan),
            "deposit_amount": np.where(reached_deposit, np.where(price[oi] > 300_000, 50000.0, 20000.0), np.nan),
            "vehicle_price": price[oi],
            "created_at": o_created[oi],
            "updated_at": ov.updated_at.to_numpy(),
        }
    )
    first_version = ~pd.Series(oi).duplicated().to_numpy()
    vehicle_orders["_cdc_op"] = np.where(first_version, "I", "U")

    return Orders(
        frame=vehicle_orders,
        deliver_at=deliver_at,
        delivered=delivered,
        deposit_at=deposit_at,
        firmed=firmed,
        lead_model=lead_model,
        lock_at=lock_at,
        locked=locked,
        o=o,
        o_created=o_created,
        order_ids=order_ids,
    )


def _deliveries_and_milestones(
    w: Funnel, orders: Orders, rng: np.random.Generator, stores: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """raw_oms__deliveries and raw_oms__production_milestones of the orders."""
    end, store_idx = w.end, w.store_idx
    deliver_at, delivered, deposit_at, firmed, lock_at, locked, o, order_ids = (
        orders.deliver_at,
        orders.delivered,
        orders.deposit_at,
        orders.firmed,
        orders.lock_at,
        orders.locked,
        orders.o,
        orders.order_ids,
    )
    # ------------------------------------------------------------------ deliveries and production
    d = np.flatnonzero(delivered & (deliver_at < end))
    vins = np.char.add("LAS9E", np.char.zfill((np.arange(len(d)) + 1).astype(str), 12))
    deliveries = pd.DataFrame(
        {
            "delivery_id": np.char.add("D", np.char.zfill((np.arange(len(d)) + 1).astype(str), 8)),
            "order_id": order_ids[d],
            "vin": vins,
            "store_id": stores.store_id.to_numpy()[store_idx[o][d]],
            "delivered_at": deliver_at[d],
        }
    )
    vin_of = dict(zip(d, vins, strict=False))
    f = np.flatnonzero(firmed)
    scheduled_at = tl.after(rng, deposit_at[f], 1, 3)
    built_at = tl.after(rng, np.maximum(lock_at[f], scheduled_at), 3, 15)
    shipped_at = np.minimum(tl.after(rng, built_at, 1, 5), deliver_at[f] - 86400 * tl.SECOND)
    ms = []
    for name, ts, live in [
        ("scheduled", scheduled_at, np.ones(len(f), bool)),
        ("built", built_at, locked[f]),
        ("shipped", shipped_at, delivered[f]),
        ("delivered", deliver_at[f], delivered[f]),
    ]:
        ms.append(pd.DataFrame({"_o": f[live], "milestone": name, "milestone_at": ts[live]}))
    milestones = pd.concat(ms, ignore_index=True)
    milestones = milestones[milestones.milestone_at < end].sort_values(["milestone_at", "_o"], kind="stable")
    milestones = pd.DataFrame(
        {
            "order_id": order_ids[milestones._o.to_numpy()],
            "vin": [
                vin_of.get(x) if m != "scheduled" else None
                for x, m in zip(milestones._o, milestones.milestone, strict=False)
            ],
            "milestone": milestones.milestone.to_numpy(),
            "milestone_at": milestones.milestone_at.to_numpy(),
        }
    )

    return deliveries, milestones


def _store_visits(
    cfg: Config, w: Funnel, orders: Orders, rng: np.random.Generator, stores: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """raw_showroom__store_visits (the leads' visits and other visitors), and the clean orders."""
    (
        card_on_visit,
        created,
        end,
        lead_ids,
        n,
        online_inv,
        order_at,
        ordered,
        outreach_inv,
        person,
        return_at,
        returns,
        series,
        store_idx,
        visit_at,
        visits,
    ) = (
        w.card_on_visit,
        w.created,
        w.end,
        w.lead_ids,
        w.n,
        w.online_inv,
        w.order_at,
        w.ordered,
        w.outreach_inv,
        w.person,
        w.return_at,
        w.returns,
        w.series,
        w.store_idx,
        w.visit_at,
        w.visits,
    )
    deliver_at, delivered, lead_model, o, o_created, order_ids = (
        orders.deliver_at,
        orders.delivered,
        orders.lead_model,
        orders.o,
        orders.o_created,
        orders.order_ids,
    )
    # ------------------------------------------------------------------ store visits
    first_lead = pd.Series(created).groupby(person).transform("min").to_numpy() == created
    v = np.flatnonzero(visits & (visit_at < end))
    r = np.flatnonzero(returns & (return_at < end))
    po = np.flatnonzero(ordered & (rng.random(n) < 0.5))
    po_at = tl.after(rng, order_at[po], 1, 30)
    po = po[po_at < end]
    po_at = po_at[po_at < end]
    lead_visit = pd.DataFrame(
        {
            "_lead": np.concatenate([v, r, po]),
            "visited_at": np.concatenate([visit_at[v], return_at[r], po_at]),
            "visit_purpose": "01",
            "is_first_visit": np.concatenate([first_lead[v], np.zeros(len(r) + len(po), bool)]),
            "card_created": np.concatenate([card_on_visit[v], np.zeros(len(r) + len(po), bool)]),
            "invitation_type": np.concatenate(
                [
                    np.where(outreach_inv[v], "OUTREACH", np.where(online_inv[v], "NET_PHONE", None)),
                    np.full(len(r) + len(po), None, dtype=object),
                ]
            ),
        }
    )
    lv = lead_visit._lead.to_numpy()
    lead_visit["store_id"] = stores.store_id.to_numpy()[store_idx[lv]]
    lead_visit["crm_lead_id"] = np.where(rng.random(len(lv)) < 0.75, lead_ids[lv], None)
    lead_visit["_person"] = person[lv]
    # Visitors who are not prospects: after-sales customers and passers-by.
    n_other = int(len(lead_visit) * 0.3)
    other_at = tl.at_random_time(rng, tl.sample_days(cfg, rng, n_other))
    other_visit = pd.DataFrame(
        {
            "_lead": -1,
            "visited_at": other_at,
            "visit_purpose": rng.choice(["02", "03"], n_other, p=[0.7, 0.3]),
            "is_first_visit": rng.random(n_other) < 0.3,
            "card_created": False,
            "invitation_type": None,
            "store_id": rng.choice(stores.store_id.to_numpy(), n_other),
            "crm_lead_id": None,
            "_person": -1,
        }
    )
    store_visits = (
        pd.concat([lead_visit, other_visit], ignore_index=True)
        .sort_values(["visited_at", "store_id"], kind="stable")
        .reset_index(drop=True)
    )
    store_visits.insert(
        0, "visit_id", np.char.add("V", np.char.zfill((np.arange(len(store_visits)) + 1).astype(str), 9))
    )
    store_visits["party_size"] = rng.integers(1, 5, len(store_visits))
    store_visits = store_visits.drop(columns=["_lead"])

    orders_clean = pd.DataFrame(
        {
            "order_id": order_ids,
            "person": person[o],
            "store_idx": store_idx[o],
            "series": series[o],
            "model_code": lead_model[o],
            "created_at": o_created,
            "delivered": delivered & (deliver_at < end),
            "delivered_at": deliver_at,
        }
    )
    return store_visits, orders_clean


def sales_targets(cfg: Config, rng: np.random.Generator, stores: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Monthly delivery targets per store and series: a stretch over the store's typical month."""
    months = pd.period_range(cfg.start, cfg.end, freq="M")
    series_codes = [s[0] for s in reference.SERIES]
    d = orders[orders.delivered]
    per_month = d.groupby(["store_idx", "series"]).size() / len(months)
    grid = pd.MultiIndex.from_product(
        [range(len(stores)), series_codes, range(len(months))], names=["store_idx", "series", "m"]
    ).to_frame(index=False)
    base = per_month.reindex(pd.MultiIndex.from_arrays([grid.store_idx, grid.series])).fillna(0).to_numpy()
    season = tl.MONTH_FACTOR[months.month.to_numpy()[grid.m.to_numpy()] - 1]
    target = np.round(base * season * rng.uniform(1.0, 1.35, len(grid))).astype(int)
    return pd.DataFrame(
        {
            "target_month": months.to_timestamp().date[grid.m.to_numpy()],
            "store_id": stores.store_id.to_numpy()[grid.store_idx.to_numpy()],
            "series_code": grid.series.to_numpy(),
            "target_units": target,
        }
    )
