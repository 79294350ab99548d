-- Every raw row reaches ODS or the rejected rows: pass 1 of the check of accepted keys
-- (macros/tests/raw_reconciliation.sql).
{{ raw_rows_unaccounted(1) }}
