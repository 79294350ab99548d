-- APP activity per member and day: one row per member active on a day (the base of DAU, MAU and retention).
-- Incremental by day: a batch re-derives every day its new events fall on, late ones included.
-- Sessions are counted in two steps (member x day x session, then member x day), not with a distinct
-- count, and a full build past month_pieces_above_rows events goes a month at a time (macros/incremental.sql,
-- month_pieces): at SF 10 one piece over 667M events spilled more than 16 GB of disk at a 16 GB memory
-- limit, twelve none. A batch reads the events between its first and last event day only (as literals,
-- which DuckDB's zonemaps prune: the day list alone made it read all 67M events at SF 1).
{{ config(materialized='incremental', unique_key='activity_date', incremental_strategy='delete+insert') }}

{%- set pieces = month_pieces(ref('dwd_fct_app_event'), 'event_date') %}
{%- set span = none %}
{%- if is_incremental() and execute %}
{%- set span = run_query(
    "select min(event_date), " ~ dbt.dateadd('day', 1, 'max(event_date)') ~ " from " ~ ref('dwd_fct_app_event')
    ~ " where " ~ landed_since_last_run()
).rows[0] %}
{%- endif %}

with
{%- for piece in pieces %}
member_day_sessions_{{ loop.index }} as (
    select
        e.event_date,
        e.member_id,
        e.session_id,
        count(*) as events,
        sum(e.dwell_seconds) as dwell_seconds,
        sum(case when e.event_type in ('article_share', 'poster_share') then 1 else 0 end) as content_shares,
        sum(case when e.event_type in ('article_read', 'poster_read') then 1 else 0 end) as content_reads,
        sum(case when e.event_type = 'model_page_click' then 1 else 0 end) as model_page_clicks,
        sum(case when e.event_type = 'post_create' then 1 else 0 end) as posts,
        max(e._loaded_at) as _loaded_at
    from {{ ref('dwd_fct_app_event') }} as e
    where
        {{ keys_touched_by_batch('e.event_date', ref('dwd_fct_app_event'), 'event_date') }}
        and {{ within_span('e.event_at', span) }}
        and {{ in_piece('e.event_date', piece) }}
    group by e.event_date, e.member_id, e.session_id
){{ ',' if not loop.last }}
{%- endfor %}

-- a sum of sums is a wider type than a sum on some engines: each total is an integer as before
{%- for piece in pieces %}
{%- if not loop.first %}

union all
{%- endif %}

select
    event_date as activity_date,
    member_id,
    cast(sum(events) as {{ dbt.type_bigint() }}) as events,
    count(session_id) as sessions,
    cast(sum(dwell_seconds) as {{ dbt.type_bigint() }}) as dwell_seconds,
    cast(sum(content_shares) as {{ dbt.type_bigint() }}) as content_shares,
    cast(sum(content_reads) as {{ dbt.type_bigint() }}) as content_reads,
    cast(sum(model_page_clicks) as {{ dbt.type_bigint() }}) as model_page_clicks,
    cast(sum(posts) as {{ dbt.type_bigint() }}) as posts,
    max(_loaded_at) as _loaded_at
from member_day_sessions_{{ loop.index }}
group by event_date, member_id
{%- endfor %}
