-- APP sessions: one row per session, for bounce rate (one-event sessions), dwell time and configurator depth.
-- Incremental by session: a batch re-derives every session its new events belong to. A late event
-- from before a session's start moves it to an earlier day: _previous_session_date keeps the day it
-- moved from, for the daily summaries above (bookkeeping of the increments; null on a full refresh).
{{ config(materialized='incremental', unique_key='session_id', incremental_strategy='delete+insert') }}

with sessions as (
    select
        session_id,
        min(member_id) as member_id,
        min(event_at) as started_at,
        cast(min(event_at) as date) as session_date,
        count(*) as event_count,
        count(*) = 1 as is_bounce,
        sum(dwell_seconds) as dwell_seconds,
        max(configurator_step) as configurator_depth,
        max(_loaded_at) as _loaded_at
    from {{ ref('dwd_fct_app_event') }}
    where {{ keys_touched_by_batch('session_id', ref('dwd_fct_app_event')) }}
    group by session_id
)

select
    s.session_id,
    s.member_id,
    s.started_at,
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
left join {{ this }} as previous on s.session_id = previous.session_id
{%- endif %}
