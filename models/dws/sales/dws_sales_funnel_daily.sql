-- Sales funnel flows: one row per day x store x advisor x series x lead source, one column per flow
-- (macros/sales_funnel_flows.sql declares them). Each counts business events (a visit, a lead, a
-- card, an invitation, a status change, a test drive, an order stage, a delivery) on the day they
-- happened; the cohort flows count the leads (orders) created on the day by what has become of them
-- since. Stocks and distinct counts are not additive over days and live in ADS.
-- Incremental by day: a batch re-derives every day a fact it changed is counted on
-- (macros/days_touched.sql), from the whole history of the facts.
{{ config(materialized='incremental', unique_key='activity_date', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('ods_crm__leads') }}
-- depends_on: {{ ref('dwd_dim_customer_identity') }}
{%- set flows = sales_funnel_flows() %}
{%- set cell = funnel_cell() %}

with
{%- if is_incremental() %}
touched_days as (
    select distinct touched_date
    from ({{ funnel_days_touched() }}) as touched
    where touched_date is not null
),
{%- endif %}

leads as (
    select * from {{ ref('dwd_fct_lead') }}
),

visits as (
    select * from {{ ref('dwd_fct_store_visit') }}
),

test_drives as (
    select * from {{ ref('dwd_fct_test_drive') }}
),

orders as (
    select * from {{ ref('dwd_fct_vehicle_order') }}
),

invitations as (
    select * from {{ ref('dwd_fct_invitation') }}
),

deliveries as (
    select * from {{ ref('dwd_fct_delivery') }}
),

lead_outcomes as (
    select * from {{ ref('dwd_fct_lead_outcome') }}
),

follow_ups as (
    select
        f.followed_up_date,
        l.store_id,
        l.advisor_id,
        l.series_code,
        l.source_channel,
        f._loaded_at
    from {{ ref('dwd_fct_follow_up') }} as f
    inner join leads as l on f.lead_id = l.lead_id
),

status_changes as (
    select
        s.valid_from_date,
        s.lead_status,
        s.is_reactivation,
        l.store_id,
        l.advisor_id,
        l.series_code,
        l.source_channel,
        s._loaded_at
    from {{ ref('dwd_fct_lead_status_spell') }} as s
    inner join leads as l on s.lead_id = l.lead_id
),

flow_counts as (
    {#- One pass per fact and date: each flow of it counted where its condition holds. #}
    {%- set passes = [] %}
    {%- for f in flows if (f.fact, f.date) not in passes %}{% do passes.append((f.fact, f.date)) %}{% endfor %}
    {%- for fact, date_column in passes %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ date_column }} as activity_date,
        {{ cell | join(', ') }},
        {%- for f in flows %}
        {%- if (f.fact, f.date) == (fact, date_column) %}
        sum(case when {{ f.where or 'true' }} then 1 else 0 end) as {{ f.name }},
        {%- else %}
        0 as {{ f.name }},
        {%- endif %}
        {%- endfor %}
        max(_loaded_at) as _loaded_at
    from {{ fact }}
    where
        {{ date_column }} is not null
    {%- if is_incremental() %}
        and {{ date_column }} in (select d.touched_date from touched_days as d)
    {%- endif %}
    group by {{ date_column }}, {{ cell | join(', ') }}
    {%- endfor %}
)

select
    activity_date,
    store_id,
    coalesce(advisor_id, {{ unknown_member_key() }}) as advisor_id,
    coalesce(series_code, {{ unknown_member_key() }}) as series_code,
    coalesce(source_channel, {{ unknown_member_key() }}) as source_channel,
    {%- for f in flows %}
    sum({{ f.name }}) as {{ f.name }},
    {%- endfor %}
    sum({% for f in flows %}{{ f.name }}{{ ' + ' if not loop.last }}{% endfor %}) as events,
    max(_loaded_at) as _loaded_at
from flow_counts
group by
    activity_date,
    store_id,
    coalesce(advisor_id, {{ unknown_member_key() }}),
    coalesce(series_code, {{ unknown_member_key() }}),
    coalesce(source_channel, {{ unknown_member_key() }})
having sum({% for f in flows %}{{ f.name }}{{ ' + ' if not loop.last }}{% endfor %}) > 0
