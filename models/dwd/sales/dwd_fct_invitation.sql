-- Invitations: one row per store-visit invitation, and whether the lead arrived (到店) in time.
-- Incremental by invitation: a batch re-derives its invitations and those of each lead it re-derived
-- or brought a visit for.
{{ config(materialized='incremental', unique_key='invitation_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'invitation_id'}) }}
-- depends_on: {{ ref('dwd_dim_customer_identity') }}

with
{%- if is_incremental() %}
leads_touched as (
    select lead_id from {{ ref('dwd_fct_lead') }}
    where {{ landed_since_last_run() }} or one_id in (select p.one_id from ({{ people_touched() }}) as p)
    union
    select lead_id from {{ ref('dwd_fct_store_visit') }}
    where {{ landed_since_last_run() }}
),
{%- endif %}

invitations as (
    select *
    from {{ ref('ods_crm__invitations') }}
    {%- if is_incremental() %}
    where {{ landed_since_last_run() }} or lead_id in (select t.lead_id from leads_touched as t)
    {%- endif %}
),

arrivals as (
    select
        i.invitation_id,
        min(v.visited_at) as arrived_at,
        max(v._loaded_at) as visits_loaded_at
    from invitations as i
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
    a.arrived_at is not null as is_arrived,
    -- the newest landing the row depends on: the invitation, its lead, the lead's visits
    greatest(i._loaded_at, coalesce(l._loaded_at, i._loaded_at), coalesce(a.visits_loaded_at, i._loaded_at))
        as _loaded_at
from invitations as i
left join {{ ref('dwd_fct_lead') }} as l on i.lead_id = l.lead_id
left join arrivals as a on i.invitation_id = a.invitation_id
