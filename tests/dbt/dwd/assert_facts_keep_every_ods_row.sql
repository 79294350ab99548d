-- Joins to dimensions and identities must neither drop nor multiply rows: each fact has exactly the
-- rows of the ODS model it is built from. (fact, ODS model, ODS condition)
-- A test of several models is shown in Dagster as a check on the one named here.
{{ config(meta={"dagster": {"ref": {"name": "dwd_fct_lead"}}}) }}
{%- set pairs = [
    ('dwd_fct_store_visit', 'ods_showroom__store_visits', none),
    ('dwd_fct_vehicle_order', 'ods_oms__vehicle_orders', 'is_current'),
    ('dwd_fct_lead', 'ods_crm__leads', 'is_current'),
    ('dwd_fct_test_drive', 'ods_crm__test_drives', none),
    ('dwd_fct_invitation', 'ods_crm__invitations', none),
    ('dwd_fct_delivery', 'ods_oms__deliveries', none),
    ('dwd_fct_service_ticket', 'ods_aftersales__service_tickets', none),
    ('dwd_fct_referral', 'ods_app__referrals', none),
    ('dwd_fct_app_event', 'ods_app__events', none),
    ('dwd_fct_follow_up', 'ods_crm__follow_ups', none),
] %}

with counts as (
    {%- for fact, ods, condition in pairs %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ fact }}' as fact,
        (select count(*) from {{ ref(fact) }}) as fact_rows,
        (select count(*) from {{ ref(ods) }}{{ ' where ' ~ condition if condition }}) as ods_rows
    {%- endfor %}
)

select *
from counts
where fact_rows <> ods_rows
