-- After-sales service by store, ticket type and day: tickets opened on the day and tickets handled on the day.
with events as (
    select
        created_date as activity_date,
        store_id,
        ticket_type,
        1 as opened,
        0 as handled
    from {{ ref('dwd_fct_service_ticket') }}
    union all
    select
        handled_date as activity_date,
        store_id,
        ticket_type,
        0 as opened,
        1 as handled
    from {{ ref('dwd_fct_service_ticket') }}
    where is_handled
)

select
    activity_date,
    store_id,
    ticket_type,
    sum(opened) as tickets_opened,
    sum(handled) as tickets_handled
from events
group by activity_date, store_id, ticket_type
