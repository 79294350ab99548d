-- Market sand table (数字沙盘): one row per month, city, brand and series, with market share in the city.
with registrations as (
    select * from {{ ref('dwd_fct_market_registration') }}
),

city_totals as (
    select
        registration_month,
        city_code,
        sum(registrations) as city_registrations,
        sum(case when is_own_brand then registrations else 0 end) as city_own_registrations
    from registrations
    group by registration_month, city_code
)

select
    r.registration_month as month_start,
    r.city_code,
    c.city_name,
    r.province_name,
    c.region_name,
    r.brand,
    r.series_name,
    r.is_own_brand,
    r.registrations,
    {{ as_count('t.city_registrations') }} as city_registrations,
    {{ as_count('t.city_own_registrations') }} as city_own_registrations,
    {{ ratio('r.registrations', 't.city_registrations') }} as city_market_share,
    {{ ratio('t.city_own_registrations', 't.city_registrations') }} as own_city_market_share
from registrations as r
inner join city_totals as t on r.registration_month = t.registration_month and r.city_code = t.city_code
left join {{ ref('ods_ref__cities') }} as c on r.city_code = c.city_code
