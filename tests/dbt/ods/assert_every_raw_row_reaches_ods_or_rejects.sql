-- Nothing is dropped silently: every business key that landed in a raw table is either in its ODS
-- model or in ods_quality__rejected_rows. Returns the keys that are in neither. A micro-batch
-- rebuilds only the real-time tables, so this whole-ODS check waits for the daily run.
{{ config(enabled=not var('micro_batch')) }}
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
    from {{ raw_relation(name) }}
    {%- if raw_has_column(name, '_loaded_at') %}
    where {{ landed_before_cutoff(to_business_time('trim(_loaded_at)')) }}
    {%- endif %}
) as raw_keys
where
    raw_keys.raw_key not in (select {{ key_as_text(key) }} from {{ ref(ods) }})
    and raw_keys.raw_key not in (
        select r.raw_key from {{ ref('ods_quality__rejected_rows') }} as r
        where r.raw_table = '{{ name }}'
    )
{%- endfor %}
