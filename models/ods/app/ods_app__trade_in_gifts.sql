-- Trade-in gift claims (置换有礼): one row per claim.
with landed as (
    {{ parse_raw('raw_app__trade_in_gifts') }}
),

ranked as (
    select
        *,
        row_number() over (partition by claim_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    claim_id,
    member_id,
    old_vehicle_brand,
    claimed_at,
    _loaded_at
from ranked
where _landing_rank = 1
