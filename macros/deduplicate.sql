{#- Collapsing what the sources send more than once. The rule, in one place: of the copies of a
    row, the newest landed wins; copies that landed at the same instant are ranked by their
    content, so that the winner never depends on the order the rows arrive in. -#}

{#- The columns that order copies of a row from the winner down (use with `desc`). -#}
{% macro landing_rank_order(columns) -%}
    _loaded_at desc, {{ row_content_hash(columns | reject('equalto', '_loaded_at') | list) }} desc
{%- endmacro %}


{#- CDC versions of each key: a version sent again collapses to one row; valid_to is the next
    version's time and is_current marks the latest version by the source's time, never by landing.
    Two different rows for the same version time (the source contradicting itself) resolve by the
    rule above; ods_quality__rejected_rows records the one that lost. -#}
{% macro cdc_versions(relation, key, columns) -%}
    select
        {{ columns | join(', ') }},
        lead(valid_from) over (partition by {{ key }} order by valid_from) as valid_to,
        row_number() over (partition by {{ key }} order by valid_from desc) = 1 as is_current
    from (
        select
            *,
            row_number() over (partition by {{ key }}, valid_from order by {{ landing_rank_order(columns) }})
                as _version_rank
        from {{ relation }}
    ) as versions
    where _version_rank = 1
{%- endmacro %}
