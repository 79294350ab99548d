{#- Spark with Parquet tables (no Delta or Iceberg runtime) has no MERGE or DELETE, and dbt-spark
    offers only append and insert_overwrite. The models' delete+insert by unique key is kept on
    Spark by rewriting the table: its rows whose key the batch does not hold (nor keys_gone, in
    macros/incremental.sql), plus the batch. Spark refuses to overwrite a table a query is reading,
    so the result goes through a stage table.
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
        left anti join (
            select distinct {{ unique_key }} from {{ source }}
            {%- set gone = keys_gone() %}
            {%- if gone %}
            union
            select * from ({{ gone }}) as gone
            {%- endif %}
        ) as batch
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

