{#- Run before every dbt invocation (on-run-start): what an engine needs first. DuckDB: nothing;
    PostgreSQL: the try_cast helpers it lacks; Spark: the landing zone's tables. -#}
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


{#- The types PostgreSQL's try_cast helpers return, with the text each admits. -#}
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
