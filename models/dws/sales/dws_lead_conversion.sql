-- One row per lead: whether it test-drove within 14 days of its creation (a drive in
-- [created_date, created_date + 14)). The lead-to-test-drive rate reads one row per lead instead of
-- joining every lead to every drive at query time. A view: nothing to refresh in a micro-batch.
{{ config(materialized='view') }}

{{ converted_within(
    base=ref('dwd_fct_lead'), base_key='lead_id', base_date='created_date',
    event=ref('dwd_fct_test_drive'), event_date='drive_date', days=14, flag='test_drove_within_14d'
) }}
