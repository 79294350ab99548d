-- Vehicle order versions: one row per order and CDC version; each version is a stage of the order.
{%- set columns = ['order_id', 'oms_customer_id', 'buyer_phone', 'crm_lead_id', 'store_id', 'advisor_id',
    'model_code', 'order_status', 'intent_fee', 'deposit_amount', 'vehicle_price', 'created_at',
    'valid_from', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_oms__vehicle_orders') }}
),

cleaned as (
    select
        order_id,
        oms_customer_id,
        {{ normalize_phone('buyer_phone') }} as buyer_phone,
        crm_lead_id,
        store_id,
        advisor_id,
        model_code,
        {{ normalize_code('order_status', {
            'intent': ['INTENT'], 'deposit': ['DEPOSIT'], 'locked': ['LOCKED'],
            'cancelled': ['CANCELLED'], 'delivered': ['DELIVERED']}) }} as order_status,
        intent_fee,
        deposit_amount,
        vehicle_price,
        created_at,
        updated_at as valid_from,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ cdc_versions('cleaned', 'order_id', columns) }}
