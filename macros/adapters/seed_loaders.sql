{#- Seed loaders. The raw files are checked against the landing contract first (contract/files.py:
    UTF-8, RFC 4180, the contract's header); each engine then reads them as RFC 4180 says. -#}

{#- DuckDB: its own CSV reader, told the quoting instead of guessing it (its sniffer guesses "no
    quote character" when the first rows hold none, and a quoted comma or line break further down
    then splits the row). -#}
{% macro duckdb__load_csv_rows(model, agate_table) -%}
    {%- set sql -%}
        copy {{ this.render() }} from '{{ adapter.get_seed_file_path(model) }}'
        (format csv, header true, delimiter ',', quote '"', escape '"', auto_detect false)
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {{ return(sql) }}
{%- endmacro %}


{#- Seeds on PostgreSQL: the same multi-row inserts as dbt's default, with each batch's placeholder
    list built by joining strings instead of a Jinja loop per value (27k event rows: 35 s -> a few). -#}
{% macro postgres__load_csv_rows(model, agate_table) -%}
    {%- set cols_sql = get_seed_column_quoted_csv(model, agate_table.column_names) -%}
    {%- set row_sql = '(' ~ ([get_binding_char()] * (agate_table.column_names | length)) | join(', ') ~ ')' -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set bindings = [] -%}
        {%- for row in chunk -%}
            {%- do bindings.extend(row) -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' (' ~ cols_sql ~ ') values ' ~ ([row_sql] * (chunk | length)) | join(', ') -%}
        {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{%- endmacro %}


{#- Seeds on Spark: the raw tables are all text (column_types: varchar, which Spark spells string).
    The rows are read by Spark's own CSV reader from the seed file instead of thousands of literal
    inserts; the file must be readable by the executors (true for the local cluster, shared storage
    elsewhere). Like dbt's loader, '' and 'null' (any case, surrounding blanks) become null. -#}
{% macro spark__create_csv_table(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set sql -%}
    create table {{ this.render() }} (
        {%- for col_name in agate_table.column_names %}
        {{ col_name }} {{ spark_type_name(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) }}
        {%- if not loop.last %},{% endif -%}
        {%- endfor %}
    )
    {{ file_format_clause() }}
    {%- endset -%}
    {%- call statement('_') -%}{{ sql }}{%- endcall -%}
    {{ return(sql) }}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set path = model['root_path'] ~ '/' ~ model['original_file_path'] -%}
    {%- set view = this.identifier ~ '__csv' -%}
    {%- call statement('_') -%}
    create or replace temporary view {{ view }}
    using csv options (path '{{ path }}', header 'true', multiLine 'true', escape '"', inferSchema 'false')
    {%- endcall -%}
    {%- set sql -%}
    insert into {{ this.render() }}
    select
        {%- for col_name in agate_table.column_names %}
        cast(case when lower(trim({{ col_name }})) in ('', 'null') then null else {{ col_name }} end
            as {{ spark_type_name(model['config'].get('column_types', {}).get(col_name, adapter.convert_type(agate_table, loop.index0))) }})
        {%- if not loop.last %},{% endif -%}
        {%- endfor %}
    from {{ view }}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- do adapter.add_query('drop view if exists ' ~ view) -%}
    {{ return(sql) }}
{%- endmacro %}
