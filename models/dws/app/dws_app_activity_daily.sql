-- APP activity by province, community section and day. active_members is a distinct count: it does
-- not add up over sections, provinces or days (a member active in two sections counts in both).
-- Incremental by day: a batch re-derives the days of its events, and every day a member whose
-- province it changed was active on (macros/days_touched.sql).
{{ config(materialized='incremental', unique_key='activity_date', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('dws_app_member_daily') }}

select
    e.event_date as activity_date,
    coalesce(m.province_name, 'unknown') as province_name,
    coalesce(e.section, 'none') as section,
    count(distinct e.member_id) as active_members,
    count(*) as events,
    sum(case when e.event_type in ('article_share', 'poster_share') then 1 else 0 end) as content_shares,
    sum(case when e.event_type in ('article_read', 'poster_read') then 1 else 0 end) as content_reads,
    sum(case when e.event_type = 'model_page_click' then 1 else 0 end) as model_page_clicks,
    sum(case when e.event_type = 'configurator_step' then 1 else 0 end) as configurator_steps,
    sum(case when e.event_type = 'post_create' then 1 else 0 end) as posts,
    -- the newest landing of the events counted (a member's province change re-derives the day, not its age)
    max(e._loaded_at) as _loaded_at
from {{ ref('dwd_fct_app_event') }} as e
left join {{ ref('dwd_dim_member') }} as m on e.member_id = m.member_id
{%- if is_incremental() %}
where {{ date_in('e.event_date', touched_dates(activity_days_touched())) }}
{%- endif %}
group by e.event_date, coalesce(m.province_name, 'unknown'), coalesce(e.section, 'none')
