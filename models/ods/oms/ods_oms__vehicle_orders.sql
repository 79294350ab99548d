-- Vehicle order versions: one row per order and CDC version; each version is a stage of the order.
{{ config(materialized='incremental', unique_key='order_id', incremental_strategy='delete+insert') }}

{%- set columns = ['order_id', 'oms_customer_id', 'buyer_phone', 'crm_lead_id', 'store_id', 'advisor_id',
    'model_code', 'order_status', 'intent_fee', 'deposit_amount', 'vehicle_price', 'created_at', 'valid_from',
    '_loaded_at', '_source_file', '_source_row'] %}

with batch as {{ inline_cte() }} (
    select
        order_id,
        oms_customer_id,
        buyer_phone,
        crm_lead_id,
        store_id,
        advisor_id,
        model_code,
        order_status,
        intent_fee,
        deposit_amount,
        vehicle_price,
        created_at,
        updated_at as valid_from,
        _loaded_at,
        _source_file,
        _source_row
    from {{ ref('ods_oms__vehicle_orders_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'order_id', columns) }}
)

{{ cdc_versions('candidates', 'order_id', columns) }}
