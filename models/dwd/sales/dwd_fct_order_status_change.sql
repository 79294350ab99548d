-- Order status history: one row per order and stage reached (a CDC version that changed the status).
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
with versions as (
    select
        order_id,
        order_status,
        valid_from,
        lag(order_status) over (partition by order_id order by valid_from) as previous_status
    from {{ ref('ods_oms__vehicle_orders') }}
)

select
    {{ surrogate_key(['order_id', 'valid_from']) }} as order_status_change_id,
    order_id,
    order_status,
    previous_status,
    valid_from as changed_at,
    cast(valid_from as date) as changed_date
from versions
where previous_status is null or previous_status <> order_status
