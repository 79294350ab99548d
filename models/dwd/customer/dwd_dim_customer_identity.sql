-- Customer identities: one row per source system and source customer id, mapped to its OneID.
-- Matching rules, in order: the normalised phone; for an order without a phone, the phone of the
-- CRM lead it was linked to; otherwise the record stands alone (its own OneID).
-- Incremental by identity: a batch re-derives the source ids it brings rows for (and the orders
-- linked to its leads). _previous_one_id is the OneID a re-derived identity had before the batch,
-- when it changed: with one_id, the people whose facts the batch may move
-- (macros/people_touched.sql). It is bookkeeping of the increments, which a full refresh leaves null.
{{ config(materialized='incremental', unique_key='identity_key', incremental_strategy='delete+insert') }}

with touched as (
    {%- if is_incremental() %}
    select
        'crm' as source_system,
        crm_customer_id as source_customer_id
    from {{ ref('ods_crm__leads') }}
    where {{ landed_since_last_run() }}
    union
    select
        'oms' as source_system,
        oms_customer_id as source_customer_id
    from {{ ref('ods_oms__vehicle_orders') }}
    where
        {{ landed_since_last_run() }}
        or crm_lead_id in (
            select l.lead_id from {{ ref('ods_crm__leads') }} as l
            where {{ landed_since_last_run('l._loaded_at') }}
        )
    union
    select
        'app' as source_system,
        member_id as source_customer_id
    from {{ ref('ods_app__members') }}
    where {{ landed_since_last_run() }}
    union
    select
        'aftersales' as source_system,
        as_customer_id as source_customer_id
    from {{ ref('ods_aftersales__service_tickets') }}
    where {{ landed_since_last_run() }}
    union
    select
        'aftersales' as source_system,
        as_customer_id as source_customer_id
    from {{ ref('ods_aftersales__customer_reviews') }}
    where {{ landed_since_last_run() }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_customer_id
    {%- endif %}
),

leads as (
    select
        lead_id,
        crm_customer_id,
        phone,
        created_at,
        is_current,
        _loaded_at
    from {{ ref('ods_crm__leads') }}
    {%- if is_incremental() %}
    where crm_customer_id in (
            select t.source_customer_id from touched as t
            where t.source_system = 'crm'
        )
        or lead_id in (
            select o.crm_lead_id from {{ ref('ods_oms__vehicle_orders') }} as o
            where o.oms_customer_id in (
                    select t.source_customer_id from touched as t
                    where t.source_system = 'oms'
                )
        )
    {%- endif %}
),

crm as (
    -- the latest landing among every version of the customer's leads: this batch's, when it touched them
    select
        'crm' as source_system,
        crm_customer_id as source_customer_id,
        max(case when is_current then phone end) as phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        min(case when is_current then created_at end) as first_seen_at,
        max(_loaded_at) as _loaded_at
    from leads
    {%- if is_incremental() %}
    where crm_customer_id in (
            select t.source_customer_id from touched as t
            where t.source_system = 'crm'
        )
    {%- endif %}
    group by crm_customer_id
),

lead_phones as (
    select
        lead_id,
        max(case when is_current then phone end) as phone,
        max(_loaded_at) as last_loaded_at
    from leads
    group by lead_id
),

oms as (
    select
        'oms' as source_system,
        o.oms_customer_id as source_customer_id,
        max(case when o.is_current then o.buyer_phone end) as phone,
        max(case when o.is_current then l.phone end) as linked_phone,
        min(case when o.is_current then o.created_at end) as first_seen_at,
        greatest(max(o._loaded_at), coalesce(max(l.last_loaded_at), max(o._loaded_at))) as _loaded_at
    from {{ ref('ods_oms__vehicle_orders') }} as o
    left join lead_phones as l on o.crm_lead_id = l.lead_id
    {%- if is_incremental() %}
    where o.oms_customer_id in (
            select t.source_customer_id from touched as t
            where t.source_system = 'oms'
        )
    {%- endif %}
    group by o.oms_customer_id
),

app as (
    select
        'app' as source_system,
        member_id as source_customer_id,
        max(case when is_current then phone end) as phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        min(case when is_current then registered_at end) as first_seen_at,
        max(_loaded_at) as _loaded_at
    from {{ ref('ods_app__members') }}
    {%- if is_incremental() %}
    where member_id in (
            select t.source_customer_id from touched as t
            where t.source_system = 'app'
        )
    {%- endif %}
    group by member_id
),

aftersales as (
    select
        'aftersales' as source_system,
        as_customer_id as source_customer_id,
        max(owner_phone) as phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        min(created_at) as first_seen_at,
        max(_loaded_at) as _loaded_at
    from {{ ref('ods_aftersales__service_tickets') }}
    {%- if is_incremental() %}
    where as_customer_id in (
            select t.source_customer_id from touched as t
            where t.source_system = 'aftersales'
        )
    {%- endif %}
    group by as_customer_id
),

reviewers as (
    -- Reviewers known only from reviews (no ticket yet) still need a OneID.
    select
        'aftersales' as source_system,
        r.as_customer_id as source_customer_id,
        cast(null as {{ dbt.type_string() }}) as phone,
        cast(null as {{ dbt.type_string() }}) as linked_phone,
        min(r.reviewed_at) as first_seen_at,
        max(r._loaded_at) as _loaded_at
    from {{ ref('ods_aftersales__customer_reviews') }} as r
    where
        r.as_customer_id not in (select a.as_customer_id from {{ ref('ods_aftersales__service_tickets') }} as a)
    {%- if is_incremental() %}
    and r.as_customer_id in (
        select t.source_customer_id from touched as t
        where t.source_system = 'aftersales'
    )
    {%- endif %}
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
),

matched as (
    select
        {{ dbt.concat(['source_system', "':'", 'source_customer_id']) }} as identity_key,
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
        first_seen_at,
        _loaded_at
    from identities
)

select
    m.identity_key,
    m.source_system,
    m.source_customer_id,
    m.one_id,
    m.match_rule,
    m.matched_phone,
    m.first_seen_at,
    {%- if is_incremental() %}
    case when previous.one_id <> m.one_id then previous.one_id end as _previous_one_id,
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as _previous_one_id,
    {%- endif %}
    m._loaded_at
from matched as m
{%- if is_incremental() %}
left join {{ this }} as previous on m.identity_key = previous.identity_key
{%- endif %}
