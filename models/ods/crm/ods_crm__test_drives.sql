-- Test drives (试乘试驾): one row per test drive; duplicates collapsed.
with landed as (
    {{ parse_raw('raw_crm__test_drives') }}
),

ranked as (
    select
        *,
        row_number() over (partition by test_drive_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    test_drive_id,
    lead_id,
    store_id,
    advisor_id,
    model_code,
    drive_started_at,
    duration_minutes,
    _loaded_at
from ranked
where _landing_rank = 1
