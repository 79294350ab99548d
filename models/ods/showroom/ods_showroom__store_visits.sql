-- Store visits: one row per visit recognised by the smart showroom; duplicates collapsed.
{{ config(materialized='incremental', unique_key='visit_id', incremental_strategy='delete+insert') }}

{%- set columns = ['visit_id', 'store_id', 'crm_lead_id', 'visitor_phone', 'visit_purpose', 'is_first_visit',
    'card_created', 'invitation_type', 'party_size', 'visited_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_showroom__store_visits') }}
),

cleaned as (
    select
        visit_id,
        store_id,
        crm_lead_id,
        {{ normalize_phone('visitor_phone') }} as visitor_phone,
        {{ normalize_code('visit_purpose', {
            'purchase': ['01', '1', 'PURCHASE'], 'after_sales': ['02', '2', 'AFTER_SALES'],
            'other': ['03', '3', 'OTHER']}) }} as visit_purpose,
        is_first_visit,
        coalesce(card_created, false) as card_created,
        {{ normalize_code('invitation_type', {'net_phone': ['NET_PHONE'], 'outreach': ['OUTREACH']}) }}
            as invitation_type,
        party_size,
        visited_at,
        _loaded_at
    from landed
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as (
    {{ with_existing_rows('cleaned', 'visit_id', columns) }}
)

{{ latest_landed('candidates', 'visit_id', columns) }}
