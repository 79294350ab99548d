-- Rejected raw rows: one row per raw row that ODS does not keep, with its table, key, reason and where
-- it came from (file and row): a required value missing, unparseable or out of bounds, a key its
-- reference table does not list, a parent rejected, a time before its parent's (the landing
-- contract), or a CDC version that contradicts another one sent for the same update time and lost
-- to it. Nothing is dropped silently: every ODS model keeps exactly the rows that are not listed here.
-- A row is recorded once, when it first landed: a copy, or the same row re-sent on a later day (the
-- same values, by raw_hash), is not a second bad row.
-- Incremental by landing batch (raw table and landing day): a run re-derives the batches it touches
-- (macros/incremental.sql, landing_records_outside_batch).
{{ config(materialized='incremental', unique_key='landing_batch', incremental_strategy='delete+insert') }}
{%- set columns = ['raw_table', 'raw_key', 'reject_reason', 'source_file', 'source_row', 'raw_hash', '_loaded_at', 'landing_batch'] %}

with batch as (
{%- for name, table in raw_contract().items() | sort %}
    {%- if not loop.first %}

    union all
    {% endif %}
    select
        '{{ name }}' as raw_table,
        _raw_key as raw_key,
        _reject_reason as reject_reason,
        _source_file as source_file,
        _source_row as source_row,
        _raw_hash as raw_hash,
        _loaded_at,
        {{ landing_batch("'" ~ name ~ "'", '_loaded_at') }} as landing_batch
    from {{ ref(parsed_model(name)) }}
    where _reject_reason is not null
{%- endfor %}
{%- for name, table in raw_contract().items() | sort if table.cdc %}
{%- set compared = table.columns | map(attribute='name') | reject('in', table.key + ['updated_at', '_cdc_op', '_loaded_at']) | list %}
{%- set sent = [] %}
{%- for c in table.columns if c.name != '_loaded_at' %}{% do sent.append('p.' ~ c.name) %}{% endfor %}

    union all

    select
        '{{ name }}' as raw_table,
        {{ key_as_text(table.key, 'p.') }} as raw_key,
        '{{ cdc_conflict_reason() }} ' as reject_reason,
        p._source_file as source_file,
        p._source_row as source_row,
        {{ row_content_hash(sent) }} as raw_hash,
        p._loaded_at,
        {{ landing_batch("'" ~ name ~ "'", 'p._loaded_at') }} as landing_batch
    from {{ ref(parsed_model(name)) }} as p
    inner join {{ ref(ods_model(name)) }} as o
        on {% for k in table.key %}p.{{ k }} = o.{{ k }} and {% endfor %}p.updated_at = o.valid_from
    where
        p._reject_reason is null
        and not (
            {%- for c in compared %}
            (p.{{ c }} = o.{{ c }} or (p.{{ c }} is null and o.{{ c }} is null)){{ ' and' if not loop.last }}
            {%- endfor %}
        )
{%- endfor %}
),

first_landed as (
    {{ first_landed_copies('batch', columns) }}
)

select {{ columns | join(', ') }} from first_landed
{{- landing_records_outside_batch('first_landed', columns) }}
