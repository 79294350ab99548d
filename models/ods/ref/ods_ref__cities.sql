-- Cities: one row per city, with province, tier and the sales region and war zone covering it.
select
    city_code,
    city_name,
    province_name,
    city_tier,
    lower(region_code) as region_code,
    region_name,
    war_zone
from {{ ref('ods_ref__cities_parsed') }}
where _reject_reason is null
