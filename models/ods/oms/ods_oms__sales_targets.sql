-- Sales targets: one row per month, store and series (target deliveries).
with landed as (
    {{ parse_raw('raw_oms__sales_targets') }}
)

select
    target_month,
    store_id,
    series_code,
    target_units
from landed
where _reject_reason is null
