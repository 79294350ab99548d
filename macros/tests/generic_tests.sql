{#- Generic data tests the project needs (no package hub here, so no dbt_utils). Each returns the
    failing rows. -#}

{#- The combination of columns is unique: the grain of a model with a composite key. -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}


{#- Every row satisfies a boolean SQL expression (null counts as a failure unless allowed). -#}
{% test expression_is_true(model, expression, column_name=none, where_clause=none) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{%- if where_clause %}
    and ({{ where_clause }})
{%- endif %}
{% endtest %}


{#- A normalised phone is null or an 11-digit mainland mobile number starting with 1. -#}
{% test valid_mobile_phone(model, column_name) %}
select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and not (
        {{ dbt.length(column_name) }} = 11
        and substring({{ column_name }}, 1, 1) = '1'
        and {{ regexp_replace_all(column_name, '[0-9]', '') }} = ''
    )
{% endtest %}


{#- A rate lies in [0, 1] where defined. -#}
{% test between_zero_and_one(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}
