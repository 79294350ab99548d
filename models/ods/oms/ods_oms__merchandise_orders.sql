-- Merchandise orders: one row per order from the APP mall.
{{ config(materialized='incremental', unique_key='merch_order_id', incremental_strategy='delete+insert') }}

{%- set columns = ['merch_order_id', 'member_id', 'sku_category', 'amount', 'order_status', 'ordered_at',
    '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        merch_order_id,
        member_id,
        sku_category,
        amount,
        order_status,
        ordered_at,
        _loaded_at
    from {{ ref('ods_oms__merchandise_orders_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'merch_order_id', columns) }}
)

{{ latest_landed('candidates', 'merch_order_id', columns) }}
