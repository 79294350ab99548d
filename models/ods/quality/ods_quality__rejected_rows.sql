-- Rejected raw rows: one row per raw row that could not be parsed, with its table, key and reason.
-- Nothing is dropped silently: every ODS model keeps exactly the rows that are not listed here.
{%- set raw_tables = [
    'raw_aftersales__customer_reviews', 'raw_aftersales__service_tickets',
    'raw_app__events', 'raw_app__insurance_consultations', 'raw_app__members', 'raw_app__referrals',
    'raw_app__trade_in_gifts',
    'raw_crm__follow_ups', 'raw_crm__invitations', 'raw_crm__leads', 'raw_crm__test_drives',
    'raw_market__registrations',
    'raw_oms__deliveries', 'raw_oms__merchandise_orders', 'raw_oms__production_milestones',
    'raw_oms__sales_targets', 'raw_oms__vehicle_orders',
    'raw_ref__advisors', 'raw_ref__cities', 'raw_ref__stores', 'raw_ref__vehicle_models',
    'raw_showroom__store_visits',
] %}
{%- do check_every_raw_table_listed(raw_tables) %}

{%- for name in raw_tables %}
{%- if not loop.first %}

union all
{% endif %}
select
    '{{ name }}' as raw_table,
    {{ raw_key_expression(name) }} as raw_key,
    _reject_reason as reject_reason,
    {{ raw_loaded_at_expression(name) }} as _loaded_at
from ({{ parse_raw(name) }}) as {{ name }}
where _reject_reason is not null
{%- endfor %}
