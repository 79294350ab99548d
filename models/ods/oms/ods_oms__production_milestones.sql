-- Production milestones: one row per order and milestone (scheduled, built, shipped, delivered).
{%- set columns = ['order_id', 'vin', 'milestone', 'milestone_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_oms__production_milestones') }}
),

cleaned as (
    select
        order_id,
        vin,
        {{ normalize_code('milestone', {
            'scheduled': ['SCHEDULED'], 'built': ['BUILT'], 'shipped': ['SHIPPED'], 'delivered': ['DELIVERED']}) }}
            as milestone,
        milestone_at,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'order_id, milestone', columns) }}
