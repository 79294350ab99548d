-- Invitations: one row per store-visit invitation, and whether the lead arrived (到店) in time.
with arrivals as (
    select
        i.invitation_id,
        min(v.visited_at) as arrived_at
    from {{ ref('ods_crm__invitations') }} as i
    inner join {{ ref('dwd_fct_store_visit') }} as v
        on
            i.lead_id = v.lead_id
            and i.invited_at <= v.visited_at
            and v.visited_at < {{ dbt.dateadd('day', 14, 'i.invited_at') }}
    group by i.invitation_id
)

select
    i.invitation_id,
    i.lead_id,
    l.one_id,
    i.store_id,
    coalesce(i.advisor_id, l.advisor_id) as advisor_id,
    l.series_code,
    l.source_channel,
    i.invitation_type,
    i.invited_at,
    cast(i.invited_at as date) as invited_date,
    i.appointment_date,
    a.arrived_at,
    a.arrived_at is not null as is_arrived
from {{ ref('ods_crm__invitations') }} as i
left join {{ ref('dwd_fct_lead') }} as l on i.lead_id = l.lead_id
left join arrivals as a on i.invitation_id = a.invitation_id
