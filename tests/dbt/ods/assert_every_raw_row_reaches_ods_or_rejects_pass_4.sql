-- Every raw row reaches ODS or the rejected rows: pass 4 of the check of accepted keys
-- (macros/tests/raw_reconciliation.sql).
-- A test of several models is shown in Dagster as a check on the one named here.
{{ config(meta={"dagster": {"ref": {"name": "ods_quality__rejected_rows"}}}) }}
-- depends_on: {{ ref('ods_quality__rejected_rows') }}
{{ raw_rows_unaccounted(4) }}
