{#- SQL that makes the space of emptied tables reusable at once (run as a hook, outside a
    transaction). DuckDB frees a table's blocks only at a checkpoint; the other engines on truncate. -#}
{% macro release_storage() -%}
    {{ return(adapter.dispatch('release_storage', 'nev_warehouse')()) }}
{%- endmacro %}

{% macro default__release_storage() -%}{%- endmacro %}

{% macro duckdb__release_storage() -%}checkpoint{%- endmacro %}
