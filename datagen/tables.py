"""Builds every raw table as the source systems would send it: text columns, dirt included."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

import contract

from . import aftersales, app, dirt, market, people, reference, sales
from . import timeline as tl
from .config import Config

EIGHT_HOURS = np.timedelta64(8 * 3600, "s")
# How each system writes its timestamps (see dirt.DIRT 'mixed_time_zones').
TS_STYLE = {"oms": "utc_z", "crm": "local", "showroom": "local", "app": "offset", "aftersales": "local"}
# Share of rows whose device sends UTC instead of the system's usual style.
UTC_DEVICE_SHARE = {"showroom": 0.04, "app": 0.05}
# Share of rows with the optional phone left empty.
PHONE_NULL_SHARE = {
    "raw_crm__leads": 0.05,
    "raw_oms__vehicle_orders": 0.05,
    "raw_showroom__store_visits": 0.4,
    "raw_app__members": 0.02,
    "raw_app__referrals": 0.1,
    "raw_aftersales__service_tickets": 0.08,
}
PHONE_COLUMN = {
    "raw_crm__leads": "phone",
    "raw_oms__vehicle_orders": "buyer_phone",
    "raw_showroom__store_visits": "visitor_phone",
    "raw_app__members": "phone",
    "raw_app__referrals": "referee_phone",
    "raw_aftersales__service_tickets": "owner_phone",
}
PERSON_ID_COLUMN = {
    "raw_crm__leads": ("crm_customer_id", "C", 8),
    "raw_oms__vehicle_orders": ("oms_customer_id", "OC", 8),
    "raw_aftersales__service_tickets": ("as_customer_id", "AS", 8),
    "raw_aftersales__customer_reviews": ("as_customer_id", "AS", 8),
}


def _rng(cfg: Config, name: str) -> np.random.Generator:
    """One independent stream per table, so adding a table changes no other table's bytes."""
    return np.random.default_rng([cfg.seed, *name.encode()])


def format_ts(ts: np.ndarray, style: str) -> np.ndarray:
    ts = np.asarray(ts, dtype="datetime64[s]")
    nat = np.isnat(ts)
    if style == "utc_z":
        out = np.char.add(np.datetime_as_string(ts - EIGHT_HOURS, unit="s"), "Z")
    elif style == "offset":
        out = np.char.add(np.datetime_as_string(ts, unit="s"), "+08:00")
    else:
        out = np.char.replace(np.datetime_as_string(ts, unit="s"), "T", " ")
    out = out.astype(object)
    out[nat] = None
    return out


def _text(values: np.ndarray, type_: str) -> np.ndarray:
    s = pd.Series(values)
    if type_ == "decimal":
        out = s.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else f"{float(v):.2f}")
    elif type_ == "int":
        out = s.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(int(v)))
    elif type_ == "bool":
        out = s.map(lambda v: None if v is None else ("Y" if bool(v) else "N"))
    elif type_ == "date":
        out = s.map(lambda v: None if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d"))
    else:
        out = s.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    return out.to_numpy(dtype=object)


class World:
    """The simulated business, before any table is formatted."""

    def __init__(self, cfg: Config):
        self.cfg = cfg
        r = lambda n: _rng(cfg, n)  # noqa: E731
        self.cities = reference.cities()
        self.stores = reference.stores(cfg, r("stores"))
        self.advisors = reference.advisors(cfg, self.stores, r("advisors"))
        self.models = reference.vehicle_models()
        self.sales = sales.simulate(cfg, r("sales"), self.stores, self.advisors, self.models)
        orders = self.sales.orders
        # Fleet: cars delivered in the window plus the owners from the two years before it.
        d = orders[orders.delivered]
        vin_by_order = self.sales.frames["raw_oms__deliveries"].set_index("order_id").vin
        n_pre = len(d)
        pre_rng = r("fleet")
        self.n_fans = cfg.n_members_fans
        n_lead_persons = self.sales.n_lead_persons
        pre_person = n_lead_persons + self.n_fans + np.arange(n_pre)
        pre_store = pre_rng.integers(0, len(self.stores), n_pre)
        pre_at = (
            np.datetime64(cfg.start, "D").astype("datetime64[s]") - pre_rng.integers(1, 730 * 86400, n_pre) * tl.SECOND
        )
        self.fleet = pd.DataFrame(
            {
                "person": np.concatenate([d.person.to_numpy(), pre_person]),
                "vin": np.concatenate(
                    [
                        vin_by_order.reindex(d.order_id).to_numpy(),
                        np.char.add("LAS9P", np.char.zfill((np.arange(n_pre) + 1).astype(str), 12)),
                    ]
                ),
                "store_id": np.concatenate(
                    [
                        self.stores.store_id.to_numpy()[d.store_idx.to_numpy()],
                        self.stores.store_id.to_numpy()[pre_store],
                    ]
                ),
                "delivered_at": np.concatenate([d.delivered_at.to_numpy(), pre_at]),
            }
        )
        self.n_persons = n_lead_persons + self.n_fans + n_pre
        pr = r("people")
        self.phone = people.phones(pr, self.n_persons)
        # Where each person lives: prospects near their store, others anywhere.
        leads_first = self.sales.frames["raw_crm__leads"].drop_duplicates("lead_id")
        home_city = pd.Series(pr.choice(self.cities.city_code.to_numpy(), self.n_persons))
        lead_home = leads_first.groupby("_person").store_id.first().map(self.stores.set_index("store_id").city_code)
        home_city.iloc[lead_home.index.to_numpy()] = lead_home.to_numpy()
        city = self.cities.set_index("city_code")
        self.person_city = np.where(pr.random(self.n_persons) < 0.1, None, city.city_name.reindex(home_city).to_numpy())
        self.person_province = city.province_name.reindex(home_city).to_numpy()
        self.person_ids = {
            col: people.system_ids(r(f"ids-{col}"), self.n_persons, prefix, width)
            for col, prefix, width in set(PERSON_ID_COLUMN.values())
        }
        # A CRM clerk sometimes creates a second customer id for a returning prospect.
        self.crm_second_id = people.system_ids(r("ids-crm2"), self.n_persons, "C9", 7)
        owners = pd.Series(self.fleet.delivered_at.to_numpy(), index=self.fleet.person.to_numpy())
        owners = owners[~owners.index.duplicated()]
        mem, self.member_ids, self.member_person, self.member_registered = app.members(
            cfg, r("members"), self.sales, self.person_province, self.person_city, self.n_fans, owners
        )
        self.members = mem
        self.events = app.events(cfg, r("events"), self.member_ids, self.member_registered)
        self.referrals = app.referrals(cfg, r("referrals"), leads_first, self.member_ids, self.member_registered)
        self.trade_ins = app.occasional(
            cfg, r("trade_in"), self.member_ids, self.member_registered, 0.03, "TI", "claim_id", "claimed_at"
        )
        self.trade_ins["old_vehicle_brand"] = r("trade_in_brand").choice(
            ["Volkswagen", "Toyota", "Honda", "Buick", "Nissan", None], len(self.trade_ins)
        )
        self.insurance = app.occasional(
            cfg, r("insurance"), self.member_ids, self.member_registered, 0.05, "IC", "consultation_id", "consulted_at"
        )
        self.insurance["topic"] = r("insurance_topic").choice(["new_policy", "renewal", "claim"], len(self.insurance))
        self.tickets = aftersales.service_tickets(cfg, r("tickets"), self.fleet)
        quality = pd.Series(r("store_quality").normal(0, 0.4, len(self.stores)), index=self.stores.store_id)
        self.reviews = aftersales.customer_reviews(cfg, r("reviews"), self.fleet, self.tickets, quality)
        merch = app.occasional(
            cfg, r("merch"), self.member_ids, self.member_registered, 0.15, "MO", "merch_order_id", "ordered_at"
        )
        mr = r("merch_values")
        merch["sku_category"] = mr.choice(["charging", "accessory", "lifestyle"], len(merch), p=[0.3, 0.45, 0.25])
        merch["amount"] = np.round(mr.lognormal(6, 0.9, len(merch)), 2)
        merch["order_status"] = np.where(mr.random(len(merch)) < 0.06, "refunded", "paid")
        self.merch = merch
        deliveries = self.sales.frames["raw_oms__deliveries"]
        series_name = self.models.set_index("model_code").series_name
        dc = pd.DataFrame(
            {
                "month": deliveries.delivered_at.to_numpy().astype("datetime64[M]").astype("datetime64[D]"),
                "city_code": deliveries.store_id.map(self.stores.set_index("store_id").city_code).to_numpy(),
                "series_name": orders.set_index("order_id")
                .model_code.reindex(deliveries.order_id)
                .map(series_name)
                .to_numpy(),
            }
        )
        dc = dc.groupby(["month", "city_code", "series_name"]).size().rename("units").reset_index()
        dc["month"] = pd.to_datetime(dc.month).dt.date
        self.registrations = market.registrations(cfg, r("market"), dc)
        self.targets = sales.sales_targets(cfg, r("targets"), self.stores, orders)

    def clean_frames(self) -> dict[str, pd.DataFrame]:
        """Every raw table before formatting: typed values plus hidden _person links."""
        f = dict(self.sales.frames)
        f.update(
            {
                "raw_ref__cities": self.cities,
                "raw_ref__stores": self.stores,
                "raw_ref__advisors": self.advisors.drop(columns="_skill"),
                "raw_ref__vehicle_models": self.models,
                "raw_oms__merchandise_orders": self.merch,
                "raw_oms__sales_targets": self.targets,
                "raw_app__members": self.members,
                "raw_app__events": self.events,
                "raw_app__referrals": self.referrals,
                "raw_app__trade_in_gifts": self.trade_ins,
                "raw_app__insurance_consultations": self.insurance,
                "raw_aftersales__service_tickets": self.tickets,
                "raw_aftersales__customer_reviews": self.reviews,
                "raw_market__registrations": self.registrations,
            }
        )
        return f


def landed(world: World, table: contract.RawTable, df: pd.DataFrame) -> pd.DataFrame:
    """Format one clean frame into the text the source sends, with its dirt and landing time."""
    cfg = world.cfg
    rng = _rng(cfg, "dirt-" + table.name)
    df = df.copy()
    n = len(df)
    # Person-level columns: the system's own customer id and the phone as typed.
    if table.name in PERSON_ID_COLUMN:
        col, _, _ = PERSON_ID_COLUMN[table.name]
        ids = world.person_ids[col][df._person.to_numpy()]
        if table.name == "raw_crm__leads":
            repeat = (
                df.lead_id.map(df.groupby("lead_id").created_at.first()).to_numpy()
                > df._person.map(df.groupby("_person").created_at.min()).to_numpy()
            )
            second = repeat & (pd.util.hash_array(df.lead_id.to_numpy().astype(str)) % 10 < 3)
            ids = np.where(second, world.crm_second_id[df._person.to_numpy()], ids)
        df[col] = ids
    if table.name in PHONE_COLUMN:
        col = PHONE_COLUMN[table.name]
        persons = df._person.to_numpy()
        has = persons >= 0
        phone = np.full(n, None, dtype=object)
        phone[has] = dirt.format_phone(rng, world.phone[persons[has]])
        # CDC tables keep one phone per key: the first version's typing is re-sent unchanged.
        if table.cdc:
            phone = pd.Series(phone).groupby(df[table.key[0]].to_numpy()).transform("first").to_numpy()
        no_phone = rng.random(n) < PHONE_NULL_SHARE[table.name]
        if table.cdc:
            no_phone = pd.Series(no_phone).groupby(df[table.key[0]].to_numpy()).transform("first").to_numpy()
        phone[no_phone] = None
        df[col] = phone
    out = pd.DataFrame(index=range(n))
    style = TS_STYLE.get(table.system, "local")
    utc_rows = rng.random(n) < UTC_DEVICE_SHARE.get(table.system, 0.0)
    for c in table.columns:
        if c.name == "_loaded_at":
            continue
        values = df[c.name].to_numpy() if c.name in df else np.full(n, None, dtype=object)
        if c.type == "timestamp":
            text = format_ts(values, style)
            if utc_rows.any():
                text[utc_rows] = format_ts(values[utc_rows], "utc_z")
            out[c.name] = text
        else:
            out[c.name] = _text(values, c.type)
    if not any(c.name == "_loaded_at" for c in table.columns):
        return out
    # Landing time: minutes after the event; a few rows days late.
    ev = np.asarray(df[table.event_time].to_numpy(), dtype="datetime64[s]")
    lag = rng.integers(5 * 60, 90 * 60, n)
    late = rng.random(n) < dirt.LATE_SHARE
    lag[late] = rng.integers(86400, 10 * 86400, late.sum())
    loaded = ev + lag * tl.SECOND
    dirt.vary_enums(rng, table.name, out)
    dirt.break_values(rng, table.name, out)
    if table.cdc:
        out, loaded = dirt.resend_versions(rng, out, loaded)
    out["_loaded_at"] = format_ts(loaded, "utc_z")
    if table.name in dirt.BY_NAME["exact_duplicates"].tables:
        out = dirt.duplicate_rows(rng, out)
    # Land in arrival order; ties keep generation order.
    order = np.argsort(out["_loaded_at"].to_numpy().astype(str), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def generate(cfg: Config) -> Iterator[tuple[contract.RawTable, pd.DataFrame]]:
    world = World(cfg)
    frames = world.clean_frames()
    for table in contract.TABLES:
        yield table, landed(world, table, frames[table.name])
