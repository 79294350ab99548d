-- Invitations: one row per store-visit invitation (online/phone 网电 or outreach 外拓).
with landed as (
    {{ parse_raw('raw_crm__invitations') }}
),

ranked as (
    select
        invitation_id,
        lead_id,
        advisor_id,
        store_id,
        {{ normalize_code('invitation_type', {'net_phone': ['NET_PHONE'], 'outreach': ['OUTREACH']}) }}
            as invitation_type,
        invited_at,
        appointment_date,
        _loaded_at,
        row_number() over (partition by invitation_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    invitation_id,
    lead_id,
    advisor_id,
    store_id,
    invitation_type,
    invited_at,
    appointment_date,
    _loaded_at
from ranked
where _landing_rank = 1
