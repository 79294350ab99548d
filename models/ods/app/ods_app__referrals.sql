-- Referrals (推荐购车): one row per referral of a friend by a member.
with landed as (
    {{ parse_raw('raw_app__referrals') }}
),

ranked as (
    select
        referral_id,
        referrer_member_id,
        {{ normalize_phone('referee_phone') }} as referee_phone,
        crm_lead_id,
        referred_at,
        _loaded_at,
        row_number() over (partition by referral_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    referral_id,
    referrer_member_id,
    referee_phone,
    crm_lead_id,
    referred_at,
    _loaded_at
from ranked
where _landing_rank = 1
