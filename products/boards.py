"""The three boards: what each shows, as semantic-layer queries. Every figure is a metric's answer
(SemanticLayer.query); the boards only arrange them. Changes against an earlier period (环比 MoM,
同比 YoY) are (this - earlier) / earlier of the same metric's two answers.

If the last ADS quality gate failed, a board shows the last data it rendered while the gate passed,
under a warning; it never shows figures the gate refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

from quality.run import published_gate

from .access import STORE_ID
from .filters import BadParameter, on
from .semantic import Query, SemanticLayer

DAY = "metric_time__day"
MONTH = "metric_time__month"

# 门店看板: the store's day and month
STORE_TODAY = ["lead_count", "store_visit_count", "test_drive_count", "order_new_count", "delivery_count"]
STORE_MONTH = [
    *STORE_TODAY,
    "card_count",
    "sales_target_unit_count",
    "delivery_target_completion_rate",
    "prospect_held_closing_count",
]
STORE_FUNNEL = ["store_visit_count", "card_count", "test_drive_count", "order_new_count", "delivery_count"]
STORE_RATES = ["store_visit_card_rate", "test_drive_rate", "order_close_rate", "order_cancellation_rate"]
ADVISOR_RANKING = ["order_new_count", "test_drive_count", "card_count"]

# 经营大屏: national KPIs, war zones and regions, the AARRR overview, order to delivery
NATIONAL_KPIS = [
    "lead_count",
    "store_visit_count",
    "test_drive_count",
    "order_new_count",
    "delivery_count",
    "delivery_target_completion_rate",
]
ZONE_COMPARISON = ["lead_count", "order_new_count", "delivery_count", "delivery_target_completion_rate"]
AARRR = [
    "app_member_active_daily_avg",
    "app_member_active_30d_count",
    "app_stickiness_rate",
    "member_new_count",
    "member_retention_d7_rate",
    "lead_to_test_drive_conversion_rate",
    "test_drive_to_order_conversion_rate",
    "referral_purchase_count",
]
DELIVERY_TIME = ["order_to_delivery_days_avg"]
DAILY_TREND = ["lead_count", "order_new_count", "delivery_count"]

# 经销商月报: the sales full cycle by month and store (the dealer_sales_full_cycle_monthly saved query)
DEALER = [
    "store_visit_count",
    "store_visit_first_with_card_count",
    "lead_count",
    "card_count",
    "prospect_held_opening_count",
    "prospect_held_closing_count",
    "prospect_new_count",
    "test_drive_count",
    "order_valid_count",
    "order_new_count",
    "order_cancelled_count",
    "test_drive_rate",
    "store_visit_card_rate",
    "order_close_rate",
    "order_cancellation_rate",
    "lead_timeliness_rate",
]
DEALER_KEYS = ["store", "store__store_name", "store__region", "store__war_zone"]
RATE_SUFFIXES = ("_rate",)
UNASSIGNED = "unknown"  # the advisor dimension's row for facts without one (macros/cleaning.sql)


def is_rate(metric: str) -> bool:
    return metric.endswith(RATE_SUFFIXES)


def change(current, earlier):
    if current is None or earlier in (None, 0):
        return None
    return (current - earlier) / earlier


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_before(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def _on_time(grain: str, value: dt.date):
    return on(f"metric_time__{grain}", "eq", value)


def _time_between(grain: str, first: dt.date, last: dt.date):
    return on(f"metric_time__{grain}", "between", first, last)


class NotFound(LookupError):
    """A board parameter that is well formed but names nothing the warehouse holds (a 404)."""


class Boards:
    def __init__(self, layer: SemanticLayer, last_good_dir: Path | None = None):
        self.layer = layer
        self.last_good_dir = last_good_dir or layer.database.with_name(layer.database.name + ".boards")

    # --- shared ------------------------------------------------------------------------------
    def q(self, metrics, group_by=(), where=(), order=(), limit=None):
        answer = self.layer.query(Query(tuple(metrics), tuple(group_by), tuple(where), tuple(order), limit))
        return answer.records()

    def stores(self) -> dict[str, str]:
        """Every store the warehouse has facts for: id -> name."""
        rows = self.q(["store_visit_count", "lead_count"], ["store", "store__store_name"])
        return {str(r["store"]): str(r["store__store_name"]) for r in rows if r["store"] is not None}

    def first_and_newest_day(self) -> tuple[dt.date, dt.date] | None:
        rows = self.q(["store_visit_count"], [DAY], order=[DAY])
        days = [dt.date.fromisoformat(str(r[DAY])[:10]) for r in rows]
        return (days[0], days[-1]) if days else None

    def checked_store(self, store: str | None) -> str:
        """A store id a request named: 400 when malformed, 404 when the warehouse has no such store."""
        if not store:
            raise BadParameter("store", "which store? add ?store=<store id>")
        if not STORE_ID.fullmatch(store):
            raise BadParameter("store", "a store id is letters, digits, - and _ (ST0001)")
        if store not in self.stores():
            raise NotFound("store: no such store in the warehouse")
        return store

    def checked_day(self, text: str | None, parameter: str = "date") -> dt.date | None:
        """A day (YYYY-MM-DD) or a month (YYYY-MM, its first day) a request named, within the data:
        400 when malformed, 404 when the warehouse holds no data for it. None when not given."""
        if not text:
            return None
        pattern = r"\d{4}-\d{2}" if parameter == "month" else r"\d{4}-\d{2}-\d{2}"
        try:
            if not re.fullmatch(pattern, text):
                raise ValueError
            day = dt.date.fromisoformat(text + "-01" if parameter == "month" else text)
        except ValueError:
            raise BadParameter(parameter, "YYYY-MM" if parameter == "month" else "YYYY-MM-DD") from None
        span = self.first_and_newest_day()
        first, newest = span or (None, None)
        if span is None or not (month_start(first) if parameter == "month" else first) <= day <= newest:
            what = f"the data runs from {first} to {newest}" if span else "the warehouse holds no data"
            raise NotFound(f"{parameter}: no data for {text}; {what}")
        return day

    def newest_day(self) -> dt.date | None:
        rows = self.q(["store_visit_count"], [DAY], order=[f"-{DAY}"], limit=1)
        return dt.date.fromisoformat(str(rows[0][DAY])[:10]) if rows else None

    def labels(self, metrics) -> dict[str, str]:
        return {m: self.layer.label(m) for m in metrics}

    def render_data(self, board: str, params: dict, build) -> dict:
        """The board's data with its status: fresh when the ADS gate passed (and kept as the last
        good), the last good under a warning when it failed."""
        gates = self.layer.gates()
        ads = published_gate(gates)
        key = hashlib.sha1(json.dumps([board, params], sort_keys=True).encode()).hexdigest()[:16]
        path = self.last_good_dir / f"{board}-{key}.json"
        status = {"gates": gates, "warning": None}
        if ads and not ads["passed"]:
            status["warning"] = (
                f"发布质量门禁未通过 (the DWS+ADS quality gate failed {ads['checked_at']}, batch day {ads['day']}): "
                + "; ".join(ads.get("failed", [])[:2])
            )
            if path.exists():
                data = json.loads(path.read_text())
                status["warning"] += f" — showing the last good data, rendered {data['rendered_at']}"
                return {**data, **status}
            status["warning"] += " — no earlier good data to show"
            return {"empty": True, **status}
        data = build()
        data["data_as_of"] = self.layer.data_as_of()
        data["rendered_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if ads:
            self.last_good_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, ensure_ascii=False, default=str))
        return {**data, **status}

    # --- 门店看板 -------------------------------------------------------------------------------
    def store(self, store: str, chosen_day: dt.date | None = None) -> dict:
        def build():
            day = chosen_day or self.newest_day()
            month = month_start(day)
            where = [on("store", "eq", store)]
            name = self.q(["store_visit_count"], ["store__store_name"], where=where)
            today = self.q(STORE_TODAY, [DAY], where=[*where, _on_time("day", day)])
            this_month = self.q(STORE_MONTH, [MONTH], where=[*where, _on_time("month", month)])
            rates = self.q(STORE_RATES, [MONTH], where=[*where, _on_time("month", month)])
            advisors = self.q(
                ADVISOR_RANKING,
                ["advisor", "advisor__advisor_name"],
                where=[*where, _on_time("month", month)],
                order=["-order_new_count", "-test_drive_count"],
                limit=11,  # ten advisors, whether or not the unassigned row is among them
            )
            # the unassigned row (facts without an advisor) is not an advisor to rank
            advisors = [a for a in advisors if a.get("advisor") not in (None, UNASSIGNED)][:10]
            return {
                "store": store,
                "store_name": name[0]["store__store_name"] if name else store,
                "day": day.isoformat(),
                "month": month.isoformat()[:7],
                "today": today[0] if today else {},
                "this_month": this_month[0] if this_month else {},
                "rates": rates[0] if rates else {},
                "advisors": advisors,
                "labels": self.labels(
                    {*STORE_MONTH, *STORE_FUNNEL, *STORE_RATES, *ADVISOR_RANKING, "prospect_held_closing_count"}
                ),
                "today_metrics": STORE_TODAY,
                "funnel": STORE_FUNNEL,
                "rate_metrics": STORE_RATES,
                "advisor_metrics": ADVISOR_RANKING,
            }

        params = {"store": store, "day": chosen_day.isoformat() if chosen_day else None}
        return self.render_data("store", params, build)

    # --- 经营大屏 -------------------------------------------------------------------------------
    def c_level(self) -> dict:
        def build():
            day = self.newest_day()
            month = month_start(day)
            previous = months_before(month, 1)
            kpis = self.q(NATIONAL_KPIS, [MONTH], where=[_time_between("month", previous, month)])
            by_month = {str(r[MONTH])[:7]: r for r in kpis}
            now, before = by_month.get(month.isoformat()[:7], {}), by_month.get(previous.isoformat()[:7], {})
            zones = self.q(
                ZONE_COMPARISON,
                ["store__war_zone", "store__region"],
                where=[_on_time("month", month)],
                order=["store__war_zone", "-delivery_count"],
            )
            aarrr = self.q(AARRR, [MONTH], where=[_on_time("month", month)])
            delivery = self.q(
                DELIVERY_TIME,
                [MONTH],
                where=[_time_between("month", months_before(month, 11), month)],
                order=[MONTH],
            )
            trend = self.q(
                DAILY_TREND,
                [DAY],
                where=[_time_between("day", day - dt.timedelta(days=13), day)],
                order=[DAY],
            )
            top = max((z.get("delivery_count") or 0 for z in zones), default=0) or 1
            most = max((r.get("lead_count") or 0 for r in trend), default=0) or 1
            return {
                "day": day.isoformat(),
                "month": month.isoformat()[:7],
                "kpis": [
                    {"metric": m, "value": now.get(m), "mom": change(now.get(m), before.get(m))} for m in NATIONAL_KPIS
                ],
                "zones": [{**z, "bar": (z.get("delivery_count") or 0) / top} for z in zones],
                "aarrr": aarrr[0] if aarrr else {},
                "delivery_time": [
                    {"month": str(r[MONTH])[:7], "days": r["order_to_delivery_days_avg"]} for r in delivery
                ],
                "trend": [{**r, "day": str(r[DAY])[:10], "bar": (r.get("lead_count") or 0) / most} for r in trend],
                "trend_metrics": DAILY_TREND,
                "labels": self.labels({*NATIONAL_KPIS, *ZONE_COMPARISON, *AARRR, *DELIVERY_TIME, *DAILY_TREND}),
                "aarrr_metrics": AARRR,
                "zone_metrics": ZONE_COMPARISON,
            }

        return self.render_data("c_level", {}, build)

    # --- 经销商月报 -----------------------------------------------------------------------------
    def dealer_rows(self, month: dt.date, store: str | None = None) -> list[dict]:
        """One row per store: each indicator for the month, with its MoM and YoY."""
        where = [on("store", "eq", store)] if store else []
        months = [month, months_before(month, 1), months_before(month, 12)]
        answers = {}
        for m in months:
            for r in self.q(DEALER, [*DEALER_KEYS], where=[*where, _on_time("month", m)]):
                answers[(m, r["store"])] = r
        rows = []
        for (m, store_id), r in sorted(answers.items(), key=lambda kv: kv[0][1]):
            if m != month:
                continue
            prev, last_year = answers.get((months[1], store_id), {}), answers.get((months[2], store_id), {})
            row = {k: r.get(k) for k in DEALER_KEYS}
            for metric in DEALER:
                row[metric] = r.get(metric)
                row[f"{metric}__mom"] = change(r.get(metric), prev.get(metric))
                row[f"{metric}__yoy"] = change(r.get(metric), last_year.get(metric))
            rows.append(row)
        return rows

    def dealer(self, month: dt.date | None, store: str | None) -> dict:
        def build():
            chosen = month or month_start(self.newest_day())
            return {
                "month": chosen.isoformat()[:7],
                "rows": self.dealer_rows(chosen, store),
                "metrics": DEALER,
                "labels": self.labels(DEALER),
            }

        return self.render_data("dealer", {"month": month.isoformat() if month else None, "store": store}, build)


def dealer_table(data: dict, layer: SemanticLayer) -> tuple[list[str], list[list]]:
    """The dealer report as a header and rows for a download: Chinese labels, MoM and YoY beside each."""
    header = ["月份", "门店编号", "门店", "大区", "战区"]
    for metric in data["metrics"]:
        label = data["labels"][metric]
        header += [label, f"{label} 环比", f"{label} 同比"]
    rows = []
    for r in data["rows"]:
        row = [data["month"], r["store"], r["store__store_name"], r["store__region"], r["store__war_zone"]]
        for metric in data["metrics"]:
            row += [r[metric], r[f"{metric}__mom"], r[f"{metric}__yoy"]]
        rows.append(row)
    return header, rows
