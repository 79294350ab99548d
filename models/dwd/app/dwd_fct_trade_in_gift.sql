-- Trade-in gift claims (置换有礼): one row per claim.
select
    claim_id,
    member_id,
    old_vehicle_brand,
    claimed_at,
    cast(claimed_at as date) as claimed_date
from {{ ref('ods_app__trade_in_gifts') }}
