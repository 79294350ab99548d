-- Market registrations: one row per month, city, brand and series (manual import).
with landed as (
    {{ parse_raw('raw_market__registrations') }}
)

select
    registration_month,
    city_code,
    brand,
    series_name,
    is_own_brand,
    registrations
from landed
where _reject_reason is null
