-- What became of each lead (潜客结果): one row per lead, with the cell and days it counts on in the
-- sales funnel, whether it has been visited, test-driven and ordered since, and whether it test-drove
-- within 14 days of its creation. The funnel's cohort flows (visited, test-driven, ordered leads by
-- creation day) and the lead-to-test-drive conversion (dws_lead_conversion_daily) count these rows.
-- Incremental by lead: a batch re-derives the leads it changed and every lead whose outcome it may
-- have changed (macros/days_touched.sql, lead_outcomes_changed). A lead re-derived as it was keeps its
-- landing time, so that the funnel re-derives the creation days of the leads whose outcome changed,
-- not of every lead of each person the batch touched.
{{ config(materialized='incremental', unique_key='lead_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'lead_id'}) }}
-- depends_on: {{ ref('dwd_dim_customer_identity') }}
{%- set outcomes = [
    ('visited', 'dwd_fct_store_visit'), ('test_driven', 'dwd_fct_test_drive'), ('ordered', 'dwd_fct_vehicle_order'),
] %}

with
{%- if is_incremental() %}
affected as (
    select l.lead_id from {{ ref('dwd_fct_lead') }} as l
    where
        {{ landed_since_last_run('l._loaded_at') }}
        {%- if not dates_changed_rows() %}
        or l.one_id in (select p.one_id from ({{ people_touched() }}) as p)
        {%- endif %}
    union
    {{ lead_outcomes_changed() }}
),
{%- endif %}

leads as (
    select
        lead_id,
        one_id,
        store_id,
        advisor_id,
        series_code,
        source_channel,
        created_date,
        card_created_date,
        is_carded,
        is_followed_up_in_sla,
        is_duplicate,
        _loaded_at
    from {{ ref('dwd_fct_lead') }}
    {%- if is_incremental() %}
    where lead_id in (select a.lead_id from affected as a)
    {%- endif %}
),
{%- for outcome, relation in outcomes %}

{{ outcome }} as (
    select
        lead_id,
        max(_loaded_at) as _loaded_at
    from {{ ref(relation) }}
    {%- if is_incremental() %}
    where lead_id in (select a.lead_id from affected as a)
    {%- else %}
    where lead_id is not null
    {%- endif %}
    group by lead_id
),
{%- endfor %}

test_driven_within_14d as (
    {{ converted_within(
        base='leads', base_key='lead_id', base_date='created_date',
        event=ref('dwd_fct_test_drive'), event_date='drive_date', days=14, flag='test_drove_within_14d'
    ) | indent(4) }}
),

final as (
    -- a test drive implies a visit even when the showroom missed it
    select
        l.lead_id,
        l.one_id,
        l.store_id,
        l.advisor_id,
        l.series_code,
        l.source_channel,
        l.created_date,
        l.card_created_date,
        l.is_carded,
        l.is_followed_up_in_sla,
        l.is_duplicate,
        visited.lead_id is not null or test_driven.lead_id is not null as is_visited,
        test_driven.lead_id is not null as is_test_driven,
        ordered.lead_id is not null as is_ordered,
        within_14d.test_drove_within_14d = 1 as is_test_driven_within_14d,
        greatest(
            l._loaded_at
            {%- for outcome, _ in outcomes %}, coalesce({{ outcome }}._loaded_at, l._loaded_at){% endfor %}
        ) as _loaded_at
    from leads as l
    left join visited on l.lead_id = visited.lead_id
    left join test_driven on l.lead_id = test_driven.lead_id
    left join ordered on l.lead_id = ordered.lead_id
    inner join test_driven_within_14d as within_14d on l.lead_id = within_14d.lead_id
)

select * from final
