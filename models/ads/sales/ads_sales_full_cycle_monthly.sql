-- Sales full-cycle analysis (销售全周期分析): one row per month x store x advisor x series x lead source.
-- Flows (macros/sales_funnel_flows.sql) come from dws_sales_funnel_daily, stocks (held prospects at the
-- start and at the end of the month) from dws_lead_stock_daily, distinct counts from DWD. Every rate
-- ships with its numerator and denominator so that a dashboard can re-aggregate (sum both, then
-- divide) instead of averaging rates; the distinct count does not add up over rows (see the YAML).
-- Incremental by month: a batch re-derives the months of the days it changed in the funnel, and
-- every month from the first day it changed the stock on (a stock carries forward).
{{ config(materialized='incremental', unique_key='month_start', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('ods_crm__leads') }}
-- depends_on: {{ ref('dwd_dim_customer_identity') }}
-- depends_on: {{ ref('dwd_fct_store_visit') }}
-- depends_on: {{ ref('dwd_fct_invitation') }}
-- depends_on: {{ ref('dwd_fct_follow_up') }}
-- depends_on: {{ ref('dwd_fct_lead_status_spell') }}
-- depends_on: {{ ref('dwd_fct_test_drive') }}
-- depends_on: {{ ref('dwd_fct_lead_outcome') }}
-- depends_on: {{ ref('dwd_fct_delivery') }}
-- depends_on: {{ ref('dwd_dim_date') }}
{%- set flows = sales_funnel_flows() | map(attribute='name') | list %}
{%- set grain = ['store_id', 'advisor_id', 'series_code', 'source_channel'] %}
{%- set rederive = is_incremental() and batch_window() is not none %}
{%- set month_of = "cast(" ~ dbt.date_trunc('month', 'activity_date') ~ " as date)" %}

with
{%- if rederive %}
touched_months as (
    select distinct cast({{ dbt.date_trunc('month', 'touched_date') }} as date) as month_start
    from ({{ funnel_days_touched() }}) as touched
    where touched_date is not null
    union
    select distinct m.month_start
    from {{ ref('dwd_dim_date') }} as m
    where m.month_start >= least(
        cast({{ dbt.date_trunc('month', dbt.dateadd('day', -1, stock_first_changed_day())) }} as date),
        (select max(t.month_start) from {{ this }} as t)
    )
),
{%- endif %}

daily as (
    select
        *,
        {{ month_of }} as month_start
    from {{ ref('dws_sales_funnel_daily') }}
    {%- if rederive %}
    where {{ month_of }} in (select t.month_start from touched_months as t)
    {%- endif %}
),

flows as (
    select
        {%- for f in flows %}
        sum({{ f }}) as {{ f }},
        {%- endfor %}
        month_start,
        {{ grain | join(', ') }}
    from daily
    group by month_start, {{ grain | join(', ') }}
),

stock_months as (
    -- A stock is read at an instant: each month's first day opening, its last day closing.
    select
        {{ month_of }} as month_start,
        min(activity_date) as first_day,
        max(activity_date) as last_day
    from {{ ref('dws_lead_stock_daily') }}
    {%- if rederive %}
    where {{ month_of }} in (select t.month_start from touched_months as t)
    {%- endif %}
    group by {{ month_of }}
),

stock_read_days as (
    select
        month_start,
        first_day as activity_date
    from stock_months
    union
    select
        month_start,
        last_day as activity_date
    from stock_months
),

stocks as (
    select
        m.month_start,
        {{ grain | join(', ') }},
        sum(case when s.activity_date = m.first_day then s.held_prospects_at_start else 0 end) as held_prospects_opening,
        sum(case when s.activity_date = m.last_day then s.held_prospects_at_end else 0 end) as held_prospects_current
    from {{ ref('dws_lead_stock_daily') }} as s
    inner join stock_read_days as r on s.activity_date = r.activity_date
    inner join stock_months as m on r.month_start = m.month_start
    group by m.month_start, {{ grain | join(', ') }}
),

held_conversions as (
    select
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month_start,
        {{ grain | join(', ') }},
        count(distinct lead_id) as held_prospects_converted
    from {{ ref('dwd_fct_vehicle_order') }}
    where
        is_from_held_prospect
    {%- if rederive %}
        and cast({{ dbt.date_trunc('month', 'created_date') }} as date) in (select t.month_start from touched_months as t)
        {%- endif %}
    group by cast({{ dbt.date_trunc('month', 'created_date') }} as date), {{ grain | join(', ') }}
),

distinct_sources as (
    select
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month_start,
        {{ grain | join(', ') }},
        count(distinct one_id) as distinct_prospect_sources
    from {{ ref('dwd_fct_lead') }}
    {%- if rederive %}
    where cast({{ dbt.date_trunc('month', 'created_date') }} as date) in (select t.month_start from touched_months as t)
    {%- endif %}
    group by cast({{ dbt.date_trunc('month', 'created_date') }} as date), {{ grain | join(', ') }}
),

keys as (
    select month_start, {{ grain | join(', ') }} from flows
    union
    select month_start, {{ grain | join(', ') }} from stocks
),

joined as (
    select
        k.month_start,
        {% for g in grain %}k.{{ g }}{{ ', ' if not loop.last }}{% endfor %},
        {%- for f in flows %}
        {{ as_count('f.' ~ f) }} as {{ f }},
        {%- endfor %}
        {{ as_count('d.distinct_prospect_sources') }} as distinct_prospect_sources,
        {{ as_count('s.held_prospects_opening') }} as held_prospects_opening,
        {{ as_count('s.held_prospects_current') }} as held_prospects_current,
        {{ as_count('h.held_prospects_converted') }} as held_prospects_converted
    from keys as k
    left join flows as f on {{ same_values('k', 'f', ['month_start'] + grain) }}
    left join stocks as s on {{ same_values('k', 's', ['month_start'] + grain) }}
    left join held_conversions as h on {{ same_values('k', 'h', ['month_start'] + grain) }}
    left join distinct_sources as d on {{ same_values('k', 'd', ['month_start'] + grain) }}
)

select
    j.month_start,
    j.store_id,
    st.store_name,
    st.store_type,
    st.province_name,
    st.city_name,
    st.region_name,
    st.war_zone,
    j.advisor_id,
    j.series_code,
    j.source_channel,
    -- store traffic
    j.store_visits,
    j.visits_first_visit_with_card,
    j.visits_first_visit_without_card,
    j.visits_non_purchase,
    j.visits_net_phone_invited,
    j.visits_outreach_invited,
    j.visits_post_order,
    j.visits_return_visit,
    j.visits_other,
    j.purchase_visits,
    -- prospect sources
    j.new_leads as prospect_sources,
    j.distinct_prospect_sources,
    j.cards_created,
    j.net_phone_invitation_arrivals as online_invited_arrivals,
    j.outreach_leads as outreach_prospects,
    j.outreach_carded_leads as outreach_cards,
    j.outreach_invitation_arrivals as outreach_arrivals,
    j.net_phone_leads,
    j.net_phone_carded_leads as net_phone_cards,
    j.net_phone_invitations,
    j.outreach_invitations,
    -- prospect stock
    j.held_prospects_current,
    j.held_prospects_opening,
    j.new_leads as new_prospects,
    j.dormant_leads as dormant_prospects,
    j.defeated_leads as defeated_prospects,
    j.reactivated_leads as reactivated_prospects,
    j.test_drives,
    j.visited_leads,
    j.test_driven_leads,
    j.ordered_leads,
    j.visited_ordered_leads,
    j.follow_ups,
    j.timely_leads,
    j.duplicate_leads,
    -- orders
    j.valid_orders,
    j.locked_orders,
    j.new_orders,
    j.first_orders,
    j.converted_orders,
    j.cancellations,
    j.held_prospect_orders,
    j.held_prospects_converted,
    j.new_orders_validated,
    j.new_orders_cancelled,
    j.deliveries,
    -- rates (null when the denominator is zero); conversion rates follow a cohort, so they stay in 0..1
    {{ ratio('j.test_driven_leads', 'j.visited_leads') }} as test_drive_rate,
    {{ ratio('j.visits_first_visit_with_card', 'j.visits_first_visit_with_card + j.visits_first_visit_without_card') }}
        as visit_card_rate,
    {{ ratio('j.ordered_leads', 'j.new_leads') }} as new_prospect_conversion_rate,
    {{ ratio('j.held_prospects_converted', 'j.held_prospects_opening') }} as held_prospect_conversion_rate,
    {{ ratio('j.visited_ordered_leads', 'j.visited_leads') }} as order_close_rate,
    {{ ratio('j.held_prospect_orders', 'j.new_orders') }} as held_order_close_rate,
    {{ ratio('j.new_orders_cancelled', 'j.new_orders') }} as cancellation_rate,
    {{ ratio('j.new_orders_validated', 'j.new_orders') }} as new_order_close_rate,
    {{ ratio('j.net_phone_carded_leads', 'j.net_phone_leads') }} as net_phone_card_rate,
    {{ ratio('j.outreach_carded_leads', 'j.outreach_leads') }} as outreach_card_rate,
    {{ ratio('j.timely_leads', 'j.new_leads') }} as lead_timeliness_rate,
    {{ ratio('j.net_phone_invitation_arrivals', 'j.net_phone_invitations') }} as online_invite_arrival_rate,
    {{ ratio('j.outreach_invitation_arrivals', 'j.outreach_invitations') }} as outreach_invite_arrival_rate,
    {{ ratio('j.duplicate_leads', 'j.new_leads') }} as lead_duplicate_rate
from joined as j
left join {{ ref('dwd_dim_store') }} as st on j.store_id = st.store_id
