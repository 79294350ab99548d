{#- DuckDB skips a table's row groups by the min and max each keeps of a column. The incremental
    models look up the rows a batch landed (_loaded_at in its window, macros/incremental.sql), and
    increments append rows in landing order; a full build writes a table of current rows in whatever
    order its query produced, so that a quarter hour's rows were in every row group of it (53 of 55
    for the lead versions at SF 1). An incremental model that sets meta landing_order is written
    ordered by its landing time when it is built whole: a batch's rows are then in a row group or two.
    The other engines keep no such statistics: nothing changes there. -#}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- set ordered = language == 'sql' and not temporary and config.get('materialized') == 'incremental'
        and (config.get('meta') or {}).get('landing_order') -%}
    {%- set code = 'select * from (' ~ compiled_code ~ ') as in_landing_order order by _loaded_at' if ordered else compiled_code -%}
    {{ return(dbt.duckdb__create_table_as(temporary, relation, code, language, partitioned_by=partitioned_by, sorted_by=sorted_by)) }}
{%- endmacro %}
