-- Sales targets: one row per month, store and series (target deliveries).
select
    {{ surrogate_key(['target_month', 'store_id', 'series_code']) }} as sales_target_id,
    target_month,
    store_id,
    series_code,
    target_units
from {{ ref('ods_oms__sales_targets') }}
