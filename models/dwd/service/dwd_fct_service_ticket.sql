-- Service tickets: one row per after-sales ticket (maintenance appointment, rescue, complaint,
-- suggestion, accident estimate), with whether and how fast it was handled.
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    t.ticket_id,
    i.one_id,
    t.as_customer_id,
    t.vin,
    t.store_id,
    t.ticket_type,
    t.ticket_status,
    t.created_at,
    cast(t.created_at as date) as created_date,
    t.handled_at,
    cast(t.handled_at as date) as handled_date,
    t.handled_at is not null as is_handled,
    {{ dbt.datediff('t.created_at', 't.handled_at', 'hour') }} as hours_to_handle,
    greatest(t._loaded_at, coalesce(i._loaded_at, t._loaded_at)) as _loaded_at
from {{ ref('ods_aftersales__service_tickets') }} as t
left join {{ ref('dwd_dim_customer_identity') }} as i
    on i.source_system = 'aftersales' and t.as_customer_id = i.source_customer_id
