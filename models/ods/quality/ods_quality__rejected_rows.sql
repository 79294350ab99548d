-- Rejected raw rows: one row per raw row that could not be parsed, with its table, key and reason.
-- Nothing is dropped silently: every ODS model keeps exactly the rows that are not listed here.
{%- for name in raw_contract() | sort %}
{%- if not loop.first %}

union all
{% endif %}
select
    '{{ name }}' as raw_table,
    {{ raw_key_expression(name) }} as raw_key,
    _reject_reason as reject_reason,
    {{ '_loaded_at' if raw_has_column(name, '_loaded_at') else 'cast(null as ' ~ dbt.type_timestamp() ~ ')' }}
from ({{ parse_raw(name) }}) as {{ name }}
where _reject_reason is not null
{%- endfor %}
