"""The three boards: what each shows, as semantic-layer queries. Every figure and every chart point
is a metric's answer (SemanticLayer.query); the boards only arrange them. Changes against an
earlier period (环比 MoM, 同比 YoY) are (this - earlier) / earlier of the same metric's two answers,
and for a rate the difference in percentage points.

Time is told as it is: each board names the data day it shows and its age against the business
clock (settings.business_now()), warns once that day is older than the freshness rule allows
(quality/freshness.py), and marks a cohort rate (meta.window_days) whose window has not closed.

If the last ADS quality gate failed, a board shows the last data it rendered while the gate passed,
under a warning; it never shows figures the gate refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import time
from pathlib import Path

import settings
from quality.freshness import data_times
from quality.run import published_gate

from .access import STORE_ID
from .filters import LITERAL, BadParameter, on
from .semantic import Query, SemanticLayer

DAY = "metric_time__day"
MONTH = "metric_time__month"
# The cuts every board offers (a request parameter -> the field it filters and how a person names it).
# Each applies to the metrics that can be cut by it; a figure that cannot is shown uncut, marked.
SERIES = "series__series_name"
CUTS = {"series": SERIES, "channel": "channel"}
CUT_LABELS = {"series": "车系 series", "channel": "渠道 channel"}
CUT_NAMES = {"channel": "channel__channel_name"}  # a cut whose value is a code: the name shown for it
CUTS_TTL_SECONDS = 600

# 门店看板: the store's day and month
STORE_TODAY = ["lead_count", "store_visit_count", "test_drive_count", "order_new_count", "delivery_count"]
STORE_MONTH = [
    *STORE_TODAY,
    "card_count",
    "sales_target_unit_count",
    "delivery_target_completion_rate",
    "prospect_held_closing_count",
]
STORE_MONTH_TILES = [*STORE_TODAY, "prospect_held_closing_count"]
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
FUNNEL_ONLY = [m for m in STORE_FUNNEL if m not in NATIONAL_KPIS]  # the funnel's stages the KPIs lack
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
DEALER_FILTERS = {"region": "store__region", "war_zone": "store__war_zone"}  # parameter -> dimension
RATE_SUFFIXES = ("_rate",)
# figures for which a rise is bad news: their change is coloured the other way round
HIGHER_IS_WORSE = {"order_cancelled_count", "order_cancellation_rate", "order_to_delivery_days_avg"}
UNASSIGNED = "unknown"  # the advisor dimension's row for facts without one (macros/cleaning.sql)
CHART_FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"


def is_rate(metric: str) -> bool:
    return metric.endswith(RATE_SUFFIXES)


def change(current, earlier, metric: str = ""):
    """MoM / YoY: a rate's change in percentage points (as a fraction: 0.012 is 1.2 pp), any other
    figure's change relative to the earlier one."""
    if current is None or earlier is None:
        return None
    if is_rate(metric):
        return current - earlier
    return None if earlier == 0 else (current - earlier) / earlier


def month_end(month: dt.date) -> dt.date:
    return months_before(month, -1) - dt.timedelta(days=1)


def chart(mark: str, values: list[dict], x: dict, y: dict, color: dict | None = None, height: int = 220, **extra):
    """A Vega-Lite spec with its data inline: what the page draws is exactly these values."""
    encoding = {"x": x, "y": y, "tooltip": [x, y, *([color] if color else [])]}
    if color:
        encoding["color"] = {"title": None, **color}
    return {
        "data": {"values": values},
        "mark": {"type": mark, "tooltip": True, **({"point": True} if mark == "line" else {})},
        "encoding": encoding,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": {"font": CHART_FONT, "legend": {"orient": "top"}, "axis": {"labelOverlap": True}},
        **extra,
    }


def trend_chart(rows: list[dict], metrics, labels: dict, height: int) -> dict:
    """Daily lines of several metrics, one per metric, the days labelled MM-DD."""
    return chart(
        "line",
        long_format(rows, DAY, metrics, labels),
        {"field": DAY, "type": "ordinal", "title": None, "axis": {"labelExpr": "slice(datum.value, 5)"}},
        {"field": "value", "type": "quantitative", "title": None},
        {"field": "metric", "type": "nominal"},
        height=height,
    )


def funnel_chart(values: dict, labels: dict, height: int) -> dict:
    """The funnel's stages (STORE_FUNNEL) as bars, top stage first."""
    stages = [{"stage": labels[m], "value": values.get(m) or 0, "order": i} for i, m in enumerate(STORE_FUNNEL)]
    return chart(
        "bar",
        stages,
        {"field": "value", "type": "quantitative", "title": None, "axis": {"tickCount": 5}},
        {"field": "stage", "type": "nominal", "title": None, "sort": {"field": "order"}},
        height=height,
    )


def long_format(rows: list[dict], key: str, metrics, labels: dict) -> list[dict]:
    """Rows of several metrics as one value per (key, metric): what a multi-series chart reads."""
    return [
        {key: str(r[key])[:10], "metric": labels[m], "value": r.get(m)}
        for r in rows
        for m in metrics
        if r.get(m) is not None
    ]


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
    def __init__(self, layer: SemanticLayer, last_good_dir: Path | None = None, manifest: Path | None = None):
        self.layer = layer
        self.last_good_dir = last_good_dir or layer.database.with_name(layer.database.name + ".boards")
        self.manifest = manifest or settings.ROOT / "target" / "manifest.json"
        self._due: tuple[int, int | None] | None = None
        self._cut_options: tuple[float, dict[str, dict[str, str]]] | None = None

    # --- shared ------------------------------------------------------------------------------
    def q(self, metrics, group_by=(), where=(), order=(), limit=None, cuts: dict[str, str] | None = None):
        """The metrics' answer; with cuts (a series, a channel), each metric filtered by the cuts it
        can be cut by (the boards mark the figures a cut cannot reach: the APP's AARRR figures are
        every series', a delivery target every channel's). Metrics that take different cuts are
        asked apart and their rows joined on the group-by fields."""
        metrics = tuple(metrics)
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for m in metrics:
            groups.setdefault(self.cuts_for((m,), cuts), []).append(m)
        if len(groups) <= 1:
            applied = next(iter(groups), ())
            return self._ask(metrics, group_by, [*where, *self._cut_filters(applied, cuts)], order, limit)
        merged: dict[tuple, dict] = {}
        for applied, some in groups.items():
            for r in self._ask(tuple(some), group_by, [*where, *self._cut_filters(applied, cuts)]):
                merged.setdefault(tuple(r.get(g) for g in group_by), {}).update(r)
        rows = [{k: r.get(k) for k in (*group_by, *metrics)} for r in merged.values()]
        for o in reversed(order):  # as the database would order them, an absent value last
            key = o.removeprefix("-")
            present = sorted((r for r in rows if r[key] is not None), key=lambda r: r[key], reverse=o != key)
            rows = present + [r for r in rows if r[key] is None]
        return rows[:limit] if limit else rows

    def _ask(self, metrics, group_by=(), where=(), order=(), limit=None) -> list[dict]:
        answer = self.layer.query(Query(tuple(metrics), tuple(group_by), tuple(where), tuple(order), limit))
        return answer.records()

    def cuts_for(self, metrics, cuts: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
        """Which of the chosen cuts these metrics can all be cut by, each with the field that cuts
        them: the cut's own (`channel`), else the shortest path to it (`lead__channel`, for a metric
        that reaches a lead's source only through its lead)."""
        fields = self.layer.fields(tuple(metrics))
        out = []
        for parameter in sorted(cuts or {}):
            field = CUTS[parameter]
            paths = sorted((f for f in fields if f == field or f.endswith("__" + field)), key=lambda f: (len(f), f))
            if paths:
                out.append((parameter, paths[0]))
        return tuple(out)

    @staticmethod
    def _cut_filters(applied: tuple[tuple[str, str], ...], cuts: dict[str, str] | None) -> list:
        return [on(field, "eq", cuts[parameter]) for parameter, field in applied]

    def uncut(self, metrics, cuts: dict[str, str] | None) -> dict[str, list[str]]:
        """The metrics a chosen cut cannot reach: metric -> the labels of the cuts it ignores."""
        out = {}
        for m in metrics:
            applied = {p for p, _ in self.cuts_for((m,), cuts)}
            missing = [CUT_LABELS[p] for p in sorted(cuts or {}) if p not in applied]
            if missing:
                out[m] = missing
        return out

    def cut_options(self) -> dict[str, dict[str, str]]:
        """What a person can pick for each cut: value -> the name shown (the dimensions' "unknown"
        rows are not a choice). Kept for ten minutes across new batches: a new series or channel is
        rare, and the lists are on every page."""
        now = time.monotonic()
        if self._cut_options is None or now - self._cut_options[0] > CUTS_TTL_SECONDS:
            options = {}
            for parameter, field in CUTS.items():
                shown = CUT_NAMES.get(parameter, field)
                keys = [field] if shown == field else [field, shown]
                rows = self._ask(["order_new_count", "lead_count"], keys)
                options[parameter] = {
                    str(r[field]): str(r[shown])
                    for r in sorted(rows, key=lambda r: str(r[shown]))
                    if r[field] is not None and r[field] != UNASSIGNED and LITERAL.fullmatch(str(r[field]))
                }
            self._cut_options = (now, options)
        return self._cut_options[1]

    def cut_choices(self, metrics, cuts: dict[str, str] | None) -> dict:
        """What a board's filter form and its marks need: the cuts chosen, what can be chosen, and
        the board's figures a chosen cut cannot reach."""
        return {
            "cuts": cuts or {},
            "cut_options": self.cut_options(),
            "cut_labels": CUT_LABELS,
            "uncut": self.uncut(sorted(metrics), cuts),
        }

    def checked_cuts(self, params) -> dict[str, str]:
        """The cuts a request named (series=<a series name>, channel=<a channel code>): 400 when a
        value cannot be one, 404 when the warehouse has no such series or channel."""
        out = {}
        for parameter in CUTS:
            value = params.get(parameter)
            if not value:
                continue
            if not LITERAL.fullmatch(value):
                raise BadParameter(parameter, "a name: letters, digits, spaces or . : / - _ ·")
            if value not in self.cut_options()[parameter]:
                raise NotFound(f"{parameter}: no such {parameter} in the warehouse")  # never echo the value
            out[parameter] = value
        return out

    def stores(self) -> dict[str, str]:
        """Every store the warehouse has facts for: id -> name."""
        rows = self.q(["store_visit_count", "lead_count"], ["store", "store__store_name"])
        return {str(r["store"]): str(r["store__store_name"]) for r in rows if r["store"] is not None}

    def store_places(self) -> list[dict]:
        """Every store with its region and war zone: what the dealer report's filters offer."""
        rows = self.q(["store_visit_count", "lead_count"], ["store", "store__region", "store__war_zone"])
        return [r for r in rows if r["store"] is not None]

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

    def checked_place(self, parameter: str, value: str | None) -> str | None:
        """A region or war zone a request named: 400 when it is not a plain name, 404 when no store
        is in it. None when not given."""
        if not value:
            return None
        if not LITERAL.fullmatch(value):  # the filter grammar's rule for a literal
            raise BadParameter(parameter, "a name: letters, digits, spaces or . : / - _ ·")
        known = {str(r[DEALER_FILTERS[parameter]]) for r in self.store_places()}
        if value not in known:
            raise NotFound(f"{parameter}: no store is in such a {parameter.replace('_', ' ')}")  # never echo the value
        return value

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

    def descriptions(self, metrics) -> dict[str, str]:
        return {m: self.layer.description(m) for m in metrics}

    def due_hours(self) -> int | None:
        """How long after a day ends its data is due on the boards: the strictest day-grain ADS
        freshness rule (each ADS model's meta.freshness)."""
        try:
            version = self.manifest.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if self._due is None or self._due[0] != version:  # the manifest is megabytes: read it once
            hours = [t.due_hours for t in data_times(self.manifest) if t.grain == "day"]
            self._due = (version, min(hours) if hours else None)
        return self._due[1]

    def timing(self, shown: dt.date, newest: dt.date | None, period_end: dt.date | None = None) -> dict:
        """What day a board shows, how old the data is against the business clock, whether that is
        past the freshness rule, and which of the board's cohort rates are not yet complete."""
        now = settings.business_now()
        hours = self.due_hours()
        due = (now - dt.timedelta(hours=hours)).date() - dt.timedelta(days=1) if hours is not None else None
        return {
            "shown_day": shown.isoformat(),
            "newest_day": newest.isoformat() if newest else None,
            "today": now.date().isoformat(),
            "now": now.isoformat(sep=" ", timespec="minutes"),
            "age_days": (now.date() - newest).days if newest else None,
            "due_day": due.isoformat() if due else None,
            "due_hours": hours,
            "overdue": bool(due and newest and newest < due),
            # whose clock: NEV_NOW pinned, the demo's own (settings.demo_clock), or the real one
            "clock": "pinned" if os.environ.get("NEV_NOW") else "demo" if settings.demo_clock() else "real",
            "period_end": (period_end or shown).isoformat(),
        }

    def month_to_date(self, metrics, day: dt.date, back: int, where=(), cuts: dict[str, str] | None = None) -> dict:
        """The metrics over the month `back` months before day's, through the same day of the month
        (the whole month when `day` is its month's last): a month still running is compared with
        the same days of the earlier month, never with a whole month. A metric with no day grain (a
        monthly target and what divides by it) is the whole month."""
        start = months_before(month_start(day), back)
        whole = day == month_end(day)
        through = month_end(start) if whole else min(start + (day - month_start(day)), month_end(start))
        daily = [m for m in metrics if not whole and DAY in self.layer.fields((m,))]
        monthly = [m for m in metrics if m not in daily]
        out = {}
        if daily:
            days = [*where, _time_between("day", start, through)]
            out.update(next(iter(self.q(daily, [MONTH], where=days, cuts=cuts)), {}))
        if monthly:
            month = [*where, _on_time("month", start)]
            out.update(next(iter(self.q(monthly, [MONTH], where=month, cuts=cuts)), {}))
        return out

    def incomplete(self, metrics, period_end: dt.date, newest: dt.date) -> dict[str, int]:
        """The cohort metrics whose window has not closed for the period's last cohort: metric -> window."""
        out = {}
        for m in metrics:
            window = self.layer.window_days(m)
            if window is not None and min(period_end, newest) + dt.timedelta(days=window) > newest:
                out[m] = window
        return out

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
        with self.layer.session():  # the page's queries on one opening of the warehouse
            data = build()
            data["data_as_of"] = self.layer.data_as_of()
        data["rendered_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if ads:
            self.last_good_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, ensure_ascii=False, default=str))
        return {**data, **status}

    # --- 门店看板 -------------------------------------------------------------------------------
    def store(self, store: str, chosen_day: dt.date | None = None, cuts: dict[str, str] | None = None) -> dict:
        def build():
            q = functools.partial(self.q, cuts=cuts)
            newest = self.newest_day()
            day = chosen_day or newest
            month = month_start(day)
            where = [on("store", "eq", store)]
            name = q(["store_visit_count"], ["store__store_name"], where=where)
            today = q(STORE_TODAY, [DAY], where=[*where, _on_time("day", day)])
            through = min(month_end(month), day)  # the month to the day shown, as its heading says
            month_row = self.month_to_date(STORE_MONTH, through, 0, where, cuts=cuts)
            before = self.month_to_date(STORE_MONTH_TILES, through, 1, where, cuts=cuts)
            rates = self.month_to_date(STORE_RATES, through, 0, where, cuts=cuts)
            trend = q(
                STORE_TODAY, [DAY], where=[*where, _time_between("day", day - dt.timedelta(days=13), day)], order=[DAY]
            )
            advisors = q(
                ADVISOR_RANKING,
                ["advisor", "advisor__advisor_name"],
                where=[*where, _on_time("month", month)],
                order=["-order_new_count", "-test_drive_count"],
                limit=11,  # ten advisors, whether or not the unassigned row is among them
            )
            # the unassigned row (facts without an advisor) is not an advisor to rank
            advisors = [a for a in advisors if a.get("advisor") not in (None, UNASSIGNED)][:10]
            metrics = {*STORE_MONTH, *STORE_FUNNEL, *STORE_RATES, *ADVISOR_RANKING, "prospect_held_closing_count"}
            labels = self.labels(metrics)
            return {
                "store": store,
                "store_name": name[0]["store__store_name"] if name else store,
                **self.cut_choices(metrics, cuts),
                "day": day.isoformat(),
                "month": month.isoformat()[:7],
                "timing": self.timing(day, newest, min(month_end(month), day)),
                "incomplete": self.incomplete(STORE_RATES, min(month_end(month), day), newest),
                "today": today[0] if today else {},
                "this_month": month_row,
                "month_mom": {m: change(month_row.get(m), before.get(m), m) for m in STORE_MONTH_TILES},
                "rates": rates,
                "advisors": advisors,
                "labels": labels,
                "descriptions": self.descriptions(metrics),
                "today_metrics": STORE_TODAY,
                "month_tiles": STORE_MONTH_TILES,
                "funnel": STORE_FUNNEL,
                "rate_metrics": STORE_RATES,
                "advisor_metrics": ADVISOR_RANKING,
                "charts": {
                    "trend": trend_chart(trend, ["store_visit_count", "lead_count", "order_new_count"], labels, 180),
                    "funnel": funnel_chart(month_row, labels, 160),
                },
            }

        params = {"store": store, "day": chosen_day.isoformat() if chosen_day else None, **(cuts or {})}
        return self.render_data("store", params, build)

    # --- 经营大屏 -------------------------------------------------------------------------------
    def c_level(self, chosen_month: dt.date | None = None, cuts: dict[str, str] | None = None) -> dict:
        def build():
            q = functools.partial(self.q, cuts=cuts)
            newest = self.newest_day()
            day = min(month_end(chosen_month), newest) if chosen_month else newest
            month = month_start(day)
            # this month's KPIs and the funnel's stages in one query; the earlier months' KPIs
            now = self.month_to_date([*NATIONAL_KPIS, *FUNNEL_ONLY], day, 0, cuts=cuts)
            before, year_ago = (self.month_to_date(NATIONAL_KPIS, day, back, cuts=cuts) for back in (1, 12))
            zones = q(
                ZONE_COMPARISON,
                ["store__war_zone", "store__region"],
                where=[_on_time("month", month)],
                order=["store__war_zone", "-delivery_count"],
            )
            aarrr = q(AARRR, [MONTH], where=[_on_time("month", month)])
            delivery = q(
                DELIVERY_TIME,
                [MONTH],
                where=[_time_between("month", months_before(month, 11), month)],
                order=[MONTH],
            )
            trend = q(
                DAILY_TREND,
                [DAY],
                where=[_time_between("day", day - dt.timedelta(days=13), day)],
                order=[DAY],
            )
            metrics = {*NATIONAL_KPIS, *ZONE_COMPARISON, *AARRR, *DELIVERY_TIME, *DAILY_TREND, *STORE_FUNNEL}
            labels = self.labels(metrics)
            big = {
                "axis": {"labelFontSize": 16, "titleFontSize": 16, "labelOverlap": True},
                "legend": {"labelFontSize": 16, "orient": "top"},
            }

            def wall(spec):  # readable at three metres
                spec["config"] = {**spec["config"], **big}
                return spec

            return {
                "day": day.isoformat(),
                "month": month.isoformat()[:7],
                "timing": self.timing(day, newest, day),
                "incomplete": self.incomplete(AARRR, day, newest),
                "kpis": [
                    {
                        "metric": m,
                        "value": now.get(m),
                        "mom": change(now.get(m), before.get(m), m),
                        "yoy": change(now.get(m), year_ago.get(m), m),
                    }
                    for m in NATIONAL_KPIS
                ],
                "zones": zones,
                "aarrr": aarrr[0] if aarrr else {},
                "delivery_time": [
                    {"month": str(r[MONTH])[:7], "days": r["order_to_delivery_days_avg"]} for r in delivery
                ],
                "trend_metrics": DAILY_TREND,
                "labels": labels,
                "descriptions": self.descriptions(metrics),
                "aarrr_metrics": AARRR,
                "zone_metrics": ZONE_COMPARISON,
                **self.cut_choices(metrics, cuts),
                "charts": {
                    "trend": wall(trend_chart(trend, DAILY_TREND, labels, 210)),
                    "zones": wall(
                        chart(
                            "bar",
                            [{**z, "value": z.get("delivery_count")} for z in zones],
                            {
                                "field": "store__region",
                                "type": "nominal",
                                "title": None,
                                "sort": "-y",
                                "axis": {"labelAngle": 0},
                            },
                            {"field": "value", "type": "quantitative", "title": labels["delivery_count"]},
                            {"field": "store__war_zone", "type": "nominal"},
                            height=210,
                        )
                    ),
                    "funnel": wall(funnel_chart(now, labels, 210)),
                    "delivery_time": wall(
                        chart(
                            "line",
                            [{"month": str(r[MONTH])[:7], "value": r["order_to_delivery_days_avg"]} for r in delivery],
                            {"field": "month", "type": "ordinal", "title": None},
                            {"field": "value", "type": "quantitative", "title": "天 days"},
                            height=210,
                        )
                    ),
                },
            }

        params = {"month": chosen_month.isoformat() if chosen_month else None, **(cuts or {})}
        return self.render_data("c_level", params, build)

    # --- 经销商月报 -----------------------------------------------------------------------------
    def dealer_rows(
        self, month: dt.date, where: list, keys=DEALER_KEYS, cuts: dict[str, str] | None = None
    ) -> list[dict]:
        """One row per store (or one row in all, with no keys): each indicator for the month, with
        its MoM and YoY, every figure a metric's answer for that grouping."""
        months = [month, months_before(month, 1), months_before(month, 12)]
        answers = {}
        # the three months in one query, grouped by month too
        for r in self.q(DEALER, [*keys, MONTH], where=[*where, on(MONTH, "in", *months)], cuts=cuts):
            answers[(dt.date.fromisoformat(str(r[MONTH])[:10]), r.get("store"))] = r
        rows = []
        for (m, store_id), r in sorted(answers.items(), key=lambda kv: str(kv[0][1])):
            if m != month:
                continue
            prev, last_year = answers.get((months[1], store_id), {}), answers.get((months[2], store_id), {})
            row = {k: r.get(k) for k in keys}
            for metric in DEALER:
                row[metric] = r.get(metric)
                row[f"{metric}__mom"] = change(r.get(metric), prev.get(metric), metric)
                row[f"{metric}__yoy"] = change(r.get(metric), last_year.get(metric), metric)
            rows.append(row)
        return rows

    def dealer(
        self,
        month: dt.date | None,
        store: str | None,
        places: dict[str, str] | None = None,
        cuts: dict[str, str] | None = None,
    ) -> dict:
        places = {k: v for k, v in (places or {}).items() if v}

        def build():
            newest = self.newest_day()
            chosen = month or month_start(newest)
            where = [on("store", "eq", store)] if store else []
            where += [on(DEALER_FILTERS[k], "eq", v) for k, v in sorted(places.items())]
            rows = self.dealer_rows(chosen, where, cuts=cuts)
            totals = self.dealer_rows(chosen, where, keys=(), cuts=cuts) if rows else []
            labels = self.labels(DEALER)
            span = self.first_and_newest_day()
            chosen_place = ", ".join(places.values())
            return {
                "month": chosen.isoformat()[:7],
                "rows": rows,
                "totals": totals[0] if totals else None,
                "why_empty": None
                if rows
                else f"{chosen:%Y-%m} 没有门店数据 (no store has facts for {chosen:%Y-%m}"
                + (f" in {chosen_place}" if chosen_place else "")
                + (f"; the data runs from {span[0]} to {span[1]})" if span else ")"),
                "metrics": DEALER,
                "labels": labels,
                "descriptions": self.descriptions(DEALER),
                "timing": self.timing(min(month_end(chosen), newest), newest, min(month_end(chosen), newest)),
                "incomplete": self.incomplete(DEALER, min(month_end(chosen), newest), newest),
                "filters": {**places, **(cuts or {})},
                **self.cut_choices(DEALER, cuts),
                "options": {k: sorted({str(r[d]) for r in self.store_places()}) for k, d in DEALER_FILTERS.items()},
                "charts": {
                    "orders": chart(
                        "bar",
                        [{"store": r["store__store_name"], "value": r.get("order_new_count")} for r in rows],
                        {"field": "store", "type": "nominal", "title": None, "sort": "-y", "axis": {"labelAngle": -30}},
                        {"field": "value", "type": "quantitative", "title": labels["order_new_count"]},
                        height=120,
                    )
                },
            }

        params = {"month": month.isoformat() if month else None, "store": store, **(cuts or {}), **places}
        return self.render_data("dealer", params, build)


def dealer_table(data: dict, layer: SemanticLayer) -> tuple[list[str], list[list]]:
    """The dealer report as a header and rows for a download: Chinese labels, MoM and YoY beside
    each (a rate's in percentage points, any other figure's as a fraction), the totals row last."""
    header = ["月份", "门店编号", "门店", "大区", "战区"]
    for metric in data["metrics"]:
        label = data["labels"][metric]
        unit = "百分点 pp" if is_rate(metric) else "%"
        header += (
            [label, f"{label} 环比", f"{label} 同比"]
            if not is_rate(metric)
            else [
                label,
                f"{label} 环比 ({unit})",
                f"{label} 同比 ({unit})",
            ]
        )
    rows = []
    totals = data.get("totals")
    keyed = [(r, [r["store"], r["store__store_name"], r["store__region"], r["store__war_zone"]]) for r in data["rows"]]
    if totals:
        keyed.append((totals, ["", "合计 total", "", ""]))
    for r, keys in keyed:
        row = [data["month"], *keys]
        for metric in data["metrics"]:
            mom, yoy = r[f"{metric}__mom"], r[f"{metric}__yoy"]
            if is_rate(metric):  # points, as the header says
                mom, yoy = (None if v is None else round(v * 100, 4) for v in (mom, yoy))
            row += [r[metric], mom, yoy]
        rows.append(row)
    return header, rows
