-- Customer identities: one row per source system and source customer id, mapped to its OneID.
-- Matching rules, in order: the normalised phone; for an order without a phone, the phone of the
-- CRM lead it was linked to; otherwise the record stands alone (its own OneID).
with crm as (
    select
        'crm' as source_system,
        crm_customer_id as source_customer_id,
        max(phone) as phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        min(created_at) as first_seen_at
    from {{ ref('ods_crm__leads') }}
    where is_current
    group by crm_customer_id
),

current_leads as (
    select
        lead_id,
        phone
    from {{ ref('ods_crm__leads') }}
    where is_current
),

oms as (
    select
        'oms' as source_system,
        o.oms_customer_id as source_customer_id,
        max(o.buyer_phone) as phone,
        max(l.phone) as linked_phone,
        min(o.created_at) as first_seen_at
    from {{ ref('ods_oms__vehicle_orders') }} as o
    left join current_leads as l on o.crm_lead_id = l.lead_id
    where o.is_current
    group by o.oms_customer_id
),

app as (
    select
        'app' as source_system,
        member_id as source_customer_id,
        phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        registered_at as first_seen_at
    from {{ ref('ods_app__members') }}
    where is_current
),

aftersales as (
    select
        'aftersales' as source_system,
        as_customer_id as source_customer_id,
        max(owner_phone) as phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        min(created_at) as first_seen_at
    from {{ ref('ods_aftersales__service_tickets') }}
    group by as_customer_id
),

reviewers as (
    -- Reviewers known only from reviews (no ticket yet) still need a OneID.
    select
        'aftersales' as source_system,
        r.as_customer_id as source_customer_id,
        cast(null as {{ dbt.type_string() }}) as phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        min(r.reviewed_at) as first_seen_at
    from {{ ref('ods_aftersales__customer_reviews') }} as r
    where r.as_customer_id not in (select a.source_customer_id from aftersales as a)
    group by r.as_customer_id
),

identities as (
    select * from crm
    union all
    select * from oms
    union all
    select * from app
    union all
    select * from aftersales
    union all
    select * from reviewers
)

select
    source_system,
    source_customer_id,
    case
        when phone is not null then {{ surrogate_key(["'phone'", 'phone']) }}
        when linked_phone is not null then {{ surrogate_key(["'phone'", 'linked_phone']) }}
        else {{ surrogate_key(['source_system', 'source_customer_id']) }}
    end as one_id,
    case
        when phone is not null then 'phone'
        when linked_phone is not null then 'linked_lead_phone'
        else 'unmatched'
    end as match_rule,
    coalesce(phone, linked_phone) as matched_phone,
    first_seen_at
from identities
