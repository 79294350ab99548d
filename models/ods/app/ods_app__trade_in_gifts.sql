-- Trade-in gift claims (置换有礼): one row per claim.
{{ config(materialized='incremental', unique_key='claim_id', incremental_strategy='delete+insert') }}

{%- set columns = ['claim_id', 'member_id', 'old_vehicle_brand', 'claimed_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        claim_id,
        member_id,
        old_vehicle_brand,
        claimed_at,
        _loaded_at
    from {{ ref('ods_app__trade_in_gifts_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'claim_id', columns) }}
)

{{ latest_landed('candidates', 'claim_id', columns) }}
