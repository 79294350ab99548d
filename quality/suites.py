"""What Great Expectations checks, as data: one suite per table under validation.

Each suite names the SQL that reads its batch from DuckDB (the newest landing day of a raw or
large table, the whole table otherwise), its severity, and its expectations. `python -m quality
sync` writes the suites, validation definitions and checkpoints into the GX file context (gx/);
`python -m quality run` evaluates them on DataFrame batches read from the warehouse.

Severity: `blocking` suites (raw and ODS/DWD) stop downstream models from being published;
`gating` suites (ADS) keep dashboards from showing a bad table. `make dq` fails on either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations.expectations as gxe

from datagen import schemas

# Runtime parameters every batch query and suite may use.
#   {day}: the landing day under validation (business date, YYYY-MM-DD).
RATE_COLUMNS = {
    "ads_sales_full_cycle_monthly": [
        "test_drive_rate", "visit_card_rate", "new_prospect_conversion_rate", "held_prospect_conversion_rate",
        "order_close_rate", "held_order_close_rate", "cancellation_rate", "new_order_close_rate",
        "net_phone_card_rate", "outreach_card_rate", "lead_timeliness_rate", "online_invite_arrival_rate",
        "outreach_invite_arrival_rate", "lead_duplicate_rate"],
    "ads_aarrr_overview_daily": [
        "bounce_rate", "retention_d1", "retention_d7", "retention_d30", "stickiness", "referral_rate"],
}

# Raw codes the sources are documented to send, in every spelling ODS maps.
RAW_CODES = {
    ("raw_crm__leads", "source_channel"): ["APP", "WEB", "NET_PHONE", "OUTREACH", "REFERRAL", "WALK_IN",
                                           "AUTO_MEDIA", "EVENT", "app", " App ", "net_phone", "网电", "outreach",
                                           "外拓", "walk-in", "WALKIN"],
    ("raw_crm__leads", "lead_status"): ["NEW", "FOLLOWING", "DORMANT", "DEFEATED", "CONVERTED"],
    ("raw_oms__vehicle_orders", "order_status"): ["INTENT", "DEPOSIT", "LOCKED", "CANCELLED", "DELIVERED", "intent",
                                                  "deposit", "Deposit", "locked", "delivered"],
    ("raw_showroom__store_visits", "visit_purpose"): ["01", "02", "03", "1", "2", "3", "PURCHASE", "AFTER_SALES"],
    ("raw_app__events", "event_type"): ["app_open", "article_read", "article_share", "poster_read", "poster_share",
                                        "model_page_click", "configurator_step", "post_create"],
    ("raw_aftersales__service_tickets", "ticket_type"): ["MAINT", "MAINTENANCE", "maint", "RESCUE", "rescue",
                                                         "COMPLAINT", "SUGGESTION", "ACCIDENT_EST"],
}
# Plausible as typed: digits with spaces, dashes, brackets and a leading +.
PHONE_SHAPE = r"^\s*(?:\+|\(\+)?[0-9][0-9 ()+-]{8,18}\s*$"
EVENT_TIME_FUTURE_DAYS = 1
# Large (real-time) tables are validated one landing day at a time; the others land a few rows a
# day, so their batch is the last week of landings.
SMALL_TABLE_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Suite:
    name: str
    layer: str  # raw, ods, dwd, ads
    severity: str  # blocking or gating
    table: str  # schema.table under validation
    batch_sql: str  # may use {day}
    expectations: list = field(default_factory=list)
    what: str = ""

    def columns_read(self) -> list[str] | None:
        """The columns the expectations look at, or None when one needs them all (the column set)."""
        if any(isinstance(e, gxe.ExpectTableColumnsToMatchSet) for e in self.expectations):
            return None
        names: list[str] = []
        for e in self.expectations:
            for one in (getattr(e, "column", None), getattr(e, "column_A", None), getattr(e, "column_B", None),
                        *(getattr(e, "column_list", None) or [])):
                if one and one not in names:
                    names.append(one)
        return names or None


# The suites' SQL is written once for every engine GX reads (quality/engines.py), but for this:
# a date from text, null where the text is not one. PostgreSQL has no try_cast: the dbt build
# creates nev_helpers.try_date (macros/engines.sql, postgres__engine_setup).
TRY_DATE = {"duckdb": "try_cast({} as date)", "postgres": "nev_helpers.try_date({})"}
LANDING_DAY = "cast(cast(replace(replace(_loaded_at, 'T', ' '), 'Z', '') as timestamp) + interval '8 hours' as date)"


def newest_event_day_sql(dialect: str = "duckdb") -> str:
    """The newest business day of the real-time APP events as landed: the day a daily run validates."""
    return f"select max({TRY_DATE[dialect].format('substr(event_at, 1, 10)')}) from raw.raw_app__events"


def _raw_suite(t: schemas.RawTable, dialect: str) -> Suite:
    cols = t.column_names
    landed = "_loaded_at" in cols
    key = list(t.key) + (["updated_at"] if t.cdc else [])
    if landed:
        # Exact duplicates and CDC re-sends are expected dirt: collapsed before the key check.
        value_cols = [c for c in cols if c != "_loaded_at"]
        checks = {
            "event_days_after_batch":
                f"{TRY_DATE[dialect].format(f'substr({t.event_time}, 1, 10)')} - cast('{{day}}' as date)",
            "days_since_newest_landing":
                f"cast('{{day}}' as date) - (select max({LANDING_DAY}) from raw.{t.name})",
        }
        window = 1 if t.large else SMALL_TABLE_WINDOW_DAYS
        batch = (f"select *, {', '.join(f'{expr} as {name}' for name, expr in checks.items())} from ("
                 f"select {', '.join(value_cols)}, max(_loaded_at) as _loaded_at from raw.{t.name} "
                 f"where {LANDING_DAY} between cast('{{day}}' as date) - {window - 1} and cast('{{day}}' as date) "
                 f"group by {', '.join(value_cols)}) as landed")
        columns = cols + list(checks)
        what = (f"rows landed on the batch day{'' if window == 1 else f' and the {window - 1} days before'}, "
                "exact re-sends collapsed")
    else:
        batch, columns, what = f"select * from raw.{t.name}", cols, "the whole table"
    ex = [gxe.ExpectTableColumnsToMatchSet(column_set=columns, exact_match=True),
          gxe.ExpectTableRowCountToBeBetween(min_value={"$PARAMETER": f"{t.name}__min_rows"})]
    # A missing key is never expected; other required fields may miss in a few rows (they go to the
    # reject model), a systematic gap fails.
    ex += [gxe.ExpectColumnValuesToNotBeNull(column=c.name) if c.name in t.key
           else gxe.ExpectColumnValuesToNotBeNull(column=c.name, mostly=0.99)
           for c in t.columns if c.required]
    ex.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=key) if len(key) > 1
              else gxe.ExpectColumnValuesToBeUnique(column=key[0]))
    # A few unknown codes are expected dirt (ODS keeps them as 'unknown'); a source that changes its
    # code list shows up as more than a tenth of a batch.
    ex += [gxe.ExpectColumnValuesToBeInSet(column=col, value_set=values, mostly=0.9)
           for (table, col), values in RAW_CODES.items() if table == t.name]
    for c in t.columns:
        if "phone" in c.name:
            ex.append(gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=PHONE_SHAPE, mostly=0.95))
        if c.name in ("vehicle_price", "msrp"):
            ex.append(gxe.ExpectColumnValuesToMatchRegex(column=c.name, regex=r"^[0-9]{5,7}(?:\.[0-9]{1,2})?$",
                                                         mostly=0.99))
    if landed:
        # No event dated after the batch day (+1 for time zones); the source is still sending.
        ex.append(gxe.ExpectColumnMaxToBeBetween(column="event_days_after_batch", max_value=EVENT_TIME_FUTURE_DAYS))
        ex.append(gxe.ExpectColumnMaxToBeBetween(column="days_since_newest_landing", max_value=1 if t.large else 7))
    return Suite(f"raw__{t.name}", "raw", "blocking", f"raw.{t.name}", batch, ex, what)


def _key_suite(layer: str, table: str, key: str, sql: str | None = None, what: str = "the whole table",
               extra: list | None = None) -> Suite:
    ex = [gxe.ExpectColumnValuesToNotBeNull(column=key), gxe.ExpectColumnValuesToBeUnique(column=key)]
    return Suite(f"{layer}__{table}", layer, "blocking", f"{layer}.{table}",
                 sql or f"select * from {layer}.{table}", ex + (extra or []), what)


def suites(dialect: str = "duckdb") -> list[Suite]:
    """Every suite, its batch SQL in the dialect of the engine GX reads (duckdb or postgres)."""
    out = [_raw_suite(t, dialect) for t in schemas.TABLES]
    out += [
        _key_suite("ods", "ods_crm__leads", "lead_id", "select * from ods.ods_crm__leads where is_current",
                   "current versions", [gxe.ExpectColumnValuesToBeInSet(
                       column="source_channel", value_set=["app", "web", "net_phone", "outreach", "referral",
                                                           "walk_in", "auto_media", "event", "unknown"])]),
        _key_suite("ods", "ods_app__events", "event_id",
                   "select * from ods.ods_app__events where cast(_loaded_at as date) = cast('{day}' as date)",
                   "rows landed on the batch day", [gxe.ExpectColumnValuesToNotBeNull(column="event_at")]),
        _key_suite("ods", "ods_showroom__store_visits", "visit_id",
                   "select * from ods.ods_showroom__store_visits where cast(_loaded_at as date) = cast('{day}' as date)",
                   "rows landed on the batch day"),
        _key_suite("dwd", "dwd_dim_customer", "one_id"),
        _key_suite(
            "dwd", "dwd_fct_vehicle_order", "order_id",
            """select o.order_id, c.one_id is not null as customer_in_one_id,
                      s.store_id is not null as store_known,
                      (select count(*) from dwd.dwd_fct_vehicle_order) as orders,
                      (select count(*) from dwd.dwd_fct_vehicle_order as x
                         join dwd.dwd_dim_store as s2 on x.store_id = s2.store_id
                         join dwd.dwd_dim_vehicle_model as m on x.model_code = m.model_code
                         left join dwd.dwd_dim_customer as c2 on x.one_id = c2.one_id) as orders_after_joins
               from dwd.dwd_fct_vehicle_order as o
               left join dwd.dwd_dim_customer as c on o.one_id = c.one_id
               left join dwd.dwd_dim_store as s on o.store_id = s.store_id""",
            "every order, joined to its customer and store",
            [gxe.ExpectColumnValuesToBeInSet(column="customer_in_one_id", value_set=[True]),
             gxe.ExpectColumnValuesToBeInSet(column="store_known", value_set=[True]),
             gxe.ExpectColumnPairValuesToBeEqual(column_A="orders", column_B="orders_after_joins")]),
        _key_suite("dwd", "dwd_fct_store_visit", "visit_id",
                   """select v.*, v.one_id is null or c.one_id is not null as visitor_in_one_id
                      from dwd.dwd_fct_store_visit as v left join dwd.dwd_dim_customer as c on v.one_id = c.one_id
                      where v.visited_date = cast('{day}' as date)""",
                   "visits on the batch day",
                   [gxe.ExpectColumnValuesToBeInSet(column="visitor_in_one_id", value_set=[True])]),
    ]
    sales_rates = [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1)
                   for c in RATE_COLUMNS["ads_sales_full_cycle_monthly"]]
    monotonic = [("new_prospects", "visited_leads"), ("visited_leads", "test_driven_leads"),
                 ("visited_leads", "visited_ordered_leads"), ("store_visits", "purchase_visits"),
                 ("new_orders", "new_orders_validated"), ("new_orders", "new_orders_cancelled")]
    out.append(Suite(
        "ads__ads_sales_full_cycle_monthly", "ads", "gating", "ads.ads_sales_full_cycle_monthly",
        """select a.*, d.dwd_new_orders, coalesce(m.ads_new_orders, 0) as ads_month_new_orders
           from ads.ads_sales_full_cycle_monthly as a
           left join (select month_start, sum(new_orders) as ads_new_orders
                      from ads.ads_sales_full_cycle_monthly group by month_start) as m on a.month_start = m.month_start
           left join (select cast(date_trunc('month', created_date) as date) as month_start,
                             count(*) as dwd_new_orders
                      from dwd.dwd_fct_vehicle_order group by 1) as d on a.month_start = d.month_start""",
        sales_rates
        + [gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A=a, column_B=b, or_equal=True) for a, b in monotonic]
        + [gxe.ExpectColumnPairValuesToBeEqual(column_A="ads_month_new_orders", column_B="dwd_new_orders",
                                               ignore_row_if="either_value_is_missing")],
        "every row"))
    out.append(Suite(
        "ads__ads_aarrr_overview_daily", "ads", "gating", "ads.ads_aarrr_overview_daily",
        """select a.*, (select sum(deliveries) from ads.ads_aarrr_overview_daily) as ads_deliveries,
                  (select count(*) from dwd.dwd_fct_delivery) as dwd_deliveries
           from ads.ads_aarrr_overview_daily as a""",
        [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1)
         for c in RATE_COLUMNS["ads_aarrr_overview_daily"]]
        + [gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="monthly_active_members",
                                                       column_B="daily_active_members", or_equal=True),
           gxe.ExpectColumnPairValuesToBeEqual(column_A="ads_deliveries", column_B="dwd_deliveries")],
        "every day"))
    return out
