-- Invitations: one row per store-visit invitation (online/phone 网电 or outreach 外拓).
{{ config(materialized='incremental', unique_key='invitation_id', incremental_strategy='delete+insert') }}

{%- set columns = ['invitation_id', 'lead_id', 'advisor_id', 'store_id', 'invitation_type', 'invited_at',
    'appointment_date', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        invitation_id,
        lead_id,
        advisor_id,
        store_id,
        invitation_type,
        invited_at,
        appointment_date,
        _loaded_at
    from {{ ref('ods_crm__invitations_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'invitation_id', columns) }}
)

{{ latest_landed('candidates', 'invitation_id', columns) }}
