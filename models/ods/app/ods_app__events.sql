-- APP events: one row per event; duplicates collapsed, times converted to Asia/Shanghai.
-- An event is never edited (immutable in the landing contract): the merge looks for an event's earlier
-- copies only within the batch's event times (macros/incremental.sql, key_dated_by).
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy='delete+insert') }}

{%- set columns = ['event_id', 'member_id', 'session_id', 'event_type', 'section', 'series_code',
    'configurator_step', 'dwell_seconds', 'event_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
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
        _loaded_at
    from {{ ref('ods_app__events_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'event_id', columns) }}
)

{{ latest_landed('candidates', 'event_id', columns) }}
