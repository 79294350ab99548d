-- APP events: one row per behaviour event (open, read, share, model-page click, configurator step, post).
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy='delete+insert') }}

select
    event_id,
    member_id,
    session_id,
    event_type,
    section,
    series_code,
    configurator_step,
    dwell_seconds,
    event_at,
    cast(event_at as date) as event_date,
    _loaded_at
from {{ ref('ods_app__events') }}
where {{ landed_since_last_run() }}
