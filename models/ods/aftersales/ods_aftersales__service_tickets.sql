-- Service tickets: one row per after-sales ticket; duplicates collapsed.
{{ config(materialized='incremental', unique_key='ticket_id', incremental_strategy='delete+insert') }}

{%- set columns = ['ticket_id', 'as_customer_id', 'owner_phone', 'vin', 'store_id', 'ticket_type',
    'ticket_status', 'created_at', 'handled_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        ticket_id,
        as_customer_id,
        owner_phone,
        vin,
        store_id,
        ticket_type,
        ticket_status,
        created_at,
        handled_at,
        _loaded_at
    from {{ ref('ods_aftersales__service_tickets_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'ticket_id', columns) }}
)

{{ latest_landed('candidates', 'ticket_id', columns) }}
