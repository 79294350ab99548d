-- Market registrations: one row per month, city, brand and series (manual import).
select
    registration_month,
    city_code,
    brand,
    series_name,
    is_own_brand,
    registrations
from {{ ref('ods_market__registrations_parsed') }}
where _reject_reason is null
