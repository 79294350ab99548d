-- Test drives (试乘试驾): one row per test drive, attributed to the lead's dimensions.
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    t.test_drive_id,
    t.lead_id,
    l.one_id,
    t.store_id,
    coalesce(t.advisor_id, l.advisor_id) as advisor_id,
    m.series_code,
    t.model_code,
    l.source_channel,
    t.drive_started_at,
    cast(t.drive_started_at as date) as drive_date,
    t.duration_minutes,
    greatest(t._loaded_at, coalesce(l._loaded_at, t._loaded_at)) as _loaded_at
from {{ ref('ods_crm__test_drives') }} as t
left join {{ ref('dwd_fct_lead') }} as l on t.lead_id = l.lead_id
left join {{ ref('dwd_dim_vehicle_model') }} as m on t.model_code = m.model_code
