-- One row per test drive: whether its lead ordered within 30 days of the drive (an order created in
-- [drive_date, drive_date + 30)). The test-drive-to-order rate reads one row per drive.
-- A view: nothing to refresh in a micro-batch.
{{ config(materialized='view') }}

{{ converted_within(
    base=ref('dwd_fct_test_drive'), base_key='test_drive_id', base_date='drive_date', base_columns=['lead_id'],
    event=ref('dwd_fct_vehicle_order'), event_date='created_date', days=30, flag='ordered_within_30d'
) }}
