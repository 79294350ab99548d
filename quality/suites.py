"""What Great Expectations checks, as data: one suite per table under validation.

dbt's tests hold the fixed rules on every row (keys, relationships, code sets, the contract's
bounds, reconciliations). Great Expectations checks what a fixed rule cannot say, on the batch
under validation (the landing day a run is for):
- arrival: the source sent rows for the day, as often as the landing contract expects;
- volume against a baseline: the day is not much smaller than the seven before it;
- drift: the share of codes outside the contract's code set, of identities matched, of orders
  attributed to a lead, of a day's active members, against fixed shares or the days before;
- shares of bad input: the rows rejected and the values quarantined on the day, per table;
- reconciliation: what the boards read (the DWS and ADS tables) adds up to the DWD facts it is
  counted from, on every day and month the batch touched.
A failed expectation reports a sentence that names the table, the column, the day and the numbers.

Severity: `blocking` suites (raw, ODS, DWD, and the ADS reconciliation) stop the layer above from
being built or fail the run; `gating` suites (the other ADS ones) keep dashboards from presenting
the table as good. `make dq` fails on either, and the boards warn on either. The one `warning`
suite lists every row set aside on the batch day (rejected or with a value quarantined) below the
flood threshold: a warning check in Dagster, a line in the alert log, a count on the boards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations.expectations as gxe

import contract
from contract.landing import landed_at_sql

# The share of a table's new codes that may fall outside its code set before its source is taken
# to have changed its codes (a few undocumented codes are expected, and kept as 'unknown').
MAX_UNKNOWN_CODE_SHARE = 0.1
VOLUME_SHARE = 0.5  # a landing day below half the average of the days before it fails
MATCHED_SHARE = 0.8  # the identities OneID matches to a person by phone, at least
VOLUME_DAYS = 7


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
        """The columns the expectations look at (None: the whole batch)."""
        names: list[str] = []
        for e in self.expectations:
            for one in (
                getattr(e, "column", None),
                getattr(e, "column_A", None),
                getattr(e, "column_B", None),
                *(getattr(e, "column_list", None) or []),
            ):
                if one and one not in names:
                    names.append(one)
        return names or None


def suite(
    layer: str, table: str, batch_sql: str, expectations: list, what: str, severity: str = "", prefix: str = ""
) -> Suite:
    """The one way a suite is made: named for its layer and table, blocking below ADS."""
    name = prefix + table.split(".")[-1]
    severity = severity or ("gating" if layer == "ads" else "blocking")
    return Suite(f"{layer}__{name}", layer, severity, table, batch_sql, expectations, what)


def no_problem(column: str) -> gxe.ExpectColumnValuesToBeNull:
    """A batch column that holds a sentence where something is wrong, null where all is well."""
    return gxe.ExpectColumnValuesToBeNull(column=column)


# The suites' SQL is written once for every engine GX reads (quality/batch_readers.py), but for this:
# a date from text, null where the text is not one. PostgreSQL has no try_cast: the dbt build
# creates nev_helpers.try_date (macros/adapters/engine_setup.sql).
TRY_DATE = {"duckdb": "try_cast({} as date)", "postgres": "nev_helpers.try_date({})"}
# A raw landing time as a business-time timestamp (the landing contract's format), and its business day.
LANDED_AT = landed_at_sql()
LANDING_DAY = f"cast({LANDED_AT} as date)"
DAY = "cast('{day}' as date)"


def newest_event_day_sql(dialect: str = "duckdb") -> str:
    """The newest business day of the real-time APP events as landed: the day a run validates by default."""
    return f"select max({TRY_DATE[dialect].format('substr(event_at, 1, 10)')}) from raw.raw_app__events"


def _text(sql: str) -> str:
    """An SQL text expression as text (the engines render numbers and times alike this way)."""
    return f"cast({sql} as varchar)"


def _raw_suite(t: contract.RawTable) -> Suite:
    codes = [c for c in t.columns if c.codes]
    code_columns = ", ".join(f"upper(trim({c.name})) as {c.name}__code" for c in codes)
    expectations = [
        gxe.ExpectColumnValuesToBeInSet(
            column=f"{c.name}__code",
            value_set=sorted({s.upper() for spellings in c.codes.values() for s in spellings}),
            mostly=1 - MAX_UNKNOWN_CODE_SHARE,
        )
        for c in codes
    ]
    if not t.landed:
        # Reference data is sent whole: the table must hold rows.
        batch = (
            f"select {code_columns + ', ' if codes else ''}"
            f"case when (select count(*) from raw.{t.name}) = 0 then '{t.name}: the table is empty' end "
            f"as arrival_problem from raw.{t.name} right join (select 1 as one) as always on true"
        )
        return suite(
            "raw",
            f"raw.{t.name}",
            batch,
            [no_problem("arrival_problem"), *expectations],
            "the whole table (reference data, sent whole)",
        )
    sla = t.landing_hours or 24
    # The day's rows, and one row for the day itself, so that a day with no rows is a batch too.
    batch = f"""
        with landed as (
            select *, {LANDED_AT} as landed_at from raw.{t.name}
        ),
        day as (
            select
                count(*) filter (where cast(landed_at as date) = {DAY}) as rows_on_day,
                max(landed_at) filter (where cast(landed_at as date) <= {DAY}) as newest_landing,
                count(*) filter (where cast(landed_at as date) between {DAY} - {VOLUME_DAYS} and {DAY} - 1)
                    / {VOLUME_DAYS}.0 as usual_rows
            from landed
        )
        select
            case
                when day.newest_landing is null then '{t.name}: nothing has landed up to {{day}}'
                when day.rows_on_day = 0 and {sla} <= 24 then '{t.name}: no rows landed for {{day}} (newest landing '
                    || {_text("day.newest_landing")} || '; a batch is expected every {sla} h)'
                when day.newest_landing < cast({DAY} + 1 as timestamp) - interval '{sla} hours'
                    then '{t.name}: no rows landed in the {sla} h up to the end of {{day}} (newest landing '
                    || {_text("day.newest_landing")} || ')'
            end as arrival_problem,
            case when {"true" if t.large else "false"} and day.rows_on_day > 0 and day.rows_on_day < {VOLUME_SHARE} * day.usual_rows
                then '{t.name}: ' || {_text("day.rows_on_day")} || ' rows landed on {{day}}, under {VOLUME_SHARE:.0%} '
                    || 'of the average of the {VOLUME_DAYS} days before (' || {_text("round(day.usual_rows, 1)")} || ')'
            end as volume_problem
            {", " + ", ".join(f"upper(trim(landed.{c.name})) as {c.name}__code" for c in codes) if codes else ""}
        from day
        left join landed on cast(landed.landed_at as date) = {DAY}"""
    return suite(
        "raw",
        f"raw.{t.name}",
        batch,
        [no_problem("arrival_problem"), no_problem("volume_problem"), *expectations],
        f"rows landed on the batch day (a batch expected every {sla} h), against the {VOLUME_DAYS} days before",
    )


# What went wrong with a row, without the value: "visited_at: cannot parse '31/10/2026'; " ->
# "visited_at: cannot parse …", "store_id: 'ST9' is not in raw_ref__stores; " -> "store_id: … is not
# in raw_ref__stores". Bad values differ row by row; grouped by value, a flood of distinct bad values
# would be many groups of one, each under the flood threshold.
def _problem(reason: str) -> str:
    return f"trim(regexp_replace(split_part({reason}, ';', 1), chr(39) || '.*' || chr(39), '…'))"


def _column(reason: str) -> str:
    return f"trim(split_part({reason}, ':', 1))"


SET_ASIDE_SUITE = "ods__set_aside_ods_quality__rejected_rows"
SET_ASIDE_ON_DAY = f"(cast(_loaded_at as date) = {DAY} or _loaded_at is null)"


def _set_aside_suite() -> Suite:
    """Every row set aside on the batch day, below the flood threshold too: table, key, column, the
    kind of problem and where the row is (file and row); never the value, which can be personal data."""
    batch = f"""
        with set_aside as (
            select raw_table, raw_key, source_file, source_row, {_problem("reject_reason")} as problem,
                'rejected' as outcome
            from ods.ods_quality__rejected_rows where {SET_ASIDE_ON_DAY}
            union all
            select raw_table, raw_key, source_file, source_row, {_problem("quarantined")} as problem,
                'quarantined' as outcome
            from ods.ods_quality__quarantined_values where {SET_ASIDE_ON_DAY}
        )
        select
            s.outcome,
            case when s.raw_table is not null then s.raw_table || ' ' || s.outcome || ' key '
                || coalesce(nullif(s.raw_key, ''), '(blank)') || ': ' || s.problem || ' ('
                || coalesce(s.source_file, 'file unknown')
                || coalesce(' row ' || cast(s.source_row as varchar), '') || ')' end as set_aside
        from set_aside as s
        right join (select 1 as one) as always on true"""
    return suite(
        "ods",
        "ods.ods_quality__rejected_rows",
        batch,
        [no_problem("set_aside")],
        "every row rejected or value quarantined on the batch day, with its table, key and problem",
        severity="warning",
        prefix="set_aside_",
    )


def _reject_share_suite() -> Suite:
    """The ODS gate: rows rejected and values quarantined on the day, per raw table, column and kind
    of problem (never per value)."""
    batch = f"""
        with day as (
            select raw_table, sum(rows_landed) as rows_landed
            from ods.ods_quality__landing_batches
            where landing_date = {DAY} or landing_date is null
            group by raw_table
        ),
        rejected as (
            select raw_table, {_problem("reject_reason")} as first_problem, count(*) as rows_rejected
            from ods.ods_quality__rejected_rows
            where {SET_ASIDE_ON_DAY}
            group by raw_table, {_problem("reject_reason")}
        ),
        quarantined as (
            select raw_table, {_column("quarantined")} as column_name, count(*) as rows_quarantined
            from ods.ods_quality__quarantined_values
            where {SET_ASIDE_ON_DAY}
            group by raw_table, {_column("quarantined")}
        )
        select
            day.raw_table,
            case when r.rows_rejected > {contract.MIN_BAD_ROWS} and r.rows_rejected > {contract.MAX_REJECT_SHARE} * day.rows_landed
                then day.raw_table || ': ' || {_text("r.rows_rejected")} || ' of ' || {_text("day.rows_landed")}
                    || ' rows landed on {{day}} rejected for "' || r.first_problem || '" (more than '
                    || '{contract.MAX_REJECT_SHARE:.0%})'
            end as reject_problem,
            case when q.rows_quarantined > {contract.MIN_BAD_ROWS} and q.rows_quarantined > {contract.MAX_QUARANTINE_SHARE} * day.rows_landed
                then day.raw_table || '.' || q.column_name || ': ' || {_text("q.rows_quarantined")} || ' of '
                    || {_text("day.rows_landed")} || ' rows landed on {{day}} had the value quarantined (more than '
                    || '{contract.MAX_QUARANTINE_SHARE:.0%})'
            end as quarantine_problem
        from day
        left join rejected as r on day.raw_table = r.raw_table
        left join quarantined as q on day.raw_table = q.raw_table"""
    return suite(
        "ods",
        "ods.ods_quality__landing_batches",
        batch,
        [no_problem("reject_problem"), no_problem("quarantine_problem")],
        "every raw table's rows landed on the batch day: shares rejected and quarantined",
    )


@dataclass(frozen=True)
class Count:
    """A published column and the fact it counts: `fact` rows (or `measure`) on `date` where `condition`."""

    column: str
    fact: str
    date: str
    condition: str | None = None
    measure: str = "count(*)"
    published: str = ""  # how the table adds the column up (default: sum)

    @property
    def total(self) -> str:
        return self.published or f"sum({self.column})"


_VISITS = Count("store_visits", "dwd.dwd_fct_store_visit", "visited_date")
_CARDS = Count("cards_created", "dwd.dwd_fct_lead", "card_created_date", "is_carded")
_TEST_DRIVES = Count("test_drives", "dwd.dwd_fct_test_drive", "drive_date")
_NEW_ORDERS = Count("new_orders", "dwd.dwd_fct_vehicle_order", "created_date")
_ORDER_STAGES = [
    _NEW_ORDERS,
    Count("valid_orders", "dwd.dwd_fct_vehicle_order", "deposit_date", "is_valid"),
    Count("locked_orders", "dwd.dwd_fct_vehicle_order", "locked_date", "locked_at is not null"),
    Count("cancellations", "dwd.dwd_fct_vehicle_order", "cancelled_date", "cancelled_at is not null"),
]
_DELIVERIES = Count("deliveries", "dwd.dwd_fct_delivery", "delivered_date")
# The boards' DAU counts the DWS member-days, which the DWS gate reconciles with the events on every
# day a batch's events fall on: a distinct count over the events of every day the ADS gate covers
# took 3.7 s of the 15-minute batch at SF 1, this 0.2 s.
_MEMBER_DAYS = Count("daily_active_members", "dws.dws_app_member_daily", "activity_date")
_TICKETS = Count("tickets_opened", "dwd.dwd_fct_service_ticket", "created_date")
# Tables whose facts land too many to list the days a batch touched cheaply (the APP events): their
# check covers the batch day and the day before (events of a session that crosses midnight).
_EVENT_FACTS = {"dwd.dwd_fct_app_event"}

# What the boards read, and the facts each of its columns counts (DWD's; the DAU, DWS member-days):
# (table, its day or month column, its grain, the counts). The ADS gate adds each up on every day
# (month) the batch touched.
RECONCILED: list[tuple[str, str, str, list[Count]]] = [
    (
        "dws.dws_sales_funnel_daily",
        "activity_date",
        "day",
        [
            _VISITS,
            Count("new_leads", "dwd.dwd_fct_lead", "created_date"),
            _CARDS,
            _TEST_DRIVES,
            *_ORDER_STAGES,
            _DELIVERIES,
        ],
    ),
    (
        "ads.ads_sales_full_cycle_monthly",
        "month_start",
        "month",
        [
            _VISITS,
            Count("new_prospects", "dwd.dwd_fct_lead", "created_date"),
            _CARDS,
            _TEST_DRIVES,
            *_ORDER_STAGES,
            _DELIVERIES,
        ],
    ),
    (
        "ads.ads_aarrr_overview_daily",
        "activity_date",
        "day",
        [
            _MEMBER_DAYS,
            _VISITS,
            Count("new_leads", "dwd.dwd_fct_lead", "created_date"),
            Count("vehicle_orders", "dwd.dwd_fct_vehicle_order", "created_date"),
            _DELIVERIES,
        ],
    ),
    (
        "dws.dws_app_member_daily",
        "activity_date",
        "day",
        [Count("active members", "dwd.dwd_fct_app_event", "event_date", None, "count(distinct member_id)", "count(*)")],
    ),
    (
        "dws.dws_app_session_daily",
        "session_date",
        "day",
        [
            Count("sessions", "dwd.dwd_fct_app_session", "session_date"),
            Count("bounced_sessions", "dwd.dwd_fct_app_session", "session_date", "is_bounce"),
        ],
    ),
    ("dws.dws_service_daily", "activity_date", "day", [_TICKETS]),
    ("ads.ads_service_overview_daily", "activity_date", "day", [_TICKETS]),
]


def _period(grain: str, sql: str) -> str:
    return sql if grain == "day" else f"cast(date_trunc('{grain}', {sql}) as date)"


def reconciliation_sql(table: str, period: str, grain: str, counts: list[Count], touched_only: bool = True) -> str:
    """One row per count and touched period: a sentence where the table's total differs from DWD's."""
    facts = sorted({c.fact for c in counts})
    touched = [f"select {DAY} as d", f"select {DAY} - 1 as d"]
    for fact in facts:
        if fact not in _EVENT_FACTS:
            dates = sorted({c.date for c in counts if c.fact == fact})
            touched += [
                f"select {d} as d from {fact} where cast(_loaded_at as date) = {DAY} and {d} is not null" for d in dates
            ]
    published = " union all ".join(
        f"select {period} as p, '{c.column}' as measure, {c.total} as n from {table}"
        + (f" where {period} in (select p from periods)" if touched_only else "")
        + f" group by {period}"
        for c in counts
    )
    counted = " union all ".join(
        f"select {_period(grain, c.date)} as p, '{c.column}' as measure, {c.measure} as n from {c.fact}"
        + " where "
        + " and ".join(
            [f"{c.date} is not null"]
            + ([f"{_period(grain, c.date)} in (select p from periods)"] if touched_only else [])
            + ([c.condition] if c.condition else [])
        )
        + f" group by {_period(grain, c.date)}"
        for c in counts
    )
    name = table.split(".")[-1]
    fact_of = " ".join(f"when '{c.column}' then '{c.fact}'" for c in counts)
    return f"""
        with touched as ({" union ".join(touched)}),
        periods as (select distinct {_period(grain, "d")} as p from touched),
        published as ({published}),
        counted as ({counted})
        select case when coalesce(t.n, 0) <> coalesce(f.n, 0)
            then '{name}.' || coalesce(t.measure, f.measure) || ' on ' || {_text("coalesce(t.p, f.p)")} || ': '
                || {_text("coalesce(t.n, 0)")} || ' in the table, ' || {_text("coalesce(f.n, 0)")} || ' in '
                || case coalesce(t.measure, f.measure) {fact_of} end
            end as reconcile_problem
        from published as t
        full outer join counted as f on t.p = f.p and t.measure = f.measure"""


def _reconciliation_suites() -> list[Suite]:
    # A DWS table's check runs with the DWS layer, so that a DWS table that does not add up stops ADS
    # from being built on it; an ADS table's with ADS. Both are the gate the boards and the API show.
    return [
        suite(
            table.split(".")[0],
            table,
            reconciliation_sql(table, period, grain, counts),
            [no_problem("reconcile_problem")],
            f"every {grain} the batch touched: {', '.join(c.column for c in counts)} equal the DWD facts they count",
            severity="blocking",
            prefix="reconcile_",
        )
        for table, period, grain, counts in RECONCILED
    ]


def suites(dialect: str = "duckdb") -> list[Suite]:
    """Every suite, its batch SQL in the dialect of the engine GX reads (duckdb or postgres)."""
    del dialect  # the SQL is portable; the engines differ only in TRY_DATE
    out = [_raw_suite(t) for t in contract.TABLES]
    out.append(_reject_share_suite())
    out.append(_set_aside_suite())
    out += _reconciliation_suites()
    # One row, counted in the database: the share of 3M identities (SF 1) read into pandas cost 1.2 s
    # of every 15-minute run.
    systems = ", ".join(f"'{system}'" for system in ("crm", "oms", "app", "aftersales"))
    out.append(
        suite(
            "dwd",
            "dwd.dwd_dim_customer_identity",
            f"""select case when matched < {MATCHED_SHARE} * identities
                    then 'dwd_dim_customer_identity: ' || {_text("matched")} || ' of ' || {_text("identities")}
                        || ' identities matched to a person by phone, under {MATCHED_SHARE:.0%}'
                end as match_problem
            from (
                select
                    count(*) as identities,
                    count(*) filter (
                        where source_system in ({systems}) and match_rule in ('phone', 'linked_lead_phone')
                    ) as matched
                from dwd.dwd_dim_customer_identity
            ) as shares""",
            [no_problem("match_problem")],
            f"every identity: at least {MATCHED_SHARE:.0%} matched to a person by phone (OneID)",
        )
    )
    out.append(
        suite(
            "dwd",
            "dwd.dwd_fct_vehicle_order",
            f"select coalesce(lead_attribution, 'none') as lead_attribution from dwd.dwd_fct_vehicle_order "
            f"where created_date between {DAY} - 90 and {DAY}",
            [gxe.ExpectColumnValuesToBeInSet(column="lead_attribution", value_set=["linked", "one_id"], mostly=0.9)],
            "orders of the 90 days up to the batch day: at least 90% attributed to a lead",
        )
    )
    out.append(
        suite(
            "ads",
            "ads.ads_aarrr_overview_daily",
            f"""select case when d.daily_active_members < {VOLUME_SHARE} * b.usual
                    -- judged once the day has closed: a slice of the day is not a day
                    and exists (select 1 from ods.ods_quality__landing_minutes as l where l.landing_date > {DAY})
                  then 'ads_aarrr_overview_daily: ' || {_text("d.daily_active_members")} || ' daily active members on '
                      || '{{day}}, under {VOLUME_SHARE:.0%} of the average of the {VOLUME_DAYS} days before ('
                      || {_text("round(b.usual, 1)")} || ')' end as dau_problem
            from (select daily_active_members from ads.ads_aarrr_overview_daily where activity_date = {DAY}) as d
            cross join (select avg(daily_active_members) as usual from ads.ads_aarrr_overview_daily
                        where activity_date between {DAY} - {VOLUME_DAYS} and {DAY} - 1) as b""",
            [no_problem("dau_problem")],
            f"the batch day's active members against the {VOLUME_DAYS} days before, once the day has closed",
        )
    )
    out.append(
        suite(
            "ads",
            "ads.ads_sales_full_cycle_monthly",
            f"""with months as (
                select month_start, sum(new_prospects) as new_leads, sum(store_visits) as visits
                from ads.ads_sales_full_cycle_monthly
                where month_start <= cast(date_trunc('month', {DAY}) as date)
                group by month_start
            ),
            ranked as (select *, row_number() over (order by month_start desc) as months_back from months)
            select case when c.new_leads < 0.5 * avg(p.new_leads) or c.new_leads > 2 * avg(p.new_leads)
                       then 'ads_sales_full_cycle_monthly: ' || {_text("c.new_leads")} || ' new leads in '
                           || {_text("c.month_start")} || ', outside half to twice the average of the 3 months before ('
                           || {_text("round(avg(p.new_leads), 1)")} || ')' end as lead_volume_problem
            from ranked as c
            inner join ranked as p on p.months_back between 3 and 5
            where c.months_back = 2
            group by c.new_leads, c.month_start""",
            [no_problem("lead_volume_problem")],
            "the last complete month's new leads against the 3 months before it",
        )
    )
    return out
