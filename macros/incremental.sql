{#- Incremental models select what landed since their last run (by _loaded_at, so late rows are
    picked up too), then re-derive each touched key from its new and existing rows together:
    the result is the same as a full refresh, the work proportional to the new data. -#}

{% macro landed_since_last_run(column='_loaded_at') -%}
    {%- if is_incremental() -%}
        {{ column }} >= (select max({{ column }}) from {{ this }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The new rows plus the rows the table already holds for the same keys. -#}
{% macro with_existing_rows(new_cte, key, columns) -%}
    select {{ columns | join(', ') }} from {{ new_cte }}
    {%- if is_incremental() %}
    union all
    select {{ columns | join(', ') }} from {{ this }}
    where {{ key }} in (select {{ key }} from {{ new_cte }})
    {%- endif %}
{%- endmacro %}
