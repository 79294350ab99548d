-- Market registrations: one row per month, city, brand and series.
select
    {{ surrogate_key(['r.registration_month', 'r.city_code', 'r.brand', 'r.series_name']) }} as market_registration_id,
    r.registration_month,
    r.city_code,
    c.province_name,
    c.region_code,
    r.brand,
    r.series_name,
    r.is_own_brand,
    r.registrations
from {{ ref('ods_market__registrations') }} as r
left join {{ ref('ods_ref__cities') }} as c on r.city_code = c.city_code
