{#- PostgreSQL: an unbounded varchar (what a contract's `data_type: varchar` creates) and text (what a
    select of strings yields) are one type. dbt's default compares their names, sees a change, and an
    incremental model with an enforced contract and `on_schema_change: fail` stops on its second
    run ("New column types: store_id text, ..."). A real change (another type, a bounded varchar
    that would not fit) still counts. -#}
{% macro postgres__diff_column_data_types(source_columns, target_columns) %}
    {%- set result = [] -%}
    {%- for sc in source_columns -%}
        {%- set tc = target_columns | selectattr('name', 'equalto', sc.name) | list | first -%}
        {%- set same_unbounded_text = sc.is_string() and tc and tc.is_string()
            and sc.char_size is none and tc.char_size is none -%}
        {%- if tc and sc.expanded_data_type != tc.expanded_data_type and not sc.can_expand_to(other_column=tc)
            and not same_unbounded_text -%}
            {%- do result.append({'column_name': tc.name, 'new_type': sc.expanded_data_type}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(result) }}
{% endmacro %}
