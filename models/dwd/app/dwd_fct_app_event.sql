-- APP events: one row per behaviour event (open, read, share, model-page click, configurator step, post).
-- A view: ODS already holds one cleaned row per event, and a copy of the largest table would double
-- its build time and disk (67M rows at scale factor 1) for one derived date column.
{{ config(materialized='view') }}

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
