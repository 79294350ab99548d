-- Test drive to order (试驾到订单), pre-aggregated: one row per drive day x store x advisor x series
-- x lead source, counting the test drives (the rate's base) and those whose lead ordered within 30
-- days (an order created in [drive_date, drive_date + 30)). The rate is their ratio at any grain
-- and cut: both counts add up. Its cell is the test drive's, as the funnel counts test drives, so
-- the base equals test_drive_count under every filter. Rebuilt whole each run.
{{ conversions_by_cell(
    base=ref('dwd_fct_test_drive'), base_key='test_drive_id', base_date='drive_date', base_columns=['lead_id'],
    event=ref('dwd_fct_vehicle_order'), event_date='created_date', days=30,
    counted='conversion_base_test_drives', converted='ordered_test_drives', flag='ordered_within_30d'
) }}
