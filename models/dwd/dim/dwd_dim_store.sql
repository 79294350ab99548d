-- Stores: one row per store, with its city, province, sales region and war zone (战区).
select
    s.store_id,
    s.store_name,
    s.store_type,
    s.city_code,
    c.city_name,
    c.province_name,
    c.city_tier,
    c.region_code,
    c.region_name,
    c.war_zone,
    s.opened_on,
    s.closed_on
from {{ ref('ods_ref__stores') }} as s
left join {{ ref('ods_ref__cities') }} as c on s.city_code = c.city_code
