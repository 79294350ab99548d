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

