{#- A CTE the query reads more than once, computed at each read instead of stored: DuckDB (since
    1.4) and PostgreSQL materialise such CTEs by default, which for a parse of every raw row means
    holding all of them. Spark has no such clause. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'nev_warehouse')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}not materialized{%- endmacro %}

{% macro spark__inline_cte() -%}{%- endmacro %}

