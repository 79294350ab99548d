{#- Nothing is dropped silently: every raw row of the batch (every row on a full build) is accounted
    for, row by row. An accepted row's key is in its ODS model; a rejected row is in
    ods_quality__rejected_rows; and a CDC version is in ODS with the same content, or is recorded
    there as the version that lost a conflict. Returns the rows that are none of these.

    Reads each raw table's parsed batch: the reconciliation parses nothing again. Keys are compared
    by hash (64-bit on DuckDB). When the parsed tables hold a batch (a run with a window that is not
    a full refresh), ODS is first narrowed to the batch's keys (a semi-join on the first key column,
    and for an immutable table the batch's range of its event time, which the zonemaps prune), so the
    test hashes the batch, not the history.

    The check of accepted keys runs in passes (tests/dbt/ods/assert_every_raw_row_reaches_ods_or_rejects_pass_<n>),
    each over the keys whose hash falls in its bucket, on both sides: one pass for every
    `reconciliation_pass_keys` (dbt_project.yml) rows of the largest parsed batch, up to the four
    pass files. At SF 10
    the APP events' 684M keys in one pass need a hash table past 16 GB of memory and more spill than
    the disk had beside the warehouse; four passes hold 171M each. A batch, the demo and SF 1 need
    one pass, and the other passes return nothing. The rejected and CDC checks run in the first. -#}
{% macro raw_rows_unaccounted(pass_number) -%}
{%- set narrowed = batch_window() is not none and not flags.FULL_REFRESH %}
{%- set passes = reconciliation_passes() %}
{%- for name, table in raw_contract().items() | sort %}
{%- set parsed = ref(parsed_model(name)) %}
{%- set ods = ref(ods_model(name)) %}
{%- if passes == 1 %}
{%- set in_pass = 'true' if pass_number == 1 else 'false' %}
{%- else %}
{%- set in_pass = key_bucket(table.key, passes) ~ ' = ' ~ (pass_number - 1) if pass_number <= passes else 'false' %}
{%- endif %}
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
    and {{ in_pass }}
    and {{ row_content_hash(table.key) }} not in (
        select {{ row_content_hash(table.key) }} from {{ ods }}
        where {{ in_pass }}
        {%- if narrowed %}
            and {{ table.key[0] }} in (select b.{{ table.key[0] }} from {{ parsed }} as b where b._reject_reason is null)
            {%- if table.key_dated_by %}
            and {{ table.key_dated_by }} >= (select min(b.{{ table.key_dated_by }}) from {{ parsed }} as b where b._reject_reason is null)
            and {{ table.key_dated_by }} <= (select max(b.{{ table.key_dated_by }}) from {{ parsed }} as b where b._reject_reason is null)
            {%- endif %}
        {%- endif %}
    )
{%- if pass_number == 1 %}

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
{%- endif %}
{%- endfor %}
{%- endmacro %}


{#- Passes the check of accepted keys needs: one per pass_keys rows of the largest parsed batch of
    a large raw table, at most one per pass file. -#}
{% macro reconciliation_passes(pass_files=4) -%}
    {%- set pass_keys = var('reconciliation_pass_keys') | int -%}
    {%- if not execute -%}
        {{ return(1) }}
    {%- endif -%}
    {%- set counts = [] -%}
    {%- for name, table in raw_contract().items() | sort if table.large -%}
        {%- do counts.append('select count(*) as n from ' ~ ref(parsed_model(name))) -%}
    {%- endfor -%}
    {%- set largest = run_query('select max(n) from (' ~ counts | join(' union all ') ~ ') as c').columns[0].values()[0] or 0 -%}
    {{ return([[((largest | int) + pass_keys - 1) // pass_keys, 1] | max, pass_files] | min) }}
{%- endmacro %}
