-- Landing minutes: one row per raw table and minute in which rows of it landed (one row for a
-- reference table, sent whole), with the rows that landed, were rejected, and were kept with
-- quarantined values. The grain a batch window can cut (its bounds are whole minutes), so that a
-- 15-minute slice adds to its landing day instead of replacing it; ods_quality__landing_batches
-- sums it by day. Incremental by landing batch (macros/incremental.sql, landing_records_outside_batch).
{{ config(materialized='incremental', unique_key='landing_batch', incremental_strategy='delete+insert') }}
{%- set columns = ['raw_table', 'landing_date', 'landing_batch', 'landed_minute', 'rows_landed', 'rows_rejected',
    'rows_quarantined', 'last_loaded_at'] %}

with batch as (
{%- for name, table in raw_contract().items() | sort %}
    {%- if not loop.first %}

    union all
    {% endif %}
    select
        '{{ name }}' as raw_table,
        {{ 'cast(_loaded_at as date)' if table.landed else 'cast(null as date)' }} as landing_date,
        {{ landing_batch("'" ~ name ~ "'", '_loaded_at') }} as landing_batch,
        {{ dbt.date_trunc('minute', '_loaded_at') }} as landed_minute,
        count(*) as rows_landed,
        sum(case when _reject_reason is not null then 1 else 0 end) as rows_rejected,
        sum(case when _reject_reason is null and _quarantine is not null then 1 else 0 end) as rows_quarantined,
        max(_loaded_at) as last_loaded_at
    from {{ ref(parsed_model(name)) }}
    group by 2, 3, 4
    {%- endfor %}
)

select {{ columns | join(', ') }} from batch
{{- landing_records_outside_batch('batch', columns, 'landed_minute') }}
