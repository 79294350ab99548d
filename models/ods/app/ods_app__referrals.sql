-- Referrals (推荐购车): one row per referral of a friend by a member.
{%- set columns = ['referral_id', 'referrer_member_id', 'referee_phone', 'crm_lead_id', 'referred_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_app__referrals') }}
),

cleaned as (
    select
        referral_id,
        referrer_member_id,
        {{ normalize_phone('referee_phone') }} as referee_phone,
        crm_lead_id,
        referred_at,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'referral_id', columns) }}
