-- APP sessions by day and province: one row per day x province (the member's current one), for the
-- session metrics (count, bounce, dwell, configurator depth), which then sum a few dozen rows a day
-- instead of every session (176M at SF 10). Every column adds up over days and provinces.
-- Incremental by day: a batch re-derives the days of the sessions it re-derived, the days they moved
-- from, and every day a member whose province it changed was active on (macros/days_touched.sql).
{{ config(materialized='incremental', unique_key='session_date', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('dws_app_member_daily') }}

select
    s.session_date,
    coalesce(m.province_name, 'unknown') as province_name,
    count(*) as sessions,
    sum(case when s.is_bounce then 1 else 0 end) as bounced_sessions,
    sum(s.dwell_seconds) as dwell_seconds,
    sum(case when s.configurator_depth is not null then 1 else 0 end) as configurator_sessions,
    sum(coalesce(s.configurator_depth, 0)) as configurator_steps_reached,
    -- the newest landing of the sessions counted (a member's province change re-derives the day, not its age)
    max(s._loaded_at) as _loaded_at
from {{ ref('dwd_fct_app_session') }} as s
left join {{ ref('dwd_dim_member') }} as m on s.member_id = m.member_id
{%- if is_incremental() %}
where {{ date_in('s.session_date', touched_dates(session_days_touched())) }}
{%- endif %}
group by s.session_date, coalesce(m.province_name, 'unknown')
