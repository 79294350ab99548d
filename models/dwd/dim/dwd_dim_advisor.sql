-- Sales advisors: one row per advisor, with the store they belong to.
select
    a.advisor_id,
    a.advisor_name,
    a.store_id,
    s.region_code,
    a.hired_on,
    a.left_on
from {{ ref('ods_ref__advisors') }} as a
left join {{ ref('dwd_dim_store') }} as s on a.store_id = s.store_id
