-- Merchandise orders: one row per order from the APP mall.
with landed as (
    {{ parse_raw('raw_oms__merchandise_orders') }}
),

ranked as (
    select
        merch_order_id,
        member_id,
        {{ normalize_code('sku_category', {
            'charging': ['CHARGING'], 'accessory': ['ACCESSORY'], 'lifestyle': ['LIFESTYLE']}) }} as sku_category,
        amount,
        {{ normalize_code('order_status', {'paid': ['PAID'], 'refunded': ['REFUNDED']}) }} as order_status,
        ordered_at,
        _loaded_at,
        row_number() over (partition by merch_order_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    merch_order_id,
    member_id,
    sku_category,
    amount,
    order_status,
    ordered_at,
    _loaded_at
from ranked
where _landing_rank = 1
