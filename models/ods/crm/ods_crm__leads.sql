-- Lead versions: one row per lead and CDC version (valid_from .. valid_to), is_current marks the latest.
{{ config(materialized='incremental', unique_key='lead_id', incremental_strategy='delete+insert') }}

{%- set columns = ['lead_id', 'crm_customer_id', 'phone', 'source_channel', 'store_id', 'advisor_id',
    'series_code', 'lead_status', 'card_created_at', 'created_at', 'valid_from', '_loaded_at',
    '_source_file', '_source_row'] %}

with batch as {{ inline_cte() }} (
    select
        lead_id,
        crm_customer_id,
        phone,
        source_channel,
        store_id,
        advisor_id,
        series_code,
        lead_status,
        card_created_at,
        created_at,
        updated_at as valid_from,
        _loaded_at,
        _source_file,
        _source_row
    from {{ ref('ods_crm__leads_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'lead_id', columns) }}
)

{{ cdc_versions('candidates', 'lead_id', columns) }}
