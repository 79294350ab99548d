-- APP sessions: one row per session, for bounce rate (one-event sessions), dwell time and configurator depth.
-- Incremental by session: a batch re-derives every session its new events belong to. A late event
-- from before a session's start moves it to an earlier day: _previous_session_date keeps the day it
-- moved from, for the daily summaries above (bookkeeping of the increments; null on a full refresh).
-- A session's events lie between its start and its end: those of the sessions a batch touches, between
-- the earliest and the latest of the batch's events and of those sessions' stored starts and ends.
-- The events, and the stored sessions, are read within that span only (as literals, which DuckDB's
-- zonemaps prune).
{{ config(materialized='incremental', unique_key='session_id', incremental_strategy='delete+insert') }}

{%- set span = none %}
{#- a table built before sessions had an end is read as before, until it is rebuilt in full #}
{%- if is_incremental() and execute and 'ended_at' in adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
{%- set span = run_query(
    "select least(b.first_at, s.first_at), greatest(b.last_at, s.last_at)"
    ~ " from (select min(event_at) as first_at, max(event_at) as last_at from " ~ ref('dwd_fct_app_event')
    ~ " where " ~ landed_since_last_run() ~ ") as b"
    ~ " cross join (select min(started_at) as first_at, max(ended_at) as last_at from " ~ this
    ~ " where session_id in (select e.session_id from " ~ ref('dwd_fct_app_event') ~ " as e where "
    ~ landed_since_last_run('e._loaded_at') ~ ")) as s"
).rows[0] %}
{%- endif %}

with sessions as (
    select
        session_id,
        min(member_id) as member_id,
        min(event_at) as started_at,
        max(event_at) as ended_at,
        cast(min(event_at) as date) as session_date,
        count(*) as event_count,
        count(*) = 1 as is_bounce,
        sum(dwell_seconds) as dwell_seconds,
        max(configurator_step) as configurator_depth,
        max(_loaded_at) as _loaded_at
    from {{ ref('dwd_fct_app_event') }}
    where
        {{ keys_touched_by_batch('session_id', ref('dwd_fct_app_event')) }}
        and {{ within_span('event_at', span) }}
    group by session_id
){%- if is_incremental() %},

previous as (
    select
        session_id,
        session_date
    from {{ this }}
    where {{ within_span('started_at', span) }}
)
{%- endif %}

select
    s.session_id,
    s.member_id,
    s.started_at,
    s.ended_at,
    s.session_date,
    s.event_count,
    s.is_bounce,
    s.dwell_seconds,
    s.configurator_depth,
    {%- if is_incremental() %}
    case when previous.session_date <> s.session_date then previous.session_date end as _previous_session_date,
    {%- else %}
    cast(null as date) as _previous_session_date,
    {%- endif %}
    s._loaded_at
from sessions as s
{%- if is_incremental() %}
left join previous on s.session_id = previous.session_id
{%- endif %}
