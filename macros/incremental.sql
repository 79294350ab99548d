{#- Incremental models select what landed since their last run (by _loaded_at, so late rows are
    picked up too), then re-derive each touched key from its new and existing rows together:
    the result is the same as a full refresh, the work proportional to the new data. -#}

{#- With the vars batch_landed_from / batch_landed_before (business time, what an orchestrator's
    daily partition passes), an incremental run takes the rows landed in that window instead. -#}
{% macro landed_since_last_run(column='_loaded_at') -%}
    {%- set window_from = var('batch_landed_from', none) -%}
    {%- set window_before = var('batch_landed_before', none) -%}
    {%- if is_incremental() and window_from is not none -%}
        {{ column }} >= cast('{{ window_from }}' as {{ dbt.type_timestamp() }})
        {%- if window_before is not none %}
        and {{ column }} < cast('{{ window_before }}' as {{ dbt.type_timestamp() }})
        {%- endif -%}
    {%- elif is_incremental() -%}
        {{ column }} >= (select max({{ column }}) from {{ this }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The new rows plus the rows the table already holds for the same keys. -#}
{% macro with_existing_rows(new_cte, key, columns) -%}
    select {{ columns | join(', ') }} from {{ new_cte }}
    {%- if is_incremental() %}
    union all
    select {{ columns | join(', ') }} from {{ this }}
    where {{ key }} in (select {{ key }} from {{ new_cte }})
    {%- endif %}
{%- endmacro %}


{#- The newest landed copy of each key: exact duplicates and re-sent rows collapse to one.
    raw_name (optional) names the raw table the rows come from: on DuckDB's full refresh the keys
    landed more than once are then found from the raw keys alone, and only their rows are
    aggregated; the relation's CTEs must be inlined ({{ inline_cte() }}), or DuckDB keeps every
    parsed row to read them twice. -#}
{% macro latest_landed(relation, key, columns, raw_name=none) -%}
    {{ return(adapter.dispatch('latest_landed')(relation, key, columns, raw_name)) }}
{%- endmacro %}

{#- DuckDB: a hash aggregate instead of a window sort. Grouping every row by its key holds all of
    them in the aggregate (68M APP events at SF 1 spilled 4.8 GB under a 6 GB limit), so a full
    refresh with raw_name counts only the keys (from the raw column, no parse) and passes the rows
    of keys landed once straight through: no spill at SF 1, and 17% faster. The keys are counted by
    their 64-bit hash, which holds half the memory of the text (684M keys at SF 10): a key whose
    hash repeats, because the key does or (rarely) because two keys collide, sends its rows through
    the exact aggregate by key, as does a key counted from a row later rejected or past the cutoff. -#}
{% macro duckdb__latest_landed(relation, key, columns, raw_name=none) -%}
    {%- if raw_name is none or is_incremental() %}
    select unnest(arg_max(struct_pack({{ columns | join(', ') }}), _loaded_at))
    from {{ relation }}
    group by {{ key }}
    {%- else %}
    select * from (
        with hash_landed_more_than_once as materialized (
            select hash(nullif(trim({{ key }}), '')) as key_hash
            from {{ raw_relation(raw_name) }}
            where nullif(trim({{ key }}), '') is not null
            group by 1
            having count(*) > 1
        )
        select {{ columns | join(', ') }}
        from {{ relation }}
        where hash({{ key }}) not in (select key_hash from hash_landed_more_than_once)
        union all
        select unnest(arg_max(struct_pack({{ columns | join(', ') }}), _loaded_at))
        from {{ relation }}
        where hash({{ key }}) in (select key_hash from hash_landed_more_than_once)
        group by {{ key }}
    ) as deduplicated
    {%- endif %}
{%- endmacro %}

{% macro default__latest_landed(relation, key, columns, raw_name=none) -%}
    select {{ columns | join(', ') }}
    from (
        select
            *,
            row_number() over (partition by {{ key }} order by _loaded_at desc) as _landing_rank
        from {{ relation }}
    ) as ranked
    where _landing_rank = 1
{%- endmacro %}


{#- CDC versions of each key: a version re-sent later collapses to one row; valid_to is the next
    version's time and is_current marks the latest version by the source's time, never by landing. -#}
{% macro cdc_versions(relation, key, columns) -%}
    select
        {{ columns | join(', ') }},
        lead(valid_from) over (partition by {{ key }} order by valid_from) as valid_to,
        row_number() over (partition by {{ key }} order by valid_from desc) = 1 as is_current
    from (
        select
            *,
            row_number() over (partition by {{ key }}, valid_from order by _loaded_at desc) as _resend_rank
        from {{ relation }}
    ) as versions
    where _resend_rank = 1
{%- endmacro %}


{#- Incremental summaries re-derive whole keys (days, sessions) from their facts: on a full refresh
    every row; incrementally only the keys that rows landed in this batch belong to. -#}
{% macro keys_touched_by_batch(key, relation, source_key=none) -%}
    {%- if is_incremental() -%}
        {{ key }} in (select distinct {{ source_key or key }} from {{ relation }} where {{ landed_since_last_run() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
