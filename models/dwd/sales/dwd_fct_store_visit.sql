-- Store visits (到店客流): one row per visit, with the visitor's OneID, lead and visit category.
-- visit_category splits the traffic into exclusive parts that add up to all visits (see the YAML).
-- Incremental by visit: a batch re-derives its visits and every visit of each person it touches (a
-- visit's lead and category depend on the person's leads and orders), and the visits of a linked
-- lead it re-derived.
{{ config(materialized='incremental', unique_key='visit_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'visit_id'}) }}

with
{%- if is_incremental() %}
batch_leads as (
    select
        lead_id,
        one_id
    from {{ ref('dwd_fct_lead') }}
    where {{ landed_since_last_run() }}
),

people as (
    {{ people_touched() }}
    union
    select one_id from batch_leads
    union
    select o.one_id from {{ ref('dwd_fct_vehicle_order') }} as o
    where {{ landed_since_last_run('o._loaded_at') }}
),

affected as (
    select visit_id from {{ ref('ods_showroom__store_visits') }}
    where {{ landed_since_last_run() }}
    union
    select visit_id from {{ ref('ods_showroom__store_visits') }}
    where crm_lead_id in (select b.lead_id from batch_leads as b)
    union
    select visit_id from {{ ref('ods_showroom__store_visits') }}
    where visitor_phone in (
            select i.matched_phone from {{ ref('dwd_dim_customer_identity') }} as i
            where i.one_id in (select p.one_id from people as p)
        )
    union
    select v.visit_id from {{ this }} as v
    where v.one_id in (select p.one_id from people as p)
),
{%- endif %}

visits as (
    select *
    from {{ ref('ods_showroom__store_visits') }}
    {%- if is_incremental() %}
    where visit_id in (select a.visit_id from affected as a)
    {%- endif %}
),

phone_identity as (
    -- the phones of the visits derived, not every identity: a batch looks up its own visitors
    select distinct
        matched_phone,
        one_id
    from {{ ref('dwd_dim_customer_identity') }}
    where
        matched_phone is not null
    {%- if is_incremental() %}
        and matched_phone in (select v.visitor_phone from visits as v)
        {%- endif %}
),

leads as (
    select
        lead_id,
        one_id,
        created_at,
        advisor_id,
        series_code,
        source_channel,
        _loaded_at
    from {{ ref('dwd_fct_lead') }}
),

resolved as (
    select
        v.*,
        coalesce(linked.one_id, p.one_id) as one_id
    from visits as v
    left join leads as linked on v.crm_lead_id = linked.lead_id
    left join phone_identity as p on v.visitor_phone = p.matched_phone
),

lead_match as (
    -- A visitor recognised by phone only: their latest lead created before the visit.
    select
        r.visit_id,
        coalesce(r.crm_lead_id, l.lead_id) as lead_id,
        row_number() over (partition by r.visit_id order by l.created_at desc, l.lead_id desc) as lead_rank
    from resolved as r
    left join leads as l
        on r.crm_lead_id is null and r.one_id = l.one_id and r.visited_at >= l.created_at
),

prior_orders as (
    select
        r.visit_id,
        count(o.order_id) > 0 as has_prior_order
    from resolved as r
    left join {{ ref('dwd_fct_vehicle_order') }} as o
        on r.one_id = o.one_id and r.visited_at > o.created_at
    group by r.visit_id
),

person as (
    {{ person_landings('resolved') }}
)

select
    r.visit_id,
    r.store_id,
    r.one_id,
    m.lead_id,
    coalesce(l.advisor_id, 'unknown') as advisor_id,
    coalesce(l.series_code, 'unknown') as series_code,
    coalesce(l.source_channel, 'unknown') as source_channel,
    r.visit_purpose,
    r.is_first_visit,
    r.card_created,
    r.invitation_type,
    p.has_prior_order,
    case
        when r.visit_purpose = 'after_sales' then 'non_purchase'
        when r.visit_purpose <> 'purchase' then 'other'
        when p.has_prior_order then 'post_order'
        when r.invitation_type = 'net_phone' then 'net_phone_invited'
        when r.invitation_type = 'outreach' then 'outreach_invited'
        when r.is_first_visit and r.card_created then 'first_visit_with_card'
        when r.is_first_visit then 'first_visit_without_card'
        else 'return_visit'
    end as visit_category,
    r.party_size,
    r.visited_at,
    cast(r.visited_at as date) as visited_date,
    -- the newest landing the row depends on: the visit, its lead, its person's identities
    greatest(
        r._loaded_at, coalesce(l._loaded_at, r._loaded_at), coalesce(pl.person_loaded_at, r._loaded_at)
    ) as _loaded_at
from resolved as r
inner join lead_match as m on r.visit_id = m.visit_id and m.lead_rank = 1
inner join prior_orders as p on r.visit_id = p.visit_id
left join leads as l on m.lead_id = l.lead_id
left join person as pl on r.one_id = pl.one_id
