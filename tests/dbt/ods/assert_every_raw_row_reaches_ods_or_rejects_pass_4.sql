-- Every raw row reaches ODS or the rejected rows: pass 4 of the check of accepted keys
-- (macros/tests/raw_reconciliation.sql).
{{ raw_rows_unaccounted(4) }}
