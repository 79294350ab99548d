-- Test drive to order (试驾到订单), pre-aggregated: one row per drive day x store x advisor x series
-- x lead source, counting the test drives (the rate's base) and those whose lead ordered within 30
-- days (an order created in [drive_date, drive_date + 30)). The rate is their ratio at any grain
-- and cut: both counts add up. Its cell is the test drive's, as the funnel counts test drives, so
-- the base equals test_drive_count under every filter. Rebuilt whole each run.
{%- set cell = ['store_id', 'advisor_id', 'series_code', 'source_channel'] %}

select
    drive_date,
    {%- for column in cell %}
    coalesce({{ column }}, {{ unknown_member_key() }}) as {{ column }},
    {%- endfor %}
    count(*) as conversion_base_test_drives,
    sum(ordered_within_30d) as ordered_test_drives
from (
    {{ converted_within(
        base=ref('dwd_fct_test_drive'), base_key='test_drive_id', base_date='drive_date',
        base_columns=['lead_id'] + cell,
        event=ref('dwd_fct_vehicle_order'), event_date='created_date', days=30, flag='ordered_within_30d'
    ) | indent(4) }}
) as per_drive
group by
    drive_date,
    coalesce(store_id, {{ unknown_member_key() }}),
    coalesce(advisor_id, {{ unknown_member_key() }}),
    coalesce(series_code, {{ unknown_member_key() }}),
    coalesce(source_channel, {{ unknown_member_key() }})
