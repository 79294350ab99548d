-- Follow-ups: one row per follow-up; duplicates collapsed, the latest landed copy kept.
{{ config(materialized='incremental', unique_key='follow_up_id', incremental_strategy='delete+insert') }}

{%- set columns = ['follow_up_id', 'lead_id', 'advisor_id', 'follow_up_channel', 'follow_up_result',
    'followed_up_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        follow_up_id,
        lead_id,
        advisor_id,
        follow_up_channel,
        follow_up_result,
        followed_up_at,
        _loaded_at
    from {{ ref('ods_crm__follow_ups_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'follow_up_id', columns) }}
)

{{ latest_landed('candidates', 'follow_up_id', columns) }}
