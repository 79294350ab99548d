-- AARRR overview (获客 / 激活 / 留存 / 转化 / 转介绍与服务): one row per day, the whole pirate funnel.
-- Distinct counts (DAU, MAU, retention cohorts) are computed here from the member-day base.
-- Incremental by day: a batch re-derives the days its facts are counted on, the 30 days after each
-- day it brings activity for (MAU), the registration days whose retention it changed, and every day
-- from its earliest new lead on (historical leads are cumulative). MAU is recounted only on the 30
-- days after an activity day (from the member-days of the 29 days before them); the other
-- re-derived days keep theirs.
{{ config(materialized='incremental', unique_key='activity_date', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('dwd_fct_app_event') }}
-- depends_on: {{ ref('dwd_fct_app_session') }}
-- depends_on: {{ ref('dwd_fct_service_ticket') }}
{#- (measure, relation, date column, condition): one event per row, counted on its day. -#}
{%- set counted = [
    ('new_leads', 'dwd_fct_lead', 'created_date', none),
    ('lead_follow_ups', 'dwd_fct_follow_up', 'followed_up_date', none),
    ('store_visits', 'dwd_fct_store_visit', 'visited_date', none),
    ('vehicle_orders', 'dwd_fct_vehicle_order', 'created_date', none),
    ('merchandise_orders', 'dwd_fct_merchandise_order', 'ordered_date', none),
    ('deliveries', 'dwd_fct_delivery', 'delivered_date', none),
    ('referral_purchases', 'dwd_fct_referral', 'referred_date', none),
    ('trade_in_gifts', 'dwd_fct_trade_in_gift', 'claimed_date', none),
    ('insurance_consultations', 'dwd_fct_insurance_consultation', 'consulted_date', none),
    ('customer_reviews', 'dwd_fct_customer_review', 'reviewed_date', none),
    ('recommending_reviews', 'dwd_fct_customer_review', 'reviewed_date', 'would_recommend'),
    ('answered_recommend_reviews', 'dwd_fct_customer_review', 'reviewed_date', 'would_recommend is not null'),
    ('new_members', 'dwd_dim_member', 'registered_date', none),
] %}
{%- set rederive = is_incremental() and batch_window() is not none %}

with
{%- if rederive %}
batch_activity as (
    select activity_date, member_id from {{ ref('dws_app_member_daily') }} where {{ landed_in_window('_loaded_at') }}
),

mau_days as (
    -- the days whose MAU the batch can change: the 30 days from each day it brings activity for
    select d.date_day
    from {{ ref('dwd_dim_date') }} as d
    inner join (
        select b.activity_date as activity_day from batch_activity as b
        union
        select a.touched_date from ({{ activity_days_touched() }}) as a
    ) as a
        on d.date_day >= a.activity_day and d.date_day < {{ dbt.dateadd('day', 30, 'a.activity_day') }}
),

touched_days as (
    {%- for _, relation, date_column, _ in counted | unique(attribute=1) %}
    select {{ date_column }} as touched_date from {{ ref(relation) }} where {{ landed_in_window('_loaded_at') }}
    union
    {%- endfor %}
    select touched_date from ({{ activity_days_touched() }}) as activity_days
    union
    select touched_date from ({{ session_days_touched() }}) as session_days
    union
    select created_date from {{ ref('dwd_fct_service_ticket') }} where {{ landed_in_window('_loaded_at') }}
    union
    select handled_date from {{ ref('dwd_fct_service_ticket') }} where {{ landed_in_window('_loaded_at') }}
    union
    select m.date_day from mau_days as m
    union
    -- retention: the registration days of the members the batch re-derived retention for
    select r.registered_date from {{ ref('dws_app_member_retention') }} as r where {{ landed_in_window('r._loaded_at') }}
    union
    -- historical leads: every day from the earliest new lead on
    select d.date_day
    from {{ ref('dwd_dim_date') }} as d
    where d.date_day >= (
        select min(l.created_date) from {{ ref('dwd_fct_lead') }} as l where {{ landed_in_window('l._loaded_at') }}
    )
),
{%- endif %}

newest_days as (
    -- the newest day of each fact counted here: the table runs to the newest of them
    {%- for _, relation, date_column, _ in counted | unique(attribute=1) %}
    select max({{ date_column }}) as newest_day from {{ ref(relation) }}
    union all
    {%- endfor %}
    select max(activity_date) as newest_day from {{ ref('dws_app_member_daily') }}
),

all_days as (
    -- from the first lead (the funnel's start) to the newest day of any fact
    select date_day
    from {{ ref('dwd_dim_date') }}
    where
        date_day between (select min(l.created_date) from {{ ref('dwd_fct_lead') }} as l)
        and (select max(n.newest_day) from newest_days as n)
),

days as (
    -- the days this build writes
    select date_day
    from all_days
    {%- if rederive %}
    where date_day in (select t.touched_date from touched_days as t)
    {%- endif %}
),

member_days as (
    select * from {{ ref('dws_app_member_daily') }}
    {%- if rederive %}
    -- the touched days and the 29 before each (MAU)
    where activity_date >= (select {{ dbt.dateadd('day', -29, 'min(d.date_day)') }} from days as d)
        and activity_date <= (select max(d.date_day) from days as d)
    {%- endif %}
),

activity as (
    select
        activity_date,
        count(*) as daily_active_members,
        sum(content_shares) as content_shares,
        sum(content_reads) as content_reads,
        sum(model_page_clicks) as model_page_clicks,
        sum(posts) as posts
    from member_days
    group by activity_date
),

section_activity as (
    select
        activity_date,
        sum(case when section = 'circles' then active_members else 0 end) as circles_active_members,
        sum(case when section = 'news' then active_members else 0 end) as news_active_members,
        sum(case when section = 'posts' then active_members else 0 end) as posts_active_members
    from (
        select
            activity_date,
            section,
            sum(active_members) as active_members
        from {{ ref('dws_app_activity_daily') }}
        group by activity_date, section
    ) as by_section
    group by activity_date
),

{% if rederive -%}
kept_mau as (
    -- a re-derived day whose MAU the batch cannot change keeps the MAU it has
    select
        t.activity_date,
        t.monthly_active_members
    from {{ this }} as t
    where
        t.activity_date in (select d.date_day from days as d)
        and t.activity_date not in (select m.date_day from mau_days as m)
),

recount_days as (
    select d.date_day from days as d where d.date_day not in (select k.activity_date from kept_mau as k)
),

{% endif -%}
mau_member_days as (
    select
        member_id,
        activity_date
    from member_days
    {%- if rederive %}
    -- a day's MAU needs the 29 days before it: the member-days from 29 days before the first day recounted
    where
        activity_date > (select {{ dbt.dateadd('day', -30, 'min(x.date_day)') }} from recount_days as x)
        and activity_date <= (select max(x.date_day) from recount_days as x)
    {%- endif %}
),

member_coverage as (
    -- MAU counts a member on the 30 days from each active day. Cut at the member's next active day,
    -- those stretches do not overlap, so MAU is a running sum of their starts and ends: linear in
    -- member-days instead of a distinct count over a 30-day range join. A stretch that starts more
    -- than 29 days before a day cannot cover it, so a recount needs only the member-days since then.
    select
        activity_date as covered_from,
        least(
            coalesce(
                lead(activity_date) over (partition by member_id order by activity_date),
                {{ dbt.dateadd('day', 30, 'activity_date') }}
            ),
            {{ dbt.dateadd('day', 30, 'activity_date') }}
        ) as covered_until
    from mau_member_days
),

coverage_changes as (
    select
        cast(covered_from as date) as change_date,
        1 as member_change
    from member_coverage
    union all
    select
        cast(covered_until as date) as change_date,
        -1 as member_change
    from member_coverage
    union all
    select
        date_day as change_date,
        0 as member_change
    from {{ 'recount_days' if rederive else 'days' }}
),

running_mau as (
    -- MAU: members active in the 30 days ending on the day.
    select
        change_date as activity_date,
        sum(sum(member_change)) over (order by change_date rows between unbounded preceding and current row)
            as monthly_active_members
    from coverage_changes
    group by change_date
),

monthly_active as (
    {%- if rederive %}
    select
        r.activity_date,
        r.monthly_active_members
    from running_mau as r
    where r.activity_date in (select x.date_day from recount_days as x)
    union all
    select
        k.activity_date,
        k.monthly_active_members
    from kept_mau as k
    {%- else %}
    select
        activity_date,
        monthly_active_members
    from running_mau
    {%- endif %}
),

sessions as (
    -- the day's sessions, summed over its provinces
    select
        session_date as activity_date,
        sum(sessions) as sessions,
        sum(bounced_sessions) as bounced_sessions,
        sum(dwell_seconds) as dwell_seconds,
        sum(configurator_sessions) as configurator_sessions,
        sum(configurator_steps_reached) as configurator_steps_reached
    from {{ ref('dws_app_session_daily') }}
    where session_date in (select d.date_day from days as d)
    group by session_date
),

cohorts as (
    -- Retention: of the members who registered on the day, the share active 1, 7 and 30 days later.
    select
        registered_date as activity_date,
        count(*) as registered_members,
        sum(retained_d1) as retained_d1,
        sum(retained_d7) as retained_d7,
        sum(retained_d30) as retained_d30
    from {{ ref('dws_app_member_retention') }}
    where registered_date in (select d.date_day from days as d)
    group by registered_date
),

daily_counts as (
    {%- for measure, relation, date_column, condition in counted %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ date_column }} as activity_date,
        '{{ measure }}' as measure
    from {{ ref(relation) }}
    where {{ date_column }} in (select d.date_day from days as d){{ ' and ' ~ condition if condition }}
    {%- endfor %}
),

counts as (
    select
        {%- for c, _, _, _ in counted %}
        sum(case when measure = '{{ c }}' then 1 else 0 end) as {{ c }},
        {%- endfor %}
        activity_date
    from daily_counts
    group by activity_date
),

service as (
    select
        {%- for t in ['maintenance', 'rescue', 'complaint', 'suggestion', 'accident_estimate'] %}
        sum(case when ticket_type = '{{ t }}' then tickets_opened else 0 end) as {{ t }}_opened,
        sum(case when ticket_type = '{{ t }}' then tickets_handled else 0 end) as {{ t }}_handled,
        {%- endfor %}
        activity_date
    from {{ ref('dws_service_daily') }}
    where activity_date in (select d.date_day from days as d)
    group by activity_date
),

leads_by_day as (
    select
        created_date,
        count(*) as new_leads
    from {{ ref('dwd_fct_lead') }}
    group by created_date
),

history as (
    -- cumulative over every day, written for the days this build writes
    select
        d.date_day as activity_date,
        sum(coalesce(l.new_leads, 0)) over (order by d.date_day rows between unbounded preceding and current row)
            as historical_leads
    from all_days as d
    left join leads_by_day as l on d.date_day = l.created_date
)

select
    d.date_day as activity_date,
    -- acquisition
    {{ as_count('a.daily_active_members') }} as daily_active_members,
    {{ as_count('sa.circles_active_members') }} as circles_active_members,
    {{ as_count('sa.news_active_members') }} as news_active_members,
    {{ as_count('sa.posts_active_members') }} as posts_active_members,
    {{ as_count('c.new_members') }} as new_members,
    {{ as_count('c.referral_purchases') }} as referral_purchases,
    {{ as_count('c.trade_in_gifts') }} as trade_in_gifts,
    {{ as_count('c.insurance_consultations') }} as insurance_consultations,
    -- activation
    {{ as_count('a.content_shares') }} as content_shares,
    {{ as_count('a.content_reads') }} as content_reads,
    {{ as_count('a.model_page_clicks') }} as model_page_clicks,
    {{ as_count('c.customer_reviews') }} as customer_reviews,
    {{ as_count('s.sessions') }} as sessions,
    {{ as_count('s.bounced_sessions') }} as bounced_sessions,
    {{ ratio('s.bounced_sessions', 's.sessions') }} as bounce_rate,
    {{ ratio('s.dwell_seconds', 's.sessions') }} as avg_dwell_seconds,
    {{ ratio('s.configurator_steps_reached', 's.configurator_sessions') }} as avg_configurator_depth,
    -- retention
    {{ as_count('h.historical_leads') }} as historical_leads,
    {{ as_count('c.new_leads') }} as new_leads,
    {{ as_count('c.lead_follow_ups') }} as lead_follow_ups,
    {{ as_count('c.store_visits') }} as store_visits,
    {{ as_count('co.registered_members') }} as registered_members,
    {{ ratio('co.retained_d1', 'co.registered_members') }} as retention_d1,
    {{ ratio('co.retained_d7', 'co.registered_members') }} as retention_d7,
    {{ ratio('co.retained_d30', 'co.registered_members') }} as retention_d30,
    {{ as_count('ma.monthly_active_members') }} as monthly_active_members,
    {{ ratio('coalesce(a.daily_active_members, 0)', 'ma.monthly_active_members') }} as stickiness,
    -- revenue
    {{ as_count('c.vehicle_orders') }} as vehicle_orders,
    {{ as_count('c.merchandise_orders') }} as merchandise_orders,
    {{ as_count('c.deliveries') }} as deliveries,
    -- referral and service
    {%- for t in ['maintenance', 'rescue', 'complaint', 'suggestion', 'accident_estimate'] %}
    {{ as_count('sv.' ~ t ~ '_opened') }} as {{ t }}_opened,
    {{ as_count('sv.' ~ t ~ '_handled') }} as {{ t }}_handled,
    {%- endfor %}
    {{ ratio('c.recommending_reviews', 'c.answered_recommend_reviews') }} as referral_rate
from days as d
left join activity as a on d.date_day = a.activity_date
left join section_activity as sa on d.date_day = sa.activity_date
left join monthly_active as ma on d.date_day = ma.activity_date
left join sessions as s on d.date_day = s.activity_date
left join cohorts as co on d.date_day = co.activity_date
left join counts as c on d.date_day = c.activity_date
left join service as sv on d.date_day = sv.activity_date
left join history as h on d.date_day = h.activity_date
