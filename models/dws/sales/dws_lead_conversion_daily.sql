-- Lead to test drive (线索到试驾), pre-aggregated: one row per creation day x store x advisor x
-- series x lead source, counting the leads created (the rate's base) and those that test-drove
-- within 14 days (a drive in [created_date, created_date + 14)). The rate is their ratio at any
-- grain and cut: both counts add up. Its cell is the lead's, as the funnel counts new leads, so the
-- base equals lead_count under every filter. It counts dwd_fct_lead_outcome, which carries each lead's
-- flag. Incremental by creation day: in a batch window it re-derives the creation days of the leads
-- whose outcome the batch changed (an outcome re-derived as it was keeps its landing time); without
-- a window, every day.
{{ config(materialized='incremental', unique_key='created_date', incremental_strategy='delete+insert') }}
{%- set cell = funnel_cell() %}

with leads as (
    select
        created_date,
        {%- for column in cell %}
        coalesce({{ column }}, {{ unknown_member_key() }}) as {{ column }},
        {%- endfor %}
        is_test_driven_within_14d
    from {{ ref('dwd_fct_lead_outcome') }}
    {%- if is_incremental() and batch_window() is not none %}
    where created_date in (
        select o.created_date from {{ ref('dwd_fct_lead_outcome') }} as o where {{ landed_in_window('o._loaded_at') }}
    )
    {%- endif %}
)

select
    created_date,
    {{ cell | join(', ') }},
    count(*) as conversion_base_leads,
    sum(case when is_test_driven_within_14d then 1 else 0 end) as test_drove_leads
from leads
group by created_date, {{ cell | join(', ') }}
