-- Production milestones: one row per order and milestone (scheduled, built, shipped, delivered).
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    {{ surrogate_key(['p.order_id', 'p.milestone']) }} as production_milestone_id,
    p.order_id,
    p.vin,
    p.milestone,
    p.milestone_at,
    cast(p.milestone_at as date) as milestone_date,
    o.store_id,
    o.series_code
from {{ ref('ods_oms__production_milestones') }} as p
left join {{ ref('dwd_fct_vehicle_order') }} as o on p.order_id = o.order_id
