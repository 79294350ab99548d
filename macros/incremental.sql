{#- The batch: which landed rows a run takes in, and how incremental models merge them.

    The batch comes from the environment, read only when the SQL is compiled for a run (never
    while the project is parsed), so that a new window changes no parsed file and re-parses
    nothing. Every tool sets the same variables (Dagster from its daily partition, the bench, the
    tests); unset, a run takes everything landed.

      NEV_BATCH_LANDED_FROM     business time 'YYYY-MM-DD HH:MM:SS': incremental models take the rows
      NEV_BATCH_LANDED_BEFORE   landed in [from, before); without from, what landed since their last run
      NEV_RAW_LOADED_BEFORE     what had landed by then: rows landed later are invisible (replays)
      NEV_TEST_SCOPE            'batch': the data tests of incremental models check the batch's rows
                                (macros/tests/batch_scope.sql); anything else: every row

    Incremental models then re-derive each key the batch touched from its new and existing rows
    together: the result equals a full refresh, the work is proportional to the batch. -#}

{#- A batch variable's value, or none. Unit tests run on their fixtures, never on a batch. -#}
{% macro batch_setting(name) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = env_var(name, '') | trim -%}
    {{ return(value if value else none) }}
{%- endmacro %}

{#- {'from': ..., 'before': ...} of the batch window (either may be none), or none. Its bounds are
    whole minutes: the landing records count rows by the minute they landed (ods_quality models). -#}
{% macro batch_window() -%}
    {%- set bounds = {} -%}
    {%- for side, name in [('from', 'NEV_BATCH_LANDED_FROM'), ('before', 'NEV_BATCH_LANDED_BEFORE')] -%}
        {%- set value = batch_setting(name) -%}
        {%- if value is not none and not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:00)?)?', value) -%}
            {{ exceptions.raise_compiler_error(name ~ "='" ~ value ~ "': expected business time 'YYYY-MM-DD HH:MM:00' (a whole minute)") }}
        {%- endif -%}
        {%- do bounds.update({side: value}) -%}
    {%- endfor -%}
    {{ return(bounds if bounds['from'] or bounds['before'] else none) }}
{%- endmacro %}

{% macro tests_scoped_to_batch() -%}
    {{ return(batch_setting('NEV_TEST_SCOPE') == 'batch' and batch_window() is not none) }}
{%- endmacro %}


{#- The cutoff NEV_RAW_LOADED_BEFORE on a parsed _loaded_at (business time). -#}
{% macro landed_before_cutoff(column) -%}
    {%- set cutoff = batch_setting('NEV_RAW_LOADED_BEFORE') -%}
    {%- if cutoff is none -%}
        true
    {%- else -%}
        {{ column }} < cast('{{ cutoff }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{#- The batch window on a landing time: true without a window. -#}
{% macro landed_in_window(column='_loaded_at') -%}
    {%- set window = batch_window() -%}
    {%- if window is none -%}
        true
    {%- else -%}
        {%- set parts = [] -%}
        {%- if window['from'] %}{% do parts.append(column ~ " >= cast('" ~ window['from'] ~ "' as " ~ dbt.type_timestamp() ~ ")") %}{% endif -%}
        {%- if window['before'] %}{% do parts.append(column ~ " < cast('" ~ window['before'] ~ "' as " ~ dbt.type_timestamp() ~ ")") %}{% endif -%}
        {{ parts | join(' and ') }}
    {%- endif -%}
{%- endmacro %}


{#- What an incremental model takes in from its input: the batch window, or without one what
    landed since its last run; on a full refresh everything. -#}
{% macro landed_since_last_run(column='_loaded_at') -%}
    {%- if is_incremental() and batch_window() is not none -%}
        {{ landed_in_window(column) }}
    {%- elif is_incremental() -%}
        {{ column }} >= (select max(_loaded_at) from {{ this }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The landing zone's day folders (load_date, UTC) that can hold the window's rows, so that a
    batch reads its own days of files, not the history. -#}
{% macro landing_days_of_batch() -%}
    {%- set window = batch_window() -%}
    {%- if var('raw_source') == 'landing' and window is not none and window['from'] -%}
        {%- set day = modules.datetime.timedelta(days=1) -%}
        load_date >= '{{ (modules.datetime.datetime.fromisoformat(window['from']) - day).strftime('%Y-%m-%d') }}'
        {%- if window['before'] %}
        and load_date <= '{{ (modules.datetime.datetime.fromisoformat(window['before']) + day).strftime('%Y-%m-%d') }}'
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The new rows plus the rows the table already holds for the same keys. For an ODS model of an
    immutable raw table (key_dated_by in the landing contract: every copy of a key carries the same
    event time, as an APP event keeps its time), the existing rows are looked up only within the new
    rows' range of that column: the table's zonemaps then skip the history instead of probing every
    key. An empty batch has no range: its lower bound is then a day no row can carry, as DuckDB
    prunes nothing on a null bound and would read every row (3.6 s of APP events at SF 1). -#}
{% macro with_existing_rows(new_cte, key, columns) -%}
    select {{ columns | join(', ') }} from {{ new_cte }}
    {%- if is_incremental() %}
    union all
    select {{ columns | join(', ') }} from {{ this }}
    where {{ key }} in (select {{ key }} from {{ new_cte }})
    {%- set dated_by = key_dated_by(model.name) %}
    {%- if dated_by %}
        and {{ dated_by }} >= (
            select coalesce(min({{ dated_by }}), cast('9999-12-31' as {{ dbt.type_timestamp() }})) from {{ new_cte }}
        )
        and {{ dated_by }} <= (select max({{ dated_by }}) from {{ new_cte }})
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- The column every copy of a key of an ODS model's raw table carries unchanged (the landing
    contract's key_dated_by), or none: for any other model, none. -#}
{% macro key_dated_by(model_name) -%}
    {%- set table = raw_contract().get('raw_' ~ model_name[4:]) if model_name.startswith('ods_') else none -%}
    {{ return((table or {}).get('key_dated_by') or none) }}
{%- endmacro %}

{#- delete+insert. For an ODS model with key_dated_by, the delete reads only the batch's range of
    that column (within_span), not every key of the table. A copy of a key with another value of it
    would keep both rows: the model's unique test, which in a batch reads every row of the keys the
    batch touched, stops the run. A model may name keys to delete that it writes no row for
    (keys_gone). Every other model: dbt's own. Spark's is macros/adapters/spark_delete_insert.sql. -#}
{% macro default__get_incremental_delete_insert_sql(arg_dict) -%}
    {%- set predicates = arg_dict['incremental_predicates'] or [] -%}
    {%- set dated_by = key_dated_by(model.name) -%}
    {%- if dated_by -%}
        {%- set span = run_query('select min(' ~ dated_by ~ '), max(' ~ dated_by ~ ') from ' ~ arg_dict['temp_relation']).rows[0] -%}
        {%- set predicates = predicates + [within_span(dated_by, span)] -%}
    {%- endif -%}
    {%- set merge = get_delete_insert_merge_sql(arg_dict['target_relation'], arg_dict['temp_relation'],
        arg_dict['unique_key'], arg_dict['dest_columns'], predicates) -%}
    {%- set gone = keys_gone() -%}
    {%- if gone -%}
        {%- set merge = 'delete from ' ~ arg_dict['target_relation'] ~ ' where ' ~ arg_dict['unique_key']
            ~ ' in (' ~ gone ~ '); ' ~ merge -%}
    {%- endif -%}
    {%- set keep = keep_landing_time_of_unchanged_rows(
        arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['dest_columns']) -%}
    {{ return(keep ~ merge) }}
{%- endmacro %}

{#- A model whose meta names unchanged_rows_keep_landing_time (its row's key; a DWD fact) dates each
    row a batch window re-derives by when its content last changed, so that the summaries above
    re-derive the days of the rows that changed and only those (macros/days_touched.sql):
    - a row that comes out as the table holds it keeps the landing time it has there (a CDC version
      sent again, a person's identity re-derived as it was);
    - a row that comes out changed is dated in the window at least (its start): its own inputs may
      all be old, when what changed it is an input it lost (a visit that now belongs to the person's
      other lead).
    A new row keeps the newest landing of its inputs, as on a full build. A run without a window
    (what landed since the model's last run) has no such date to give: it keeps the landing times as
    derived, and the summaries re-derive every day of the people it touched (dates_changed_rows()).
    The increments' bookkeeping (_loaded_at, _previous_*) is not content. Runs on the batch's rows
    before the merge, in the same statement; Spark's rewrite (macros/adapters/spark_delete_insert.sql)
    keeps the landing times as derived, which re-derives more days and gives the same numbers. -#}
{% macro keep_landing_time_of_unchanged_rows(target, temp, dest_columns) -%}
    {%- set row_key = (config.get('meta') or {}).get('unchanged_rows_keep_landing_time') -%}
    {%- if not row_key -%}
        {{ return('') }}
    {%- endif -%}
    {%- if not dates_changed_rows() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set same = [] -%}
    {%- for column in dest_columns if column.name != '_loaded_at' and not column.name.startswith('_previous') -%}
        {%- do same.append('o.' ~ column.quoted ~ ' is not distinct from n.' ~ column.quoted) -%}
    {%- endfor -%}
    {%- set stamp = "cast('" ~ batch_window()['from'] ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- set sql -%}
        update {{ temp }} as n
        set _loaded_at = {{ stamp }}
        from {{ target }} as o
        where o.{{ row_key }} = n.{{ row_key }} and n._loaded_at < {{ stamp }}
            and not ({{ same | join(' and ') }});
        update {{ temp }} as n
        set _loaded_at = o._loaded_at
        from {{ target }} as o
        where o.{{ row_key }} = n.{{ row_key }} and o._loaded_at < n._loaded_at
            and {{ same | join(' and ') }};
    {% endset -%}
    {{ return(sql) }}
{%- endmacro %}

{#- Whether this run dates the DWD facts by when they changed (above): a batch window with a start. -#}
{% macro dates_changed_rows() -%}
    {%- set window = batch_window() -%}
    {{ return(window is not none and window['from'] is not none) }}
{%- endmacro %}

{#- The keys an incremental model deletes beyond those it writes, as a select of one column, or
    none: a person-keyed model whose meta says deletes_merged_people, the OneIDs merged away. -#}
{% macro keys_gone() -%}
    {%- if (config.get('meta') or {}).get('deletes_merged_people') -%}
        {{ return(people_merged_away()) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}


{#- column within span, a (first, last) pair of values a run read before it compiled the model (as
    literals, which the engine casts to the column's type: DuckDB's zonemaps then prune): true
    without a span, false for an empty one (first is none). -#}
{% macro within_span(column, span) -%}
    {%- if span is none -%}
        true
    {%- elif span[0] is none -%}
        false
    {%- else -%}
        {{ column }} >= '{{ span[0] }}' and {{ column }} <= '{{ span[1] }}'
    {%- endif -%}
{%- endmacro %}


{#- Incremental summaries re-derive whole keys (days, sessions, members) from their facts: on a full
    refresh every row; incrementally only the keys that rows landed in this batch belong to. -#}
{% macro keys_touched_by_batch(key, relation, source_key=none) -%}
    {%- if is_incremental() -%}
        {{ key }} in (select distinct {{ source_key or key }} from {{ relation }} where {{ landed_since_last_run() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The pieces a full build of a summary is done in: a month of column over relation each once
    relation has more rows than the var month_pieces_above_rows (its working set then outgrows memory;
    the pieces are `union all`-ed and DuckDB runs one at a time). The first and last piece are open, so
    every row falls in exactly one; nulls fall in the first. An incremental run, a smaller relation or
    one with at most a month in it is one piece without bounds. Filter with in_piece(). -#}
{% macro month_pieces(relation, column) -%}
    {%- if is_incremental() or not execute -%}
        {{ return([{}]) }}
    {%- endif -%}
    {%- set row = run_query('select count(*), min(' ~ column ~ '), max(' ~ column ~ ') from ' ~ relation).rows[0] -%}
    {%- set rows, first, last = row[0], row[1], row[2] -%}
    {%- if rows <= var('month_pieces_above_rows') or first is none -%}
        {{ return([{}]) }}
    {%- endif -%}
    {%- set months = (last.year - first.year) * 12 + last.month - first.month + 1 -%}
    {%- set pieces = [] -%}
    {%- set previous = namespace(start=none) -%}
    {%- for i in range(1, months + 1) -%}
        {%- set start = '%04d-%02d-01' % (first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1) -%}
        {%- do pieces.append({'from': previous.start, 'before': start if i < months else none}) -%}
        {%- set previous.start = start -%}
    {%- endfor -%}
    {{ return(pieces) }}
{%- endmacro %}

{% macro in_piece(column, piece) -%}
    {%- set conditions = [] -%}
    {%- if piece.get('from') -%}
        {%- do conditions.append(column ~ " >= cast('" ~ piece['from'] ~ "' as date)") -%}
    {%- endif -%}
    {%- if piece.get('before') -%}
        {%- set before = column ~ " < cast('" ~ piece['before'] ~ "' as date)" -%}
        {%- do conditions.append(before if piece.get('from') else '(' ~ before ~ ' or ' ~ column ~ ' is null)') -%}
    {%- endif -%}
    {{ conditions | join(' and ') or 'true' }}
{%- endmacro %}


{#- Landing records (the ods_quality models) are kept by landing batch (raw table and landing day),
    and a batch window can cut a day anywhere: a run re-derives each landing batch it touches from
    its own rows plus the rows the table already holds for that batch outside the window. -#}
{% macro landing_records_outside_batch(batch, columns, landed='_loaded_at') -%}
    {%- if is_incremental() %}
    union all
    select {{ columns | join(', ') }}
    from {{ this }}
    where landing_batch in (select b.landing_batch from {{ batch }} as b) and not ({{ landed_in_window(landed) }})
    {%- endif %}
{%- endmacro %}


{#- Each row set aside once, as it first landed (ods_quality models): of the copies with the same
    raw_hash (the same values sent) the first landed, then the first in its file; and none the table
    already holds from an earlier landing (a day re-sent is not a second bad row). -#}
{% macro first_landed_copies(batch, columns) -%}
    select {{ columns | join(', ') }}
    from (
        select
            *,
            row_number() over (
                partition by raw_table, raw_hash order by _loaded_at, source_file, source_row
            ) as _copy_rank
        from {{ batch }}
    ) as copies
    where
        _copy_rank = 1
        {%- if is_incremental() %}
        and not exists (
            select 1 from {{ this }} as earlier
            where
                earlier.raw_table = copies.raw_table
                and earlier.raw_hash = copies.raw_hash
                and earlier._loaded_at < copies._loaded_at
        )
        {%- endif %}
{%- endmacro %}
