{#- The newest landed copy of each key: exact duplicates and re-sent rows collapse to one, ties
    broken by content (macros/deduplicate.sql). -#}
{% macro latest_landed(relation, key, columns) -%}
    {{ return(adapter.dispatch('latest_landed', 'nev_warehouse')(relation, key, columns)) }}
{%- endmacro %}

{% macro default__latest_landed(relation, key, columns) -%}
    select {{ columns | join(', ') }}
    from (
        select
            *,
            row_number() over (partition by {{ key }} order by {{ landing_rank_order(columns) }}) as _landing_rank
        from {{ relation }}
    ) as ranked
    where _landing_rank = 1
{%- endmacro %}

{#- DuckDB: a hash aggregate instead of a window sort, and only over the keys that landed more than
    once. Grouping every row by its key would hold all of them in the aggregate (68M APP events at
    SF 1 spilled 4.8 GB under a 6 GB limit): the keys are counted first, by their 64-bit hash (half
    the memory of the text), and the rows of keys landed once pass straight through. A key whose hash
    repeats, because the key does or (rarely) because two keys collide, goes through the exact
    aggregate by key. The relation is read twice: it must be a table or an inlined CTE. -#}
{% macro duckdb__latest_landed(relation, key, columns) -%}
    {%- set values = columns | reject('equalto', '_loaded_at') | list -%}
    select * from (
        with hash_landed_more_than_once as materialized (
            select hash({{ key }}) as key_hash
            from {{ relation }}
            group by 1
            having count(*) > 1
        )
        select {{ columns | join(', ') }}
        from {{ relation }}
        where hash({{ key }}) not in (select key_hash from hash_landed_more_than_once)
        union all
        select unnest(arg_max(struct_pack({{ columns | join(', ') }}),
                              struct_pack(landed := _loaded_at, content := {{ row_content_hash(values) }})))
        from {{ relation }}
        where hash({{ key }}) in (select key_hash from hash_landed_more_than_once)
        group by {{ key }}
    ) as deduplicated
{%- endmacro %}


{#- A hash of a row's values, to rank copies that landed at the same instant. -#}
{% macro row_content_hash(columns) -%}
    {{ return(adapter.dispatch('row_content_hash', 'nev_warehouse')(columns)) }}
{%- endmacro %}

{% macro default__row_content_hash(columns) -%}
    {{ surrogate_key(columns) }}
{%- endmacro %}

{% macro duckdb__row_content_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
