{#- Data tests that hold a landing contract rule (contract/tables.py) on every row of a model
    downstream of the raw table, whatever batch the row came in with. -#}

{#- Only the column's codes from the contract, or 'unknown' (a code outside the set, kept). -#}
{% test in_code_set(model, column_name, raw_table, raw_column=none) %}
{%- set spec = raw_contract()[raw_table].columns | selectattr('name', 'equalto', raw_column or column_name) | first -%}
select {{ column_name }}
from {{ model }}
where {{ column_name }} not in ('{{ (spec.codes.keys() | list + ['unknown']) | join("', '") }}')
{% endtest %}


{#- Within the column's bounds in the contract that are values (numbers, dates). A time's bound by
    its landing is held downstream by not_in_the_future. -#}
{% test within_contract_bounds(model, column_name, raw_table, raw_column=none) %}
{%- set spec = raw_contract()[raw_table].columns | selectattr('name', 'equalto', raw_column or column_name) | first -%}
{%- set conditions = [] -%}
{%- for side, op in [('min', '<'), ('max', '>')] if spec.get(side) and 'value' in spec[side] -%}
    {%- do conditions.append(column_name ~ ' ' ~ op ~ ' ' ~ bound_sql(spec, spec[side])) -%}
{%- endfor -%}
select {{ column_name }}
from {{ model }}
where {{ conditions | join(' or ') if conditions else 'false' }}
{% endtest %}


{#- A time no later than when the test runs (business time, allowing the contract's clock skew): data
    from the future is wrong in every layer, old or new. -#}
{% test not_in_the_future(model, column_name) %}
{%- set now = modules.datetime.datetime.utcnow() + modules.datetime.timedelta(hours=business_utc_offset_hours(), minutes=contract_settings().clock_skew_minutes) -%}
select {{ column_name }}
from {{ model }}
where cast({{ column_name }} as {{ dbt.type_timestamp() }}) > cast('{{ now.strftime('%Y-%m-%d %H:%M:%S') }}' as {{ dbt.type_timestamp() }})
{% endtest %}
