-- Deliveries (交车, actual sales 实销量): one row per vehicle handed over, with order lead times.
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    d.delivery_id,
    d.order_id,
    d.vin,
    d.store_id,
    o.advisor_id,
    o.one_id,
    o.series_code,
    o.model_code,
    o.source_channel,
    o.vehicle_price,
    d.delivered_at,
    cast(d.delivered_at as date) as delivered_date,
    {{ dbt.datediff('o.created_at', 'd.delivered_at', 'day') }} as order_to_delivery_days,
    {{ dbt.datediff('o.locked_at', 'd.delivered_at', 'day') }} as lock_to_delivery_days,
    greatest(d._loaded_at, coalesce(o._loaded_at, d._loaded_at)) as _loaded_at
from {{ ref('ods_oms__deliveries') }} as d
left join {{ ref('dwd_fct_vehicle_order') }} as o on d.order_id = o.order_id
