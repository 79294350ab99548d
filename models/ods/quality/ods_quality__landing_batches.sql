-- Landing batches: one row per raw table and landing day (business date; one row for a reference
-- table, which is sent whole), with the rows that landed, were rejected, and kept with quarantined
-- values, and when the newest of them landed. What the quality gate counts rejects against, and how
-- fresh each source is. The sum of ods_quality__landing_minutes by day.
{{ config(materialized='view') }}

select
    raw_table,
    landing_date,
    landing_batch,
    sum(rows_landed) as rows_landed,
    sum(rows_rejected) as rows_rejected,
    sum(rows_quarantined) as rows_quarantined,
    max(last_loaded_at) as last_loaded_at
from {{ ref('ods_quality__landing_minutes') }}
group by raw_table, landing_date, landing_batch
