-- Test drive to order (试驾到订单), pre-aggregated: one row per drive day x store x advisor x series
-- x lead source, counting the test drives (the rate's base) and those whose lead ordered within 30
-- days (an order created in [drive_date, drive_date + 30)). The rate is their ratio at any grain
-- and cut: both counts add up. Its cell is the test drive's, as the funnel counts test drives, so
-- the base equals test_drive_count under every filter.
-- Incremental by drive day: in a batch window it re-derives the days of the test drives the batch
-- brought and of every test drive of a lead whose orders it may have changed (lead_outcomes_changed,
-- macros/days_touched.sql); without a window, every day.
{{ config(materialized='incremental', unique_key='drive_date', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('dwd_fct_lead') }}
-- depends_on: {{ ref('dwd_fct_store_visit') }}
{%- set touched = none %}
{%- if is_incremental() and batch_window() is not none %}
    {#- the days, read once as literals (touched_dates): the base is filtered twice -#}
    {%- set touched = date_in('b.drive_date', touched_dates(
        "select t.drive_date as touched_date from " ~ ref('dwd_fct_test_drive') ~ " as t where "
        ~ landed_in_window('t._loaded_at') ~ " or t.lead_id in (" ~ lead_outcomes_changed() ~ ")"
    )) %}
{%- endif %}
{{ conversions_by_cell(
    base=ref('dwd_fct_test_drive'), base_key='test_drive_id', base_date='drive_date', base_columns=['lead_id'],
    event=ref('dwd_fct_vehicle_order'), event_date='created_date', days=30,
    counted='conversion_base_test_drives', converted='ordered_test_drives', flag='ordered_within_30d',
    base_filter=touched
) }}
