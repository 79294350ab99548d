-- Sales targets: one row per month, store and series (target deliveries).
select
    target_month,
    store_id,
    series_code,
    target_units
from {{ ref('ods_oms__sales_targets_parsed') }}
where _reject_reason is null
