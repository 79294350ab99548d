-- Store visits (到店客流): one row per visit, with the visitor's OneID, lead and visit category.
-- visit_category splits the traffic into exclusive parts that add up to all visits (see the YAML).
with visits as (
    select * from {{ ref('ods_showroom__store_visits') }}
),

phone_identity as (
    select distinct
        matched_phone,
        one_id
    from {{ ref('dwd_dim_customer_identity') }}
    where matched_phone is not null
),

leads as (
    select
        lead_id,
        one_id,
        created_at,
        advisor_id,
        series_code,
        source_channel
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
    cast(r.visited_at as date) as visited_date
from resolved as r
inner join lead_match as m on r.visit_id = m.visit_id and m.lead_rank = 1
inner join prior_orders as p on r.visit_id = p.visit_id
left join leads as l on m.lead_id = l.lead_id
