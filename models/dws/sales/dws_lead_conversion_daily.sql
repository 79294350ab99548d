-- Lead to test drive (线索到试驾), pre-aggregated: one row per creation day x store x advisor x
-- series x lead source, counting the leads created (the rate's base) and those that test-drove
-- within 14 days (a drive in [created_date, created_date + 14)). The rate is their ratio at any
-- grain and cut: both counts add up. Its cell is the lead's, as the funnel counts new leads, so the
-- base equals lead_count under every filter. Rebuilt whole each run: one pass over the leads and
-- their drives, instead of one per query.
{{ conversions_by_cell(
    base=ref('dwd_fct_lead'), base_key='lead_id', base_date='created_date',
    event=ref('dwd_fct_test_drive'), event_date='drive_date', days=14,
    counted='conversion_base_leads', converted='test_drove_leads', flag='test_drove_within_14d'
) }}
