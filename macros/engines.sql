{#- Where the engines differ: every macro here dispatches on the adapter (default__ is DuckDB's,
    and whatever DuckDB and PostgreSQL share). Models call the undecorated names and dbt's own
    cross-database macros, never an engine's dialect. -#}


{#- Run before every dbt invocation (on-run-start): the helper functions an engine lacks. -#}
{% macro engine_setup() -%}
    {{ return(adapter.dispatch('engine_setup', 'nev_warehouse')()) }}
{%- endmacro %}

{% macro default__engine_setup() -%}
{%- endmacro %}

{#- PostgreSQL has no try_cast: one function per target type that returns null where the cast
    raises. The pattern first keeps out what PostgreSQL would read but DuckDB would not
    ('today', 'epoch', '1e3'), so that both engines accept the same values. -#}
{% macro postgres__engine_setup() -%}
    create schema if not exists {{ engine_helper_schema() }};
    {%- for name, spec in postgres_try_cast_types().items() %}
    create or replace function {{ engine_helper_schema() }}.try_{{ name }}(value text) returns {{ spec.type }}
    language plpgsql immutable as $fn$
    begin
        if value is null or value !~ '{{ spec.pattern }}' then
            return null;
        end if;
        return value::{{ spec.type }};
    exception when others then
        return null;
    end
    $fn$;
    {%- endfor %}
{%- endmacro %}

{% macro engine_helper_schema() -%}nev_helpers{%- endmacro %}

{#- Spark reads the landing zone (var raw_source = 'landing', scale runs) as tables over its Parquet
    folders in schema `landing`, registered anew by each run: the columns are merged across files, and
    the load_date=... folders are found when read (spark.sql.hive.manageFilesourcePartitions is off in
    profiles.yml), so a day that has just landed is seen without repairing the table. -#}
{% macro spark__engine_setup() -%}
    {%- if execute and var('raw_source') == 'landing' -%}
        {%- set landing = env_var('NEV_LANDING_DIR', 'state/landing') -%}
        {%- do run_query('create schema if not exists landing') -%}
        {%- for node in graph.sources.values() if node.source_name == 'landing' -%}
            {%- do run_query('drop table if exists landing.' ~ node.name) -%}
            {%- do run_query("create table landing." ~ node.name ~ " using parquet options (path '"
                ~ landing ~ "/" ~ node.name ~ "', mergeSchema 'true')") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}



{% macro postgres_try_cast_types() -%}
    {{ return({
        'bigint': {'type': 'bigint', 'pattern': '^\\s*[-+]?[0-9]+\\s*$'},
        'integer': {'type': 'integer', 'pattern': '^\\s*[-+]?[0-9]+\\s*$'},
        'numeric': {'type': 'numeric', 'pattern': '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)\\s*$'},
        'date': {'type': 'date', 'pattern': '^\\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\\s*$'},
        'timestamp': {'type': 'timestamp', 'pattern':
            '^\\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?\\s*$'},
    }) }}
{%- endmacro %}


{#- A CTE the query reads more than once, computed at each read instead of stored: DuckDB (since
    1.4) and PostgreSQL materialise such CTEs by default, which for a parse of every raw row means
    holding all of them. Spark has no such clause. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'nev_warehouse')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}not materialized{%- endmacro %}

{% macro spark__inline_cte() -%}{%- endmacro %}


{#- cast that yields null instead of failing on a value it cannot convert. -#}
{% macro try_cast(expr, type) -%}
    {{ return(adapter.dispatch('try_cast', 'nev_warehouse')(expr, type)) }}
{%- endmacro %}

{% macro default__try_cast(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}

{% macro postgres__try_cast(expr, type) -%}
    {%- set t = type | lower | replace(' ', '') -%}
    {%- set helper = 'numeric' if t.startswith('decimal') or t.startswith('numeric')
        else 'timestamp' if t.startswith('timestamp') else t -%}
    {%- if helper not in postgres_try_cast_types() -%}
        {{ exceptions.raise_compiler_error("try_cast on postgres: no helper for type '" ~ type ~ "' (macros/engines.sql)") }}
    {%- endif -%}
    cast({{ engine_helper_schema() }}.try_{{ helper }}(cast({{ expr }} as text)) as {{ type }})
{%- endmacro %}


{#- DuckDB reads a zone designator itself (a cast to timestamptz gives the UTC instant), which is
    ten times faster than taking the text apart: 68M APP event times in 3 s instead of 27 s. A value
    goes down the same branch as in default__to_business_time, and where DuckDB cannot read its zone
    (a date with Z, a blank before the offset) the portable expression decides, so the results are
    the same: tests/dbt/ods/assert_business_time_agrees_across_parsers.sql. -#}
{% macro duckdb__to_business_time(expr) -%}
    {%- set s = "replace(" ~ expr ~ ", 'T', ' ')" -%}
    case
        when suffix({{ s }}, 'Z') or (({{ s }} like '%+__:__' or {{ s }} like '%-__:__') and length({{ s }}) > 19)
            then coalesce(
                make_timestamp(epoch_us(try_cast({{ s }} as timestamptz)) + {{ var('business_utc_offset_hours') * 3600 * 1000000 }}),
                {{ default__to_business_time(expr) | indent(16) }})
        else try_cast({{ s }} as timestamp)
    end
{%- endmacro %}


{#- regexp_replace of every match. -#}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'nev_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}


{#- A date part as an integer (isodow: Monday = 1 .. Sunday = 7). -#}
{% macro date_part_int(part, expr) -%}
    {{ return(adapter.dispatch('date_part_int', 'nev_warehouse')(part, expr)) }}
{%- endmacro %}

{% macro default__date_part_int(part, expr) -%}
    cast(extract({{ part }} from {{ expr }}) as integer)
{%- endmacro %}

{% macro spark__date_part_int(part, expr) -%}
    cast(extract({{ {'isodow': 'dayofweek_iso'}.get(part, part) }} from {{ expr }}) as integer)
{%- endmacro %}


{#- Type names: the project writes the standard ones ('double precision', 'varchar'); Spark spells
    them 'double' and 'string'. dbt's cast goes through here, and so do the ADS contracts' types. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type_name(type) }})
{%- endmacro %}

{% macro spark_type_name(type) -%}
    {%- set spark_types = {'double precision': 'double', 'varchar': 'string', 'text': 'string'} -%}
    {{- spark_types.get(type | lower | trim, type) -}}
{%- endmacro %}


{#- dbt's datediff counts the boundaries crossed (10:59 to 11:01 is one hour); dbt-spark's rounds the
    elapsed time up instead (19:06 to 03:47 next day is 9 hours there, 8 boundaries elsewhere). -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set seconds = {'hour': 3600, 'minute': 60, 'second': 1} -%}
    {%- if datepart in seconds -%}
    cast((unix_timestamp(date_trunc('{{ datepart }}', {{ second_date }}))
        - unix_timestamp(date_trunc('{{ datepart }}', {{ first_date }}))) / {{ seconds[datepart] }} as bigint)
    {%- else -%}
    {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- endif -%}
{%- endmacro %}


{#- dbt-spark's dateadd does not parenthesise the interval (480 - x * 60 becomes 480 - x * 60 * 60)
    and turns a null timestamp into an error; Spark's own timestampadd does neither. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, cast(({{ interval }}) as bigint), {{ from_date_or_timestamp }})
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


{#- Spark with Parquet tables (no Delta or Iceberg runtime) has no MERGE or DELETE, and dbt-spark
    offers only append and insert_overwrite. The models' delete+insert by unique key is kept on
    Spark by rewriting the table: its rows whose key the batch does not hold, plus the batch. Spark
    refuses to overwrite a table a query is reading, so the result goes through a stage table.
    The two macros below extend dbt-spark's own (same names: the root project's win). -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'delete+insert' and file_format == 'parquet' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy == 'delete+insert' -%}
        {{ spark_delete_insert_sql(source, target, unique_key) }}
    {%- else -%}
        {{ dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark_delete_insert_sql(source, target, unique_key) -%}
    {%- if unique_key is none or unique_key is not string -%}
        {{ exceptions.raise_compiler_error("delete+insert on spark needs one unique_key column (" ~ target ~ ")") }}
    {%- endif -%}
    {%- set stage = target.incorporate(path={'identifier': target.identifier ~ '__dbt_stage'}) -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
    {%- do run_query('drop table if exists ' ~ stage) -%}
    {%- call statement('stage_delete_insert') -%}
        create table {{ stage }} using parquet as
        select {{ columns }} from {{ target }} as kept
        left anti join (select distinct {{ unique_key }} from {{ source }}) as batch
            on kept.{{ unique_key }} = batch.{{ unique_key }}
        union all
        select {{ columns }} from {{ source }}
    {%- endcall -%}
    {%- call statement('overwrite_from_stage') -%}
        insert overwrite table {{ target }} select {{ columns }} from {{ stage }}
    {%- endcall -%}
    {#- the materialization's main statement: the stage is no longer needed -#}
    drop table {{ stage }}
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
