-- Merchandise orders: one row per order from the APP mall.
{%- set columns = ['merch_order_id', 'member_id', 'sku_category', 'amount', 'order_status', 'ordered_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_oms__merchandise_orders') }}
),

cleaned as (
    select
        merch_order_id,
        member_id,
        {{ normalize_code('sku_category', {
            'charging': ['CHARGING'], 'accessory': ['ACCESSORY'], 'lifestyle': ['LIFESTYLE']}) }} as sku_category,
        amount,
        {{ normalize_code('order_status', {'paid': ['PAID'], 'refunded': ['REFUNDED']}) }} as order_status,
        ordered_at,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'merch_order_id', columns) }}
