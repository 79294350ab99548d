-- Store visits: one row per visit recognised by the smart showroom; duplicates collapsed.
{{ config(materialized='incremental', unique_key='visit_id', incremental_strategy='delete+insert') }}

{%- set columns = ['visit_id', 'store_id', 'crm_lead_id', 'visitor_phone', 'visit_purpose', 'is_first_visit',
    'card_created', 'invitation_type', 'party_size', 'visited_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        visit_id,
        store_id,
        crm_lead_id,
        visitor_phone,
        visit_purpose,
        is_first_visit,
        coalesce(card_created, false) as card_created,
        invitation_type,
        party_size,
        visited_at,
        _loaded_at
    from {{ ref('ods_showroom__store_visits_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'visit_id', columns) }}
)

{{ latest_landed('candidates', 'visit_id', columns) }}
