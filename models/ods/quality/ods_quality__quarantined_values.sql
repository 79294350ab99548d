-- Quarantined values: one row per raw row (exact copies once) that ODS keeps with one or more optional
-- values set to null because the landing contract does not admit them, with the values and why.
-- Incremental by landing batch (raw table and landing day): a run re-derives the batches it touches
-- (macros/incremental.sql, landing_records_outside_batch).
{{ config(materialized='incremental', unique_key='landing_batch', incremental_strategy='delete+insert') }}
{%- set columns = ['raw_table', 'raw_key', 'quarantined', '_loaded_at', 'landing_batch'] %}

with batch as (
{%- for name, table in raw_contract().items() | sort %}
    {%- if not loop.first %}

    union all
    {% endif %}
    select distinct
        '{{ name }}' as raw_table,
        {{ key_as_text(table.key) }} as raw_key,
        _quarantine as quarantined,
        _loaded_at,
        {{ landing_batch("'" ~ name ~ "'", '_loaded_at') }} as landing_batch
    from {{ ref(parsed_model(name)) }}
    where _quarantine is not null and _reject_reason is null
    {%- endfor %}
)

select {{ columns | join(', ') }} from batch
{{- landing_records_outside_batch('batch', columns) }}
