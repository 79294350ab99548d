-- Nothing is dropped silently: every business key that landed in a raw table is either in its ODS
-- model or in ods_quality__rejected_rows. Returns the keys that are in neither.
{%- for name, table in raw_contract().items() | sort %}
{%- set ods = 'ods_' ~ name[4:] %}
{%- set key = table.key %}
{%- if not loop.first %}

union all
{% endif %}
select
    '{{ name }}' as raw_table,
    raw_keys.raw_key
from (
    select distinct {{ key_as_text(key, 'trim') }} as raw_key
    from {{ ref(name) }}
) as raw_keys
where
    raw_keys.raw_key not in (select {{ key_as_text(key) }} from {{ ref(ods) }})
    and raw_keys.raw_key not in (
        select r.raw_key from {{ ref('ods_quality__rejected_rows') }} as r
        where r.raw_table = '{{ name }}'
    )
{%- endfor %}
