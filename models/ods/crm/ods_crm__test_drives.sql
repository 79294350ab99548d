-- Test drives (试乘试驾): one row per test drive; duplicates collapsed.
{{ config(materialized='incremental', unique_key='test_drive_id', incremental_strategy='delete+insert') }}

{%- set columns = ['test_drive_id', 'lead_id', 'store_id', 'advisor_id', 'model_code', 'drive_started_at',
    'duration_minutes', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        test_drive_id,
        lead_id,
        store_id,
        advisor_id,
        model_code,
        drive_started_at,
        duration_minutes,
        _loaded_at
    from {{ ref('ods_crm__test_drives_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'test_drive_id', columns) }}
)

{{ latest_landed('candidates', 'test_drive_id', columns) }}
