-- An order with a delivery is delivered, with its delivery time, also when the order version that
-- said so was set aside: the order and delivery facts never disagree. Returns the orders that do.
-- A test of several models is shown in Dagster as a check on the one named here.
{{ config(meta={"dagster": {"ref": {"name": "dwd_fct_vehicle_order"}}}) }}
select
    d.order_id,
    d.delivery_id,
    o.order_status,
    o.delivered_at
from {{ ref('dwd_fct_delivery') }} as d
inner join {{ ref('dwd_fct_vehicle_order') }} as o on d.order_id = o.order_id
where o.order_status <> 'delivered' or o.delivered_at is null
