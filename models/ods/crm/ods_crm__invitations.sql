-- Invitations: one row per store-visit invitation (online/phone 网电 or outreach 外拓).
{%- set columns = ['invitation_id', 'lead_id', 'advisor_id', 'store_id', 'invitation_type', 'invited_at',
    'appointment_date', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_crm__invitations') }}
),

cleaned as (
    select
        invitation_id,
        lead_id,
        advisor_id,
        store_id,
        {{ normalize_code('invitation_type', {'net_phone': ['NET_PHONE'], 'outreach': ['OUTREACH']}) }}
            as invitation_type,
        invited_at,
        appointment_date,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'invitation_id', columns) }}
