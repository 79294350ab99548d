-- Referrals (推荐购车): one row per referral of a friend by a member.
{{ config(materialized='incremental', unique_key='referral_id', incremental_strategy='delete+insert') }}

{%- set columns = ['referral_id', 'referrer_member_id', 'referee_phone', 'crm_lead_id', 'referred_at',
    '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        referral_id,
        referrer_member_id,
        referee_phone,
        crm_lead_id,
        referred_at,
        _loaded_at
    from {{ ref('ods_app__referrals_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'referral_id', columns) }}
)

{{ latest_landed('candidates', 'referral_id', columns) }}
