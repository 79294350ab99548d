-- Customers: one row per OneID (one person across CRM, orders, APP and after-sales).
-- Incremental by person: a batch re-derives the people whose identities it re-derived, under the
-- OneID they have now and the one they had before (macros/people_touched.sql). A OneID merged into
-- another has no identities left: the merge deletes its row (meta deletes_merged_people). _loaded_at
-- is the newest landing of the person's identities.
{{ config(materialized='incremental', unique_key='one_id', incremental_strategy='delete+insert',
    meta={'deletes_merged_people': true}) }}
with identities as (
    select * from {{ ref('dwd_dim_customer_identity') }}
    {%- if is_incremental() %}
    where one_id in ({{ people_touched() }})
    {%- endif %}
),

per_customer as (
    select
        one_id,
        max(matched_phone) as phone,
        min(first_seen_at) as first_seen_at,
        sum(case when source_system = 'crm' then 1 else 0 end) as crm_id_count,
        sum(case when source_system = 'oms' then 1 else 0 end) as oms_id_count,
        sum(case when source_system = 'app' then 1 else 0 end) as app_id_count,
        sum(case when source_system = 'aftersales' then 1 else 0 end) as aftersales_id_count,
        max(_loaded_at) as _loaded_at
    from identities
    group by one_id
),

member as (
    -- The customer's APP profile: the earliest registered member id.
    select
        one_id,
        member_id,
        member_tier,
        province_name,
        city_name,
        row_number() over (partition by one_id order by registered_at, member_id) as member_rank
    from {{ ref('dwd_dim_member') }}
    {%- if is_incremental() %}
    where one_id in (select i.one_id from identities as i)
    {%- endif %}
)

select
    c.one_id,
    {{ mask_phone('c.phone') }} as phone_masked,
    c.first_seen_at,
    c.crm_id_count,
    c.oms_id_count,
    c.app_id_count,
    c.aftersales_id_count,
    c.crm_id_count + c.oms_id_count + c.app_id_count + c.aftersales_id_count as source_id_count,
    m.member_id,
    coalesce(m.member_tier, 'non_member') as member_tier,
    m.province_name,
    m.city_name,
    c._loaded_at
from per_customer as c
left join member as m on c.one_id = m.one_id and m.member_rank = 1
