-- The AARRR overview and the service overview add up to DWD over the whole period.
-- (check, ADS aggregate, ADS model, DWD model, DWD condition)
-- A test of several models is shown in Dagster as a check on the one named here.
{{ config(meta={"dagster": {"ref": {"name": "ads_aarrr_overview_daily"}}}) }}
{%- set checks = [
    ('aarrr deliveries', 'sum(deliveries)', 'ads_aarrr_overview_daily', 'dwd_fct_delivery', none),
    ('aarrr new members', 'sum(new_members)', 'ads_aarrr_overview_daily', 'dwd_dim_member',
        "registered_date >= (select min(a.activity_date) from " ~ ref('ads_aarrr_overview_daily') ~ " as a)"),
    ('aarrr historical leads', 'max(historical_leads)', 'ads_aarrr_overview_daily', 'dwd_fct_lead', none),
    ('service tickets opened', 'sum(tickets_opened)', 'ads_service_overview_daily', 'dwd_fct_service_ticket', none),
    ('service reviews', 'sum(customer_reviews)', 'ads_service_overview_daily', 'dwd_fct_customer_review', none),
] %}

with checks as (
    {%- for name, ads_aggregate, ads_model, dwd_model, condition in checks %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ name }}' as check_name,
        (select {{ ads_aggregate }} from {{ ref(ads_model) }}) as ads_value,
        (select count(*) from {{ ref(dwd_model) }}{{ ' where ' ~ condition if condition }}) as dwd_value
    {%- endfor %}
)

select *
from checks
where coalesce(ads_value, 0) <> coalesce(dwd_value, 0)
