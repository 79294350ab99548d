-- One row per test drive: whether its lead ordered within 30 days of the drive (an order created in
-- [drive_date, drive_date + 30)). The test-drive-to-order rate reads one row per drive.
-- A view: nothing to refresh in a micro-batch.
{{ config(materialized='view') }}

with converted as (
    select distinct t.test_drive_id
    from {{ ref('dwd_fct_test_drive') }} as t
    inner join {{ ref('dwd_fct_vehicle_order') }} as o
        on
            t.lead_id = o.lead_id
            and t.drive_date <= o.created_date
            and o.created_date < {{ dbt.dateadd('day', 30, 't.drive_date') }}
)

select
    t.test_drive_id,
    t.lead_id,
    t.drive_date,
    case when c.test_drive_id is not null then 1 else 0 end as ordered_within_30d
from {{ ref('dwd_fct_test_drive') }} as t
left join converted as c on t.test_drive_id = c.test_drive_id
