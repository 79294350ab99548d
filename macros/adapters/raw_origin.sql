{#- Where a raw row came from, for the rows set aside (parse_raw): its file and its row in the file,
    so that a person can find it. A CSV's row is counted as a spreadsheet counts it (the header is
    row 1, the first data row 2; a value spanning lines is one row); a Parquet file's first row is 1.
    Returns SQL on the raw relation: {'file': ..., 'row': ...}. -#}
{% macro raw_origin(raw_name) -%}
    {{ return(adapter.dispatch('raw_origin', 'nev_warehouse')(raw_name)) }}
{%- endmacro %}

{#- The seed file a raw table is loaded from (the demo). -#}
{% macro raw_seed_file(raw_name) -%}
    {%- set node = (graph.get('nodes') or {}).get('seed.' ~ project_name ~ '.' ~ raw_name) if execute else none -%}
    {{ return(node.original_file_path if node else 'seeds/' ~ raw_name) }}
{%- endmacro %}

{#- Elsewhere the engine cannot tell a row's place: the file alone (a seed), or the table's
    landing folder. -#}
{% macro default__raw_origin(raw_name) -%}
    {%- set file = raw_seed_file(raw_name) if var('raw_source') == 'seeds' else env_var('NEV_LANDING_DIR', 'state/landing') ~ '/' ~ raw_name -%}
    {{ return({'file': "'" ~ file ~ "'", 'row': 'cast(null as ' ~ api.Column.translate_type('bigint') ~ ')'}) }}
{%- endmacro %}

{#- DuckDB: a seed table keeps the file's order (rowid, counted from its first row); the landing
    zone's read adds each row's file and its number in it (models/ods/_ods__landing_sources.yml). A
    unit test's fixture, a `--empty` build's stand-in and a seed that is not a table here (slim CI
    defers to another warehouse's) have neither. -#}
{% macro duckdb__raw_origin(raw_name) -%}
    {%- if model.resource_type == 'unit_test' or flags.EMPTY or not execute -%}
        {{ return(default__raw_origin(raw_name)) }}
    {%- elif var('raw_source') == 'landing' -%}
        {{ return({'file': 'filename', 'row': 'file_row_number + 1'}) }}
    {%- endif -%}
    {%- set seed = load_relation(raw_relation(raw_name)) -%}
    {%- if seed is none or not seed.is_table -%}
        {{ return(default__raw_origin(raw_name)) }}
    {%- endif -%}
    {#- A seed loaded again is appended after the rows it replaced: count from the table's first. -#}
    {%- set first = '(select min(rowid) from ' ~ seed ~ ')' -%}
    {{ return({'file': "'" ~ raw_seed_file(raw_name) ~ "'", 'row': 'rowid - ' ~ first ~ ' + 2'}) }}
{%- endmacro %}

{#- Spark: the landing zone's tables are Parquet folders; a row knows its file. -#}
{% macro spark__raw_origin(raw_name) -%}
    {%- if var('raw_source') == 'landing' -%}
        {{ return({'file': 'input_file_name()', 'row': 'cast(null as bigint)'}) }}
    {%- else -%}
        {{ return(default__raw_origin(raw_name)) }}
    {%- endif -%}
{%- endmacro %}
