-- Sales advisors: one row per advisor, with the store they belong to, and one row for the facts
-- without an advisor (a walk-in visit that created no lead): 未指派 (unassigned), of no store.
select
    a.advisor_id,
    a.advisor_name,
    a.store_id,
    s.region_code,
    a.hired_on,
    a.left_on
from {{ ref('ods_ref__advisors') }} as a
left join {{ ref('dwd_dim_store') }} as s on a.store_id = s.store_id
union all
select
    {{ unknown_member_key() }} as advisor_id,
    '未指派 (unassigned)' as advisor_name,
    cast(null as {{ dbt.type_string() }}) as store_id,
    cast(null as {{ dbt.type_string() }}) as region_code,
    cast(null as date) as hired_on,
    cast(null as date) as left_on
