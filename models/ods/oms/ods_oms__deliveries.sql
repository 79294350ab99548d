-- Deliveries (交车): one row per vehicle handover.
{{ config(materialized='incremental', unique_key='delivery_id', incremental_strategy='delete+insert') }}

{%- set columns = ['delivery_id', 'order_id', 'vin', 'store_id', 'delivered_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        delivery_id,
        order_id,
        vin,
        store_id,
        delivered_at,
        _loaded_at
    from {{ ref('ods_oms__deliveries_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'delivery_id', columns) }}
)

{{ latest_landed('candidates', 'delivery_id', columns) }}
