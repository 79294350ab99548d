-- Nothing is dropped silently: every raw row of the batch (every row on a full build) is accounted
-- for, row by row. An accepted row's key is in its ODS model; a rejected row is in
-- ods_quality__rejected_rows; and a CDC version is in ODS with the same content, or is recorded
-- there as the version that lost a conflict. Returns the rows that are none of these.
-- Reads each raw table's parsed batch: the reconciliation parses nothing again. Keys are compared
-- by hash (64-bit on DuckDB): 684M event keys at SF 10 fit in memory that way. When the parsed
-- tables hold a batch (a run with a window that is not a full refresh), ODS is first narrowed to the
-- batch's keys (a semi-join on the first key column), so the test hashes the batch, not the history.
{%- set narrowed = batch_window() is not none and not flags.FULL_REFRESH %}
{%- for name, table in raw_contract().items() | sort %}
{%- set parsed = ref(parsed_model(name)) %}
{%- set ods = ref(ods_model(name)) %}
{%- if not loop.first %}

union all
{% endif %}
select distinct
    '{{ name }}' as raw_table,
    {{ key_as_text(table.key) }} as raw_key,
    'accepted, but its key is not in {{ ods_model(name) }}' as problem
from {{ parsed }}
where
    _reject_reason is null
    and {{ row_content_hash(table.key) }} not in (
        select {{ row_content_hash(table.key) }} from {{ ods }}
        {%- if narrowed %}
        where {{ table.key[0] }} in (select b.{{ table.key[0] }} from {{ parsed }} as b where b._reject_reason is null)
        {%- endif %}
    )

union all

select distinct
    '{{ name }}' as raw_table,
    p._raw_key as raw_key,
    'rejected, but not recorded in ods_quality__rejected_rows' as problem
from {{ parsed }} as p
left join {{ ref('ods_quality__rejected_rows') }} as r
    on r.raw_table = '{{ name }}' and p._raw_key = r.raw_key and p._reject_reason = r.reject_reason
where p._reject_reason is not null and r.raw_key is null
{%- if table.cdc %}
{%- set compared = table.columns | map(attribute='name') | reject('in', table.key + ['updated_at', '_cdc_op', '_loaded_at']) | list %}

union all

select distinct
    '{{ name }}' as raw_table,
    {{ key_as_text(table.key, 'p.') }} as raw_key,
    'a version whose content is neither in {{ ods_model(name) }} nor recorded as a lost conflict' as problem
from {{ parsed }} as p
left join {{ ods }} as o
    on {% for k in table.key %}p.{{ k }} = o.{{ k }} and {% endfor %}p.updated_at = o.valid_from
where
    p._reject_reason is null
    and (
        o.valid_from is null
        or not (
            {%- for c in compared %}
            (p.{{ c }} = o.{{ c }} or (p.{{ c }} is null and o.{{ c }} is null)){{ ' and' if not loop.last }}
            {%- endfor %}
        )
    )
    and {{ key_as_text(table.key, 'p.') }} not in (
        select r.raw_key from {{ ref('ods_quality__rejected_rows') }} as r
        where r.raw_table = '{{ name }}' and r.reject_reason like 'conflict:%'
    )
{%- endif %}
{%- endfor %}
