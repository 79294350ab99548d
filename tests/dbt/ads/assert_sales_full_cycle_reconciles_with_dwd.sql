-- The published sales full-cycle table adds up to DWD for every month: visits, new leads, test
-- drives, new orders, cancellations and deliveries. Returns the months (and measure) that differ.
-- A test of several models is shown in Dagster as a check on the one named here.
{{ config(meta={"dagster": {"ref": {"name": "ads_sales_full_cycle_monthly"}}}) }}
with ads as (
    select
        month_start,
        sum(store_visits) as store_visits,
        sum(new_prospects) as new_leads,
        sum(test_drives) as test_drives,
        sum(new_orders) as new_orders,
        sum(cancellations) as cancellations,
        sum(deliveries) as deliveries
    from {{ ref('ads_sales_full_cycle_monthly') }}
    group by month_start
),

dwd as (
    {%- set facts = [
        ('store_visits', 'dwd_fct_store_visit', 'visited_date', none),
        ('new_leads', 'dwd_fct_lead', 'created_date', none),
        ('test_drives', 'dwd_fct_test_drive', 'drive_date', none),
        ('new_orders', 'dwd_fct_vehicle_order', 'created_date', none),
        ('cancellations', 'dwd_fct_vehicle_order', 'cancelled_date', 'cancelled_at is not null'),
        ('deliveries', 'dwd_fct_delivery', 'delivered_date', none),
    ] %}
    {%- for measure, model, date_col, filter in facts %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ measure }}' as measure,
        cast({{ dbt.date_trunc('month', date_col) }} as date) as month_start,
        count(*) as dwd_value
    from {{ ref(model) }}
    {%- if filter %}
    where {{ filter }}
    {%- endif %}
    group by cast({{ dbt.date_trunc('month', date_col) }} as date)
    {%- endfor %}
),

ads_long as (
    {%- for measure, _, _, _ in facts %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ measure }}' as measure,
        month_start,
        {{ measure }} as ads_value
    from ads
    {%- endfor %}
)

select
    coalesce(a.measure, d.measure) as measure,
    coalesce(a.month_start, d.month_start) as month_start,
    a.ads_value,
    d.dwd_value
from ads_long as a
full outer join dwd as d on a.measure = d.measure and a.month_start = d.month_start
where coalesce(a.ads_value, 0) <> coalesce(d.dwd_value, 0)
