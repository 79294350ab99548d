-- Nothing is dropped silently: every business key that landed in a raw table is either in its ODS
-- model or in ods_quality__rejected_rows. Returns the keys that are in neither. A micro-batch
-- rebuilds only the real-time tables, so this whole-ODS check waits for the daily run.
-- The raw keys are made distinct after the anti-joins, not before: on 68M APP events that skips a
-- 68M-key aggregate, and the keys left (none, when the test passes) are few.
{{ config(enabled=not var('micro_batch')) }}
{%- for name, table in raw_contract().items() | sort %}
{%- set ods = 'ods_' ~ name[4:] %}
{%- if not loop.first %}

union all
{% endif %}
select distinct
    '{{ name }}' as raw_table,
    raw_keys.raw_key
from (
    select {{ key_as_text(table.key, 'trim') }} as raw_key
    from {{ raw_relation(name) }}
    {%- if raw_has_column(name, '_loaded_at') %}
    where {{ landed_before_cutoff(to_business_time('trim(_loaded_at)')) }}
    {%- endif %}
) as raw_keys
where
    raw_keys.raw_key not in (select {{ key_as_text(table.key) }} from {{ ref(ods) }})
    and raw_keys.raw_key not in (
        select r.raw_key from {{ ref('ods_quality__rejected_rows') }} as r
        where r.raw_table = '{{ name }}'
    )
{%- endfor %}
