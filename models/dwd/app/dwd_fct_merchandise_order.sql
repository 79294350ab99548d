-- Merchandise orders: one row per APP mall order.
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    o.merch_order_id,
    o.member_id,
    m.one_id,
    o.sku_category,
    o.amount,
    o.order_status,
    o.ordered_at,
    cast(o.ordered_at as date) as ordered_date,
    greatest(o._loaded_at, coalesce(m._loaded_at, o._loaded_at)) as _loaded_at
from {{ ref('ods_oms__merchandise_orders') }} as o
left join {{ ref('dwd_dim_member') }} as m on o.member_id = m.member_id
