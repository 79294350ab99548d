{#- The one place a relation's schema comes from: the layer folder under models/ (ods, dwd, dws,
    ads), `raw` for seeds. Dagster derives groups and asset keys from the same folder. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set layer = layer_of(node) -%}
    {%- if layer -%}
        {{ layer }}
    {%- elif custom_schema_name -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}

{% macro layer_of(node) -%}
    {%- set layers = ['ods', 'dwd', 'dws', 'ads'] -%}
    {%- if node.resource_type in ['model', 'snapshot'] and node.fqn | length > 2 and node.fqn[1] in layers -%}
        {{ node.fqn[1] }}
    {%- endif -%}
{%- endmacro %}
