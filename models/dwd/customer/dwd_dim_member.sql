-- APP members: one row per member (current version), with OneID and registration cohort.
select
    m.member_id,
    i.one_id,
    m.member_tier,
    m.province_name,
    m.city_name,
    m.registered_at,
    cast(m.registered_at as date) as registered_date,
    m.valid_from as tier_since
from {{ ref('ods_app__members') }} as m
inner join {{ ref('dwd_dim_customer_identity') }} as i
    on i.source_system = 'app' and m.member_id = i.source_customer_id
where m.is_current
