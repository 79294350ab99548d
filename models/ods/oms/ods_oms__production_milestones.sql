-- Production milestones: one row per order and milestone (scheduled, built, shipped, delivered).
with landed as (
    {{ parse_raw('raw_oms__production_milestones') }}
),

ranked as (
    select
        order_id,
        vin,
        {{ normalize_code('milestone', {
            'scheduled': ['SCHEDULED'], 'built': ['BUILT'], 'shipped': ['SHIPPED'], 'delivered': ['DELIVERED']}) }}
            as milestone,
        milestone_at,
        _loaded_at,
        row_number() over (partition by order_id, milestone order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    order_id,
    vin,
    milestone,
    milestone_at,
    _loaded_at
from ranked
where _landing_rank = 1
