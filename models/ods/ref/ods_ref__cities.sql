-- Cities: one row per city, with province, tier and the sales region and war zone covering it.
with landed as (
    {{ parse_raw('raw_ref__cities') }}
)

select
    city_code,
    city_name,
    province_name,
    city_tier,
    lower(region_code) as region_code,
    region_name,
    war_zone
from landed
where _reject_reason is null
