-- Trade-in gift claims (置换有礼): one row per claim.
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    claim_id,
    member_id,
    old_vehicle_brand,
    claimed_at,
    cast(claimed_at as date) as claimed_date,
    _loaded_at
from {{ ref('ods_app__trade_in_gifts') }}
