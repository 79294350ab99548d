-- Deliveries (交车): one row per vehicle handover.
{%- set columns = ['delivery_id', 'order_id', 'vin', 'store_id', 'delivered_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_oms__deliveries') }}
),

cleaned as (
    select *
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'delivery_id', columns) }}
