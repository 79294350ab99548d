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


{#- Every key has its parent row, once the late-arrival window has passed: a fact may land up to
    var late_arrival_days before the dimension row it points to (a follow-up before its lead, an
    APP event before its member), so only rows that landed earlier than that, counted back from
    the newest landing, must already find their parent. In a micro-batch (tests scoped to the batch)
    it checks the rows whose allowance runs out in the batch's window: those that landed
    late_arrival_days before it. Successive windows check each row once, when its parent is due;
    the rows the batch itself brings are not due yet.
    A missing parent that ODS rejected (a member registered "in 2099" by a clock ahead, in a batch
    before the child's) is named with its reject: the table, the reason, its file and row. -#}
{% test relationships_after_late_arrival(model, column_name, to, field) %}
{{- config(meta={'sized_to_the_batch': true}) }}
{%- set late = var('late_arrival_days') %}
select
    child.{{ column_name }},
    child._loaded_at,
    rejected.raw_table as parent_rejected_in,
    rejected.reject_reason as parent_reject_reason,
    rejected.source_file as parent_source_file,
    rejected.source_row as parent_source_row
from (select * from {{ model }}) as child
left join (
    select raw_key, raw_table, reject_reason, source_file, source_row
    from (
        select
            *,
            row_number() over (partition by raw_key order by _loaded_at, raw_table) as first_reject
        from {{ ref('ods_quality__rejected_rows') }}
    ) as rejects
    where first_reject = 1
) as rejected on child.{{ column_name }} = rejected.raw_key
where
    child.{{ column_name }} is not null
    {%- if tests_scoped_to_batch() %}
    {%- set window = batch_window() %}
    {%- for side, op in [('from', '>='), ('before', '<')] if window[side] %}
    {%- set due = modules.datetime.datetime.fromisoformat(window[side]) - modules.datetime.timedelta(days=late) %}
    and child._loaded_at {{ op }} cast('{{ due.strftime('%Y-%m-%d %H:%M:%S') }}' as {{ dbt.type_timestamp() }})
    {%- endfor %}
    {%- else %}
    and child._loaded_at < (
        select {{ dbt.dateadd('day', -1 * late, 'max(_loaded_at)') }} from {{ model }}
    )
    {%- endif %}
    and child.{{ column_name }} not in (select parent.{{ field }} from {{ to }} as parent where parent.{{ field }} is not null)
{% endtest %}
