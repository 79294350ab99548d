-- APP members: one row per member (current version), with OneID and registration cohort.
-- Incremental by member: a batch re-derives the members it brings versions of. _previous_province_name
-- is the province a member re-derived by the batch had before it ('unknown' for a member new to the
-- table), when it changed: the days that member was active move between provinces
-- (dws_app_activity_daily re-derives them). Bookkeeping of the increments: a full refresh leaves it null.
{{ config(materialized='incremental', unique_key='member_id', incremental_strategy='delete+insert') }}

with members as (
    select
        m.member_id,
        i.one_id,
        m.member_tier,
        m.province_name,
        m.city_name,
        m.registered_at,
        cast(m.registered_at as date) as registered_date,
        m.valid_from as tier_since,
        greatest(max(m._loaded_at) over (partition by m.member_id), i._loaded_at) as _loaded_at,
        m.is_current
    from {{ ref('ods_app__members') }} as m
    inner join {{ ref('dwd_dim_customer_identity') }} as i
        on i.source_system = 'app' and m.member_id = i.source_customer_id
    where {{ keys_touched_by_batch('m.member_id', ref('ods_app__members'), 'member_id') }}
)

select
    m.member_id,
    m.one_id,
    m.member_tier,
    m.province_name,
    m.city_name,
    m.registered_at,
    m.registered_date,
    m.tier_since,
    {%- if is_incremental() %}
    -- a member new to the table may have been active before it landed (under 'unknown')
    case
        when previous.member_id is null or coalesce(previous.province_name, '') <> coalesce(m.province_name, '')
            then coalesce(previous.province_name, 'unknown')
    end as _previous_province_name,
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as _previous_province_name,
    {%- endif %}
    m._loaded_at
from members as m
{%- if is_incremental() %}
left join {{ this }} as previous on m.member_id = previous.member_id
{%- endif %}
where m.is_current
