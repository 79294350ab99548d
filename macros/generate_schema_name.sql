{#- The one place a relation's schema comes from: the layer folder under models/ (the var `layers`
    in dbt_project.yml), `raw` for seeds. Dagster takes groups and asset keys from the schema. -#}
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
    {%- if node.resource_type in ['model', 'snapshot'] and node.fqn | length > 2 and node.fqn[1] in var('layers') -%}
        {{ node.fqn[1] }}
    {%- endif -%}
{%- endmacro %}
