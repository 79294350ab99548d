-- APP members' first active day on or after registering: one row per member who has been active
-- since. The retention rates' conversion event: a member converts within N days exactly when this
-- day is, and it is one row per member instead of every member-day at query time.
-- Incremental by member: a batch re-derives the members it brings activity or a new version for.
{{ config(materialized='incremental', unique_key='member_id', incremental_strategy='delete+insert') }}

select
    m.member_id,
    m.registered_date,
    min(d.activity_date) as first_active_date,
    greatest(max(d._loaded_at), m._loaded_at) as _loaded_at
from {{ ref('dwd_dim_member') }} as m
inner join {{ ref('dws_app_member_daily') }} as d
    on m.member_id = d.member_id and m.registered_date <= d.activity_date
{%- if is_incremental() %}
where m.member_id in (
        select n.member_id from {{ ref('dws_app_member_daily') }} as n
        where {{ landed_since_last_run('n._loaded_at') }}
        union
        select r.member_id from {{ ref('dwd_dim_member') }} as r
        where {{ landed_since_last_run('r._loaded_at') }}
    )
{%- endif %}
group by m.member_id, m.registered_date, m._loaded_at
