-- Service tickets: one row per after-sales ticket; duplicates collapsed.
{%- set columns = ['ticket_id', 'as_customer_id', 'owner_phone', 'vin', 'store_id', 'ticket_type', 'ticket_status',
    'created_at', 'handled_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_aftersales__service_tickets') }}
),

cleaned as (
    select
        ticket_id,
        as_customer_id,
        {{ normalize_phone('owner_phone') }} as owner_phone,
        vin,
        store_id,
        {{ normalize_code('ticket_type', {
            'maintenance': ['MAINT', 'MAINTENANCE'], 'rescue': ['RESCUE'], 'complaint': ['COMPLAINT'],
            'suggestion': ['SUGGESTION'], 'accident_estimate': ['ACCIDENT_EST']}) }} as ticket_type,
        {{ normalize_code('ticket_status', {'open': ['OPEN'], 'handled': ['HANDLED'], 'closed': ['CLOSED']}) }}
            as ticket_status,
        created_at,
        handled_at,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'ticket_id', columns) }}
