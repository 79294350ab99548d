{#- Parsing raw tables by their landing contract (macros/raw_contract.sql, generated from
    contract/tables.py): the one place a raw value is read.

    parse_raw(raw_name) is the typed batch of one raw table, one row per raw row landed in the
    batch (macros/incremental.sql), with every column parsed to its contract type: codes mapped to
    their canonical code ('unknown' outside the code set), phones to 11 digits. A value the contract
    does not admit (it cannot be parsed, or it lies outside the column's bounds):
    - in a required column, rejects the row: `_reject_reason` says which column and why, and
      `_raw_key` holds the row's key as landed;
    - in an optional column, is quarantined: the column is null and `_quarantine` says which value
      and why; the row is kept.
    The contract's rules across tables are checked here too, against the ODS models of the tables
    they name: a key a reference table does not list, a key whose landed parent was rejected (and
    has no accepted version), a time before its parent's (contract/tables.py, `references`, `follows`).
    A row set aside carries where it came from (`_source_file`, `_source_row`: macros/adapters/
    raw_origin.sql) and `_raw_hash`, a hash of its values as sent (without the landing time): a row
    re-sent is the same row, recorded once.
    Each raw table's parsed batch is one model (ods_<system>__<entity>_parsed), read by its ODS
    model, the reject and quarantine models and the raw-to-ODS reconciliation. -#}
{% macro parse_raw(raw_name) -%}
    {%- set relation = raw_relation(raw_name) -%}
    {%- set table = raw_contract()[raw_name] -%}
    {%- set spec = table.columns -%}
    {%- if execute -%}
        {%- do check_raw_columns(relation, raw_name, spec) -%}
    {%- endif -%}
    {#- The batch applies once the table's ODS model exists: its first build, or a full refresh,
        takes in everything landed (as an incremental model does). #}
    {%- set batched = table.landed and ods_model_exists(raw_name) -%}
    {%- set required = spec | selectattr('required') | list -%}
    {%- set optional = [] -%}
    {%- for c in spec if not c.required and (c.type != 'text' or c.get('min') or c.get('max') or c.get('references')) -%}
        {%- do optional.append(c) -%}
    {%- endfor -%}
    {#- Is the row rejected (a bad required value), does it have a quarantined value, either. #}
    {%- set rejected %}({% for c in required %}__bad__{{ c.name }} or {% endfor %}false){% endset -%}
    {%- set quarantined %}({% for c in optional %}__bad__{{ c.name }} or {% endfor %}false){% endset -%}
    {%- set set_aside = '(' ~ rejected ~ ' or ' ~ quarantined ~ ')' -%}
    select
        {%- for c in spec %}
        {%- if c in optional %}
        case when not __bad__{{ c.name }} then {{ c.name }} end as {{ c.name }},
        {%- else %}
        {{ c.name }},
        {%- endif %}
        {%- endfor %}
        {%- if not table.landed %}
        {#- A reference table is sent whole: it has no landing time of its own. #}
        cast(null as {{ dbt.type_timestamp() }}) as _loaded_at,
        {%- endif %}
        {#- Reasons are spelled out only for the rows that have one: concatenating empty strings for
            every accepted row cost more than parsing it. #}
        case when {{ rejected }} then nullif(
            {%- for c in required %}
            {{ problem_text(c) }} ||
            {%- endfor %}
            '', '') end as _reject_reason,
        case when {{ quarantined }} then nullif(
            {%- for c in optional %}
            {{ problem_text(c) }} ||
            {%- endfor %}
            '', '') end as _quarantine,
        {%- set raw_key = [] %}
        {%- for k in table.key %}{% do raw_key.append('__text__' ~ k) %}{% endfor %}
        case when {{ rejected }} then {{ key_as_text(raw_key) }} end as _raw_key,
        {#- A CDC table's every row says where it came from: a version that loses a conflict is recorded
            with it (ods_quality__rejected_rows). #}
        {%- if table.cdc %}
        __source_file as _source_file,
        __source_row as _source_row,
        {%- else %}
        case when {{ set_aside }} then __source_file end as _source_file,
        case when {{ set_aside }} then __source_row end as _source_row,
        {%- endif %}
        {%- set sent = [] %}
        {%- for c in spec if c.name != '_loaded_at' %}{% do sent.append('__text__' ~ c.name) %}{% endfor %}
        case when {{ set_aside }} then {{ row_content_hash(sent) }} end as _raw_hash
    from (
        select
            *,
            {%- for c in spec %}
            {{ problem_condition(c, 'missing') }} or {{ problem_condition(c, 'unparsed') }}
                or {{ problem_condition(c, 'below') }} or {{ problem_condition(c, 'above') }}
                or {{ problem_condition(c, 'orphan') }} or {{ problem_condition(c, 'early') }} as __bad__{{ c.name }}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from (
            select
                __source_file,
                __source_row,
                {%- for c in spec %}
                __text__{{ c.name }},
                {{ parse_value('__text__' ~ c.name, c) }} as {{ c.name }}
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            from (
                {#- Each value trimmed once: the parse expressions refer to it several times. #}
                {%- set origin = raw_origin(raw_name) %}
                select
                    {{ origin.file }} as __source_file,
                    {{ origin.row }} as __source_row,
                    {%- for c in spec %}
                    nullif(trim({{ c.name }}), '') as __text__{{ c.name }}
                    {%- if not loop.last %},{% endif %}
                    {%- endfor %}
                from {{ relation }}
                {%- if batched %}
                where {{ landing_days_of_batch() }}
                {%- endif %}
            ) as trimmed
        ) as typed
        {{- parent_joins(spec) }}
        {%- if table.landed %}
        where {{ landed_before_cutoff('_loaded_at') }}{% if batched %} and {{ landed_in_window('_loaded_at') }}{% endif %}
        {%- endif %}
    ) as checked
{%- endmacro %}


{#- Is the column's value bad in this way? (false where the check does not apply) -#}
{% macro problem_condition(c, kind) -%}
    {%- set text = '__text__' ~ c.name -%}
    {%- if kind == 'missing' -%}
        {{ '(' ~ text ~ ' is null)' if c.required else 'false' }}
    {%- elif kind == 'unparsed' -%}
        {{ '(' ~ text ~ ' is not null and ' ~ c.name ~ ' is null)' if c.type != 'text' else 'false' }}
    {%- elif kind == 'orphan' and c.get('references') and c.references.landed -%}
        (__rejected_parent__{{ c.name }} is not null)
    {%- elif kind == 'orphan' and c.get('references') -%}
        ({{ c.name }} is not null and __known__{{ c.name }} is null)
    {%- elif kind == 'early' and c.get('follows') -%}
        ({{ c.name }} < __follows__{{ c.name }})
    {%- elif kind in ('below', 'above') and c.get('min' if kind == 'below' else 'max') -%}
        ({{ c.name }} {{ '<' if kind == 'below' else '>' }} {{ bound_sql(c, c.get('min' if kind == 'below' else 'max')) }})
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}


{#- '<column>: <what is wrong>; ' for a bad value, '' otherwise. -#}
{% macro problem_text(c) -%}
    {%- set text = '__text__' ~ c.name -%}
    {%- set quoted = "'''' || " ~ text ~ " || ''''" -%}
    coalesce(case
                {%- if c.required %}
                when {{ text }} is null then '{{ c.name }}: missing; '
                {%- endif %}
                {%- if c.type == 'phone' %}
                when {{ problem_condition(c, 'unparsed') }} then '{{ c.name }}: not a mobile number ' || {{ quoted }} || '; '
                {%- elif c.type != 'text' %}
                when {{ problem_condition(c, 'unparsed') }} then '{{ c.name }}: cannot parse ' || {{ quoted }} || '; '
                {%- endif %}
                {%- if c.get('min') %}
                when {{ problem_condition(c, 'below') }} then '{{ c.name }}: ' || {{ quoted }} || ' is {{ 'before' if c.type in ('date', 'timestamp') else 'below' }} {{ bound_label(c.min) }}; '
                {%- endif %}
                {%- if c.get('max') %}
                when {{ problem_condition(c, 'above') }} then '{{ c.name }}: ' || {{ quoted }} || ' is {{ 'after' if c.type in ('date', 'timestamp') else 'above' }} {{ bound_label(c.max) }}; '
                {%- endif %}
                {%- if c.get('references') %}
                when {{ problem_condition(c, 'orphan') }} then '{{ c.name }}: ' || {{ quoted }} || ' {{ 'was rejected in' if c.references.landed else 'is not in' }} {{ c.references.table }}; '
                {%- endif %}
                {%- if c.get('follows') %}
                when {{ problem_condition(c, 'early') }} then '{{ c.name }}: ' || {{ quoted }} || ' is before {{ c.follows.column }} of its {{ c.follows.table }} row; '
                {%- endif %}
            end, '')
{%- endmacro %}


{#- The rows of other tables the contract's rules across tables compare with (parse_raw): per column
    that `references` a reference table, the keys it lists (__known__<column>); per column that
    references a landed table, the keys whose rows were rejected in the parent's batch and have no
    accepted version in its ODS model (__rejected_parent__<column>); per time that `follows` its
    parent's, that time (the earliest over the parent's versions, __follows__<column>). -#}
{% macro parent_joins(spec) -%}
    {%- for c in spec if c.get('references') %}
    {%- set parent = c.references %}
    left join (
        {%- if parent.landed %}
        {#- an anti join of the rejected rows, not `not in`: DuckDB hashed every key of the parent's
            ODS model for the latter (6.6M lead versions at SF 1, 0.3 s a table a batch) #}
        select distinct r.{{ parent.key }} as __rejected_parent__{{ c.name }}
        from {{ ref(parsed_model(parent.table)) }} as r
        left join {{ ref(ods_model(parent.table)) }} as o on r.{{ parent.key }} = o.{{ parent.key }}
        where r._reject_reason is not null and r.{{ parent.key }} is not null and o.{{ parent.key }} is null
        {%- else %}
        select distinct {{ parent.key }} as __known__{{ c.name }}
        from {{ ref(ods_model(parent.table)) }}
        {%- endif %}
    ) as __parent__{{ c.name }}
        on typed.{{ c.name }} = __parent__{{ c.name }}.{{ '__rejected_parent__' if parent.landed else '__known__' }}{{ c.name }}
    {%- endfor %}
    {%- for c in spec if c.get('follows') %}
    left join (
        select
            {{ c.follows.key }} as __follows_key__{{ c.name }},
            min({{ c.follows.column }}) as __follows__{{ c.name }}
        from {{ ref(ods_model(c.follows.table)) }}
        group by {{ c.follows.key }}
    ) as __follows_parent__{{ c.name }}
        on typed.{{ c.follows.via }} = __follows_parent__{{ c.name }}.__follows_key__{{ c.name }}
    {%- endfor %}
{%- endmacro %}


{#- A bound as SQL on the row's typed values, in the column's type. -#}
{% macro bound_sql(c, bound) -%}
    {%- if 'value' in bound and c.type in ('date', 'timestamp') -%}
        cast('{{ bound.value }}' as {{ 'date' if c.type == 'date' else dbt.type_timestamp() }})
    {%- elif 'value' in bound -%}
        {{ bound.value }}
    {%- else -%}
        {%- set shifted = bound.column -%}
        {%- if bound.days -%}{%- set shifted = dbt.dateadd('day', bound.days, shifted) -%}{%- endif -%}
        {%- if bound.minutes -%}{%- set shifted = dbt.dateadd('minute', bound.minutes, shifted) -%}{%- endif -%}
        {{ 'cast(' ~ shifted ~ ' as date)' if c.type == 'date' else shifted }}
    {%- endif -%}
{%- endmacro %}

{% macro bound_label(bound) -%}
    {%- if 'value' in bound -%}
        {{ bound.value }}
    {%- elif bound.column == '_loaded_at' -%}
        its landing time
    {%- else -%}
        {{ bound.column }}{{ ' + ' ~ bound.days ~ ' days' if bound.days }}
    {%- endif -%}
{%- endmacro %}


{#- Where raw tables come from: the dbt seeds (default, the demo) or, with var raw_source =
    'landing', the landing zone's files (source 'landing', models/ods/_ods__landing_sources.yml).
    Unit tests are written against the seeds: they run where the seeds are the source (CI). -#}
{% macro raw_relation(raw_name) -%}
    {%- if var('raw_source') not in ('seeds', 'landing') -%}
        {{ exceptions.raise_compiler_error("var raw_source (NEV_RAW_SOURCE) must be 'seeds' or 'landing', not '" ~ var('raw_source') ~ "'") }}
    {%- elif var('raw_source') == 'landing' -%}
        {{ return(source('landing', raw_name)) }}
    {%- else -%}
        {{ return(ref(raw_name)) }}
    {%- endif -%}
{%- endmacro %}


{#- A raw table must have exactly its contract's columns: one missing or one extra stops the build
    with the table, the columns and what to do. -#}
{% macro check_raw_columns(relation, raw_name, spec) -%}
    {%- if var('raw_source') == 'landing' -%}
        {#- The landing read adds its folder's day and each row's file and place in it. -#}
        {%- set actual = get_columns_in_query('select * from ' ~ relation) | map('lower')
            | reject('in', ['load_date', 'filename', 'file_row_number']) | list -%}
    {%- else -%}
        {%- set actual = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
    {#- Unit tests hand the model a fixture, not a table: there is nothing to check then. -#}
    {%- if actual | length > 0 -%}
        {%- set expected = spec | map(attribute='name') | map('lower') | list -%}
        {%- set missing = expected | reject('in', actual) | list -%}
        {%- set extra = actual | reject('in', expected) | list -%}
        {%- if missing or extra -%}
            {{ exceptions.raise_compiler_error(
                "Raw table " ~ raw_name ~ " (" ~ relation ~ ")"
                ~ (" is missing column(s) " ~ missing | join(', ') if missing else "")
                ~ (" and" if missing and extra else "")
                ~ (" has column(s) " ~ extra | join(', ') ~ " its landing contract does not declare" if extra else "")
                ~ ": the source must send exactly the contract's columns (contract/tables.py)") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{% macro parse_value(expr, c) -%}
    {%- if c.type == 'int' -%}
        {{ try_cast(expr, api.Column.translate_type('bigint')) }}
    {%- elif c.type == 'decimal' -%}
        {{ try_cast(expr, 'decimal(18, 2)') }}
    {%- elif c.type == 'date' -%}
        {{ try_cast(expr, 'date') }}
    {%- elif c.type == 'bool' -%}
        {{ parse_bool(expr) }}
    {%- elif c.type == 'timestamp' -%}
        {{ to_business_time(expr) }}
    {%- elif c.type == 'code' -%}
        {{ normalize_code(expr, c.codes) }}
    {%- elif c.type == 'phone' -%}
        {{ normalize_phone(expr) }}
    {%- else -%}
        {{ expr }}
    {%- endif -%}
{%- endmacro %}


{% macro parse_bool(expr) -%}
    case
        when upper({{ expr }}) in ('Y', 'YES', 'TRUE', 'T', '1') then true
        when upper({{ expr }}) in ('N', 'NO', 'FALSE', 'F', '0') then false
    end
{%- endmacro %}


{#- Key columns as one text value, the way raw keys are written (columns optionally prefixed). -#}
{% macro key_as_text(key, prefix='') -%}
    {%- set parts = [] -%}
    {%- for k in key -%}
        {%- do parts.append("coalesce(cast(" ~ prefix ~ k ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
{%- endmacro %}


{#- Does the raw table's ODS model exist, outside a full refresh? (Then it takes in batches.) -#}
{% macro ods_model_exists(raw_name) -%}
    {%- if not execute or flags.FULL_REFRESH or this is none or model.resource_type == 'unit_test' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier=ods_model(raw_name)) is not none) }}
{%- endmacro %}


{#- The models of a raw table: its parsed batch and its ODS model. -#}
{% macro parsed_model(raw_name) -%}
    {{ return(ods_model(raw_name) ~ '_parsed') }}
{%- endmacro %}

{% macro ods_model(raw_name) -%}
    {{ return('ods_' ~ raw_name[4:]) }}
{%- endmacro %}


{#- A landing batch: the raw table and the business day its rows landed ('reference' for a table
    sent whole); the unit the quality models re-derive. -#}
{% macro landing_batch(raw_table, loaded_at) -%}
    {{ dbt.concat([raw_table, "'|'", "coalesce(cast(cast(" ~ loaded_at ~ " as date) as " ~ dbt.type_string() ~ "), 'reference')"]) }}
{%- endmacro %}


{#- After a run that parsed the whole history (a full build, or a run without a batch window), each
    parsed batch is a second, typed copy of every raw row. Once everything that reads it (its ODS
    model, the quality models, the reconciliation and contract tests) has run in the same dbt
    invocation, it is emptied (on-run-end), so that the layers built next reuse its space: at SF 10
    about 25 GB of the warehouse file. Dagster builds a layer per invocation, so a full build frees
    them before DWD. A windowed run's parsed batches are small and kept: they show what the last
    batch took in. done_before: unique ids of readers an earlier invocation ran (a build continued
    after an interruption: `dbt run-operation release_parsed_history --args '{results: [],
    done_before: [...]}'`, as the bench does). -#}
{% macro release_parsed_history(results, done_before=[]) -%}
    {%- if not execute or (batch_window() is not none and not flags.FULL_REFRESH) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set ran = done_before | list -%}
    {%- for r in results if r.status in ('success', 'pass', 'warn') -%}
        {%- do ran.append(r.node.unique_id) -%}
    {%- endfor -%}
    {%- set released = [] -%}
    {%- for name in raw_contract() | sort -%}
        {%- set parsed_id = 'model.' ~ project_name ~ '.' ~ parsed_model(name) -%}
        {%- set readers = [] -%}
        {%- for n in graph.nodes.values() if parsed_id in n.depends_on.nodes and n.resource_type != 'unit_test' -%}
            {%- do readers.append(n.unique_id) -%}
        {%- endfor -%}
        {%- if readers and readers | reject('in', ran) | list | length == 0 -%}
            {%- set node = graph.nodes[parsed_id] -%}
            {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if relation is not none -%}
                {%- do truncate_relation(relation) -%}
                {%- do released.append(node.name) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if released -%}
        {%- do adapter.commit() -%}
        {{ log('Emptied ' ~ released | length ~ ' parsed batches of the whole history, all their readers done', info=True) }}
        {{ return(release_storage()) }}
    {%- endif -%}
{%- endmacro %}
