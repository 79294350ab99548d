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
        {{ exceptions.raise_compiler_error("try_cast on postgres: no helper for type '" ~ type ~ "' (macros/adapters/engine_setup.sql)") }}
    {%- endif -%}
    cast({{ engine_helper_schema() }}.try_{{ helper }}(cast({{ expr }} as text)) as {{ type }})
{%- endmacro %}


