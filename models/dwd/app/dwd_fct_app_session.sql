-- APP sessions: one row per session, for bounce rate (one-event sessions), dwell time and configurator depth.
-- Incremental by session: a batch re-derives every session its new events belong to.
{{ config(materialized='incremental', unique_key='session_id', incremental_strategy='delete+insert') }}

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
