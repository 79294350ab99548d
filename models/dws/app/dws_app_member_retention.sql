-- One row per APP member: the registration cohort and whether the member was active exactly 1, 7
-- and 30 days after registering (次日 / 7 日 / 30 日留存). The retention rates (ADS and the metrics)
-- are sums of these flags over the cohort: one rule, read by both.
-- Incremental by member: a batch re-derives the members it brings a new version for, and those
-- whose activity it brings falls on one of their return days.
{{ config(materialized='incremental', unique_key='member_id', incremental_strategy='delete+insert') }}

with members as (
    select
        m.member_id,
        m.registered_date,
        m._loaded_at
    from {{ ref('dwd_dim_member') }} as m
    {%- if is_incremental() %}
    where m.member_id in (
            select r.member_id from {{ ref('dwd_dim_member') }} as r
            where {{ landed_since_last_run('r._loaded_at') }}
            union
            select n.member_id
            from {{ ref('dws_app_member_daily') }} as n
            inner join {{ ref('dwd_dim_member') }} as nm on n.member_id = nm.member_id
            where {{ landed_since_last_run('n._loaded_at') }}
                and {{ on_a_return_day('n.activity_date', 'nm.registered_date') }}
        )
    {%- endif %}
),

returns as (
    select
        m.member_id,
        d.activity_date,
        d._loaded_at
    from members as m
    inner join {{ ref('dws_app_member_daily') }} as d
        on m.member_id = d.member_id and {{ on_a_return_day('d.activity_date', 'm.registered_date') }}
)

select
    m.member_id,
    m.registered_date,
    {%- for n in retention_return_days() %}
    max(case when r.activity_date = {{ dbt.dateadd('day', n, 'm.registered_date') }} then 1 else 0 end)
        as retained_d{{ n }},
    {%- endfor %}
    -- the newest landing of the member's row and of the return days counted
    greatest(m._loaded_at, coalesce(max(r._loaded_at), m._loaded_at)) as _loaded_at
from members as m
left join returns as r on m.member_id = r.member_id
group by m.member_id, m.registered_date, m._loaded_at
