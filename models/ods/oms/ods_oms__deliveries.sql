-- Deliveries (交车): one row per vehicle handover.
with landed as (
    {{ parse_raw('raw_oms__deliveries') }}
),

ranked as (
    select
        *,
        row_number() over (partition by delivery_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    delivery_id,
    order_id,
    vin,
    store_id,
    delivered_at,
    _loaded_at
from ranked
where _landing_rank = 1
