-- One row per lead: whether it test-drove within 14 days of its creation (a drive in
-- [created_date, created_date + 14)). The lead-to-test-drive rate reads one row per lead instead of
-- joining every lead to every drive at query time. A view: nothing to refresh in a micro-batch.
{{ config(materialized='view') }}

with converted as (
    select distinct l.lead_id
    from {{ ref('dwd_fct_lead') }} as l
    inner join {{ ref('dwd_fct_test_drive') }} as t
        on
            l.lead_id = t.lead_id
            and l.created_date <= t.drive_date
            and t.drive_date < {{ dbt.dateadd('day', 14, 'l.created_date') }}
)

select
    l.lead_id,
    l.created_date,
    case when c.lead_id is not null then 1 else 0 end as test_drove_within_14d
from {{ ref('dwd_fct_lead') }} as l
left join converted as c on l.lead_id = c.lead_id
