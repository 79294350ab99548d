-- Insurance consultations (保险咨询): one row per consultation.
{{ config(materialized='incremental', unique_key='consultation_id', incremental_strategy='delete+insert') }}

{%- set columns = ['consultation_id', 'member_id', 'topic', 'consulted_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        consultation_id,
        member_id,
        topic,
        consulted_at,
        _loaded_at
    from {{ ref('ods_app__insurance_consultations_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'consultation_id', columns) }}
)

{{ latest_landed('candidates', 'consultation_id', columns) }}
