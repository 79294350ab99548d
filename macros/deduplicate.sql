{#- Collapsing what the sources send more than once. The rules, in one place:
    - copies of a row (its key sent again): the newest landed wins; copies that landed at the same
      instant are ranked by their content, so that the winner never depends on the order the rows
      arrive in (an exact copy is the same row whichever wins);
    - versions of a CDC row sent for the same update time with different values (the source
      contradicting itself): the last one the source sent wins, as a change log is read: the newest
      landed, then the later file, then the later row of its file. Where the engine cannot tell a
      row's place in its file (Spark, PostgreSQL: macros/adapters/raw_origin.sql) content decides.
      The version that lost is recorded in ods_quality__rejected_rows with its file and row, and is
      shown with every row set aside (the ODS set-aside check, the alert, the boards' gate line). -#}

{#- The columns that order copies of a row from the winner down. -#}
{% macro landing_rank_order(columns) -%}
    _loaded_at desc, {{ row_content_hash(columns | reject('equalto', '_loaded_at') | list) }} desc
{%- endmacro %}

{#- The columns that order a CDC row's versions sent for one update time from the winner down. -#}
{% macro version_rank_order(columns) -%}
    _loaded_at desc, _source_file desc, _source_row desc,
    {{ row_content_hash(columns | reject('in', ['_loaded_at', '_source_file', '_source_row']) | list) }} desc
{%- endmacro %}


{#- How ods_quality__rejected_rows records a version that lost a conflict. -#}
{% macro cdc_conflict_reason() -%}
    conflict: a version sent later for the same updated_at was kept (the last sent wins);
{%- endmacro %}


{#- CDC versions of each key: a version sent again collapses to one row; valid_to is the next
    version's time and is_current marks the latest version by the source's time, never by landing.
    Two different rows for the same version time (the source contradicting itself) resolve by the
    rule above (the last sent wins); ods_quality__rejected_rows records the one that lost. -#}
{% macro cdc_versions(relation, key, columns) -%}
    select
        {{ columns | join(', ') }},
        lead(valid_from) over (partition by {{ key }} order by valid_from) as valid_to,
        row_number() over (partition by {{ key }} order by valid_from desc) = 1 as is_current
    from (
        select
            *,
            row_number() over (partition by {{ key }}, valid_from order by {{ version_rank_order(columns) }})
                as _version_rank
        from {{ relation }}
    ) as versions
    where _version_rank = 1
{%- endmacro %}
