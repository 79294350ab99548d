-- Quarantined values: one row per raw row that ODS keeps with one or more optional values set to null
-- because the landing contract does not admit them, with the values, why, and where the row came
-- from (file and row). A row is recorded once, when it first landed (the same values re-sent on a
-- later day are not counted again).
-- Incremental by landing batch (raw table and landing day): a run re-derives the batches it touches
-- (macros/incremental.sql, landing_records_outside_batch).
{{ config(materialized='incremental', unique_key='landing_batch', incremental_strategy='delete+insert') }}
{%- set columns = ['raw_table', 'raw_key', 'quarantined', 'source_file', 'source_row', 'raw_hash', '_loaded_at', 'landing_batch'] %}

with batch as (
{%- for name, table in raw_contract().items() | sort %}
    {%- if not loop.first %}

    union all
    {% endif %}
    select
        '{{ name }}' as raw_table,
        {{ key_as_text(table.key) }} as raw_key,
        _quarantine as quarantined,
        _source_file as source_file,
        _source_row as source_row,
        _raw_hash as raw_hash,
        _loaded_at,
        {{ landing_batch("'" ~ name ~ "'", '_loaded_at') }} as landing_batch
    from {{ ref(parsed_model(name)) }}
    where _quarantine is not null and _reject_reason is null
    {%- endfor %}
),

first_landed as (
    {{ first_landed_copies('batch', columns) }}
)

select {{ columns | join(', ') }} from first_landed
{{- landing_records_outside_batch('first_landed', columns) }}
