-- Test drives (试乘试驾): one row per test drive; duplicates collapsed.
{%- set columns = ['test_drive_id', 'lead_id', 'store_id', 'advisor_id', 'model_code', 'drive_started_at',
    'duration_minutes', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_crm__test_drives') }}
),

cleaned as (
    select *
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'test_drive_id', columns) }}
