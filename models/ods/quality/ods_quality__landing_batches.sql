-- Landing batches: one row per raw table and landing day (business date; one row for a reference
-- table, which is sent whole), with the rows that landed, were rejected, and kept with quarantined
-- values, and when the newest of them landed. What the quality gate counts rejects against, and how
-- fresh each source is. Incremental by landing batch: a run re-derives its batch's days.
{{ config(materialized='incremental', unique_key='landing_batch', incremental_strategy='delete+insert') }}

{%- for name, table in raw_contract().items() | sort %}
{%- if not loop.first %}

union all
{% endif %}
select
    '{{ name }}' as raw_table,
    {{ 'cast(_loaded_at as date)' if table.landed else 'cast(null as date)' }} as landing_date,
    {{ landing_batch("'" ~ name ~ "'", '_loaded_at') }} as landing_batch,
    count(*) as rows_landed,
    sum(case when _reject_reason is not null then 1 else 0 end) as rows_rejected,
    sum(case when _reject_reason is null and _quarantine is not null then 1 else 0 end) as rows_quarantined,
    max(_loaded_at) as last_loaded_at
from {{ ref(parsed_model(name)) }}
group by 2, 3
{%- endfor %}
