{#- Typed view of one raw table, driven by the landing contract in the seed properties
    (seeds/<system>/_<system>__seeds.yml, generated from datagen/schemas.py).

    Every column comes out parsed to its declared type; `_reject_reason` says, per row, which
    required column is missing or which value could not be parsed. ODS models keep the rows
    whose reason is null; ods_quality__rejected_rows shows the others. A raw table that lacks a
    declared column stops the build with an error naming the table and the column. -#}
{% macro parse_raw(raw_name) -%}
    {%- set relation = ref(raw_name) -%}
    {%- if not execute -%}
        select 1 as _placeholder
    {%- else -%}
        {%- set spec = raw_columns(raw_name) -%}
        {%- do check_raw_columns(relation, raw_name, spec) -%}
        {%- set cutoff = var('raw_loaded_before') -%}
        select
            {%- for c in spec %}
            {{ c.name }},
            {%- endfor %}
            nullif(
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
            ) as _reject_reason
        from (
            select
                {%- for c in spec %}
                nullif(trim({{ c.name }}), '') as __text__{{ c.name }},
                {{ parse_value("nullif(trim(" ~ c.name ~ "), '')", c.type) }} as {{ c.name }}
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            from {{ relation }}
        ) as typed
        {%- if cutoff is not none and '_loaded_at' in spec | map(attribute='name') | list %}
        where _loaded_at < cast('{{ cutoff }}' as {{ dbt.type_timestamp() }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{#- [{name, type, required}] of a raw table, from its seed's column meta. -#}
{% macro raw_columns(raw_name) -%}
    {%- set node = graph.nodes.get('seed.' ~ project_name ~ '.' ~ raw_name) -%}
    {%- if node is none -%}
        {{ exceptions.raise_compiler_error("No raw table named '" ~ raw_name ~ "' is declared in seeds/*/_*__seeds.yml") }}
    {%- endif -%}
    {%- set spec = [] -%}
    {%- for name, col in node.columns.items() -%}
        {%- do spec.append({'name': name, 'type': col.meta.get('type', 'text'), 'required': col.meta.get('required', false)}) -%}
    {%- endfor -%}
    {{ return(spec) }}
{%- endmacro %}


{% macro check_raw_columns(relation, raw_name, spec) -%}
    {%- set actual = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
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
    {%- if not execute -%}
        null
    {%- else -%}
        {%- set key = graph.nodes['seed.' ~ project_name ~ '.' ~ raw_name].config.meta.get('key', []) -%}
        {%- set parts = [] -%}
        {%- for k in key -%}
            {%- do parts.append("coalesce(cast(" ~ k ~ " as " ~ dbt.type_string() ~ "), '')") -%}
            {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- endfor -%}
        {{ dbt.concat(parts) if parts | length > 1 else parts[0] }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_loaded_at_expression(raw_name) -%}
    {%- if execute and '_loaded_at' in graph.nodes['seed.' ~ project_name ~ '.' ~ raw_name].columns -%}
        _loaded_at
    {%- else -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{#- ref() must be static, so the reject model lists the raw tables; this keeps the list complete. -#}
{% macro check_every_raw_table_listed(listed) -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'seed' and node.name.startswith('raw_') -%}
            {%- if node.name not in listed -%}
                {{ exceptions.raise_compiler_error(
                    "Raw table " ~ node.name ~ " is not listed in ods_quality__rejected_rows: add it there.") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
