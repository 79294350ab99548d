-- Trade-in gift claims (置换有礼): one row per claim.
{%- set columns = ['claim_id', 'member_id', 'old_vehicle_brand', 'claimed_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_app__trade_in_gifts') }}
),

cleaned as (
    select *
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'claim_id', columns) }}
