-- Leads (潜客): one row per lead, with its current status, OneID and the milestones of its life.
-- Incremental by lead: a batch re-derives every lead of each person it touches (a lead's duplicate
-- flag depends on the person's other leads), and the leads it brings follow-ups for.
{{ config(materialized='incremental', unique_key='lead_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'lead_id'}) }}

with
{%- if is_incremental() %}
batch_leads as (
    select lead_id from {{ ref('ods_crm__leads') }}
    where {{ landed_since_last_run() }}
    union
    select lead_id from {{ ref('dwd_fct_follow_up') }}
    where {{ landed_since_last_run() }}
),

people as (
    {{ people_touched() }}
    union
    select l.one_id from {{ this }} as l
    where l.lead_id in (select b.lead_id from batch_leads as b)
),

affected as (
    select lead_id from batch_leads
    union
    select l.lead_id from {{ this }} as l
    where l.one_id in (select p.one_id from people as p)
    union
    select c.lead_id
    from {{ ref('ods_crm__leads') }} as c
    inner join {{ ref('dwd_dim_customer_identity') }} as i
        on i.source_system = 'crm' and c.crm_customer_id = i.source_customer_id
    where c.is_current and i.one_id in (select p.one_id from people as p)
),
{%- endif %}

versions as (
    -- only the columns used: the full build reads every version of every lead
    select
        lead_id,
        crm_customer_id,
        store_id,
        advisor_id,
        series_code,
        source_channel,
        lead_status,
        created_at,
        card_created_at,
        valid_from,
        is_current,
        _loaded_at
    from {{ ref('ods_crm__leads') }}
    {%- if is_incremental() %}
    where lead_id in (select a.lead_id from affected as a)
    {%- endif %}
),

version_summary as (
    -- aggregates, not window functions over the versions: at SF 10 those did not fit in 16 GB
    select
        lead_id,
        min(valid_from) as first_valid_from,
        max(_loaded_at) as versions_loaded_at
    from versions
    group by lead_id
),

current_version as (
    select
        v.*,
        s.versions_loaded_at
    from versions as v
    inner join version_summary as s on v.lead_id = s.lead_id
    where v.is_current
),

first_version as (
    -- Dimensions are those the lead was created with; later re-assignment does not move history.
    -- (lead_id, valid_from) is unique in ODS, so this is one row per lead.
    select
        v.lead_id,
        v.store_id,
        v.advisor_id,
        v.series_code,
        v.source_channel
    from versions as v
    inner join version_summary as s on v.lead_id = s.lead_id and v.valid_from = s.first_valid_from
),

status_milestones as (
    select
        lead_id,
        min(case when lead_status = 'following' then valid_from end) as first_following_at,
        min(case when lead_status = 'dormant' then valid_from end) as first_dormant_at,
        min(case when is_reactivation then valid_from end) as first_reactivated_at,
        min(case when lead_status = 'defeated' then valid_from end) as defeated_at,
        min(case when lead_status = 'converted' then valid_from end) as converted_at,
        sum(case when lead_status = 'dormant' then 1 else 0 end) as dormant_spell_count
    from {{ ref('dwd_fct_lead_status_spell') }}
    {%- if is_incremental() %}
    where lead_id in (select a.lead_id from affected as a)
    {%- endif %}
    group by lead_id
),

follow_ups as (
    select
        lead_id,
        min(followed_up_at) as first_follow_up_at,
        count(*) as follow_up_count,
        max(_loaded_at) as follow_ups_loaded_at
    from {{ ref('dwd_fct_follow_up') }}
    {%- if is_incremental() %}
    where lead_id in (select a.lead_id from affected as a)
    {%- endif %}
    group by lead_id
),

identity as (
    select
        source_customer_id,
        one_id
    from {{ ref('dwd_dim_customer_identity') }}
    where source_system = 'crm'
),

leads as (
    select
        c.lead_id,
        i.one_id,
        c.crm_customer_id,
        f.store_id,
        f.advisor_id,
        coalesce(f.series_code, 'unknown') as series_code,
        f.source_channel,
        c.lead_status,
        c.created_at,
        c.card_created_at,
        c.versions_loaded_at,
        lag(c.created_at) over (partition by i.one_id order by c.created_at, c.lead_id) as previous_lead_created_at
    from current_version as c
    inner join first_version as f on c.lead_id = f.lead_id
    left join identity as i on c.crm_customer_id = i.source_customer_id
),

person as (
    {{ person_landings('leads') }}
)

select
    l.lead_id,
    l.one_id,
    l.crm_customer_id,
    l.store_id,
    l.advisor_id,
    l.series_code,
    l.source_channel,
    l.lead_status,
    l.lead_status in ('new', 'following') as is_held,
    l.created_at,
    cast(l.created_at as date) as created_date,
    l.card_created_at,
    cast(l.card_created_at as date) as card_created_date,
    l.card_created_at is not null as is_carded,
    f.first_follow_up_at,
    coalesce(f.follow_up_count, 0) as follow_up_count,
    coalesce(
        f.first_follow_up_at <= {{ dbt.dateadd('hour', var('lead_follow_up_sla_hours'), 'l.created_at') }}, false
    ) as is_followed_up_in_sla,
    coalesce(
        l.previous_lead_created_at >= {{ dbt.dateadd('day', -var('lead_duplicate_window_days'), 'l.created_at') }}, false
    ) as is_duplicate,
    s.first_following_at,
    s.first_dormant_at,
    s.first_reactivated_at,
    s.defeated_at,
    s.converted_at,
    s.dormant_spell_count,
    -- the newest landing the row depends on: the lead's versions and follow-ups, its person's identities
    greatest(
        l.versions_loaded_at,
        coalesce(f.follow_ups_loaded_at, l.versions_loaded_at),
        coalesce(p.person_loaded_at, l.versions_loaded_at)
    ) as _loaded_at
from leads as l
left join follow_ups as f on l.lead_id = f.lead_id
left join status_milestones as s on l.lead_id = s.lead_id
left join person as p on l.one_id = p.one_id
