{#- Typed view of one raw table, driven by its landing contract (macros/raw_contract.sql, generated
    from datagen/schemas.py).

    Every column comes out parsed to its declared type; `_reject_reason` says, per row, which
    required column is missing or which value could not be parsed. ODS models keep the rows
    whose reason is null; ods_quality__rejected_rows shows the others. A raw table that lacks a
    declared column stops the build with an error naming the table and the column. -#}
{% macro parse_raw(raw_name) -%}
    {%- set relation = raw_relation(raw_name) -%}
    {%- set spec = raw_columns(raw_name) -%}
    {%- if execute -%}
        {%- do check_raw_columns(relation, raw_name, spec) -%}
    {%- endif -%}
    {%- set landed = '_loaded_at' in spec | map(attribute='name') | list -%}
        select
            {%- for c in spec %}
            {{ c.name }},
            {%- endfor %}
            {#- The reason's text is built only for the rows that fail: ODS keeps the rows whose reason is
                null, and concatenating empty strings for each of them cost more than parsing them. #}
            case when
                {%- for c in spec if c.required or c.type != 'text' %}
                {%- if c.required %}
                __text__{{ c.name }} is null or
                {%- endif %}
                {%- if c.type != 'text' %}
                (__text__{{ c.name }} is not null and {{ c.name }} is null) or
                {%- endif %}
                {%- endfor %}
                false
            then nullif(
                {%- for c in spec if c.required or c.type != 'text' %}
                coalesce(case
                    {%- if c.required %}
                    when __text__{{ c.name }} is null then '{{ c.name }}: missing; '
                    {%- endif %}
                    {%- if c.type != 'text' %}
                    when __text__{{ c.name }} is not null and {{ c.name }} is null
                        then '{{ c.name }}: cannot parse ''' || __text__{{ c.name }} || '''; '
                    {%- endif %}
                    end, '') ||
                {%- endfor %}
                '',
                ''
            ) end as _reject_reason
        from (
            select
                {%- for c in spec %}
                __text__{{ c.name }},
                {{ parse_value("__text__" ~ c.name, c.type) }} as {{ c.name }}
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            from (
                {#- Each value trimmed once: the parse expressions refer to it several times. #}
                select
                    {%- for c in spec %}
                    nullif(trim({{ c.name }}), '') as __text__{{ c.name }}
                    {%- if not loop.last %},{% endif %}
                    {%- endfor %}
                from {{ relation }}
                {%- if landed %}
                where {{ landing_days_of_batch() }}
                {%- endif %}
            ) as trimmed
        ) as typed
        {%- if landed %}
        where {{ landed_before_cutoff('_loaded_at') }}
        {%- endif %}
{%- endmacro %}


{#- Where raw tables come from: the dbt seeds (default, the demo) or, with var raw_source =
    'landing', the landing zone's files (source 'landing', models/ods/_ods__landing_sources.yml). -#}
{% macro raw_relation(raw_name) -%}
    {%- if var('raw_source') == 'landing' -%}
        {{ return(source('landing', raw_name)) }}
    {%- elif var('raw_source') == 'seeds' -%}
        {{ return(ref(raw_name)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("var raw_source must be 'seeds' or 'landing', not '" ~ var('raw_source') ~ "'") }}
    {%- endif -%}
{%- endmacro %}


{#- The var raw_loaded_before ("what had landed by then", business time) on a parsed _loaded_at. -#}
{% macro landed_before_cutoff(column) -%}
    {%- set cutoff = var('raw_loaded_before') -%}
    {%- if cutoff is none -%}
        true
    {%- else -%}
        {{ column }} < cast('{{ cutoff }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{#- An incremental run with a batch window on the landing zone reads only the landing-day folders
    (load_date, UTC) that can hold the window's rows, so its reads grow with the batch, not the history. -#}
{% macro landing_days_of_batch() -%}
    {%- set window_from = var('batch_landed_from', none) -%}
    {%- if var('raw_source') == 'landing' and window_from is not none and is_incremental() -%}
        {%- set window_before = var('batch_landed_before', none) -%}
        load_date >= '{{ (modules.datetime.datetime.fromisoformat(window_from) - modules.datetime.timedelta(days=1)).strftime('%Y-%m-%d') }}'
        {%- if window_before is not none %}
        and load_date <= '{{ (modules.datetime.datetime.fromisoformat(window_before) + modules.datetime.timedelta(days=1)).strftime('%Y-%m-%d') }}'
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- [{name, type, required}] of a raw table, from its landing contract. -#}
{% macro raw_columns(raw_name) -%}
    {%- set contract = raw_contract() -%}
    {%- if raw_name not in contract -%}
        {{ exceptions.raise_compiler_error("No raw table named '" ~ raw_name ~ "' in the landing contract (datagen/schemas.py)") }}
    {%- endif -%}
    {{ return(contract[raw_name].columns) }}
{%- endmacro %}


{% macro check_raw_columns(relation, raw_name, spec) -%}
    {%- if var('raw_source') == 'landing' -%}
        {%- set actual = get_columns_in_query('select * from ' ~ relation) | map('lower') | list -%}
    {%- else -%}
        {%- set actual = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
    {#- Unit tests hand the model a fixture, not a table: there is nothing to check then. -#}
    {%- if actual | length > 0 -%}
        {%- set missing = [] -%}
        {%- for c in spec if c.name | lower not in actual -%}
            {%- do missing.append(c.name) -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                "Raw table " ~ raw_name ~ " (" ~ relation ~ ") is missing column(s) " ~ missing | join(', ')
                ~ " required by its landing contract; found columns: " ~ actual | join(', ')) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{% macro parse_value(expr, type) -%}
    {%- if type == 'int' -%}
        {{ try_cast(expr, api.Column.translate_type('bigint')) }}
    {%- elif type == 'decimal' -%}
        {{ try_cast(expr, 'decimal(18, 2)') }}
    {%- elif type == 'date' -%}
        {{ try_cast(expr, 'date') }}
    {%- elif type == 'bool' -%}
        {{ parse_bool(expr) }}
    {%- elif type == 'timestamp' -%}
        {{ to_business_time(expr) }}
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


{#- The business key of a raw row as one string (columns joined by '|'). -#}
{% macro raw_key_expression(raw_name) -%}
    {{ key_as_text(raw_contract()[raw_name].key) }}
{%- endmacro %}


{% macro raw_has_column(raw_name, column) -%}
    {{ return(column in raw_columns(raw_name) | map(attribute='name') | list) }}
{%- endmacro %}


{#- Key columns as one text value, the way raw_key_expression writes them (optionally trimmed). -#}
{% macro key_as_text(key, wrap=none) -%}
    {%- set parts = [] -%}
    {%- for k in key -%}
        {%- set col = wrap ~ '(' ~ k ~ ')' if wrap else k -%}
        {%- do parts.append("coalesce(cast(" ~ col ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
{%- endmacro %}
