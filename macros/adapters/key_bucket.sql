{#- Which of n buckets a key falls in (0 to n - 1), by a hash of its columns: a large comparison
    split into passes over the same buckets on both sides. -#}
{% macro key_bucket(columns, buckets) -%}
    {{ return(adapter.dispatch('key_bucket', 'nev_warehouse')(columns, buckets)) }}
{%- endmacro %}

{% macro default__key_bucket(columns, buckets) -%}
    mod(abs(cast(hashtext({{ key_as_text(columns) }}) as bigint)), {{ buckets }})
{%- endmacro %}

{% macro duckdb__key_bucket(columns, buckets) -%}
    hash({{ columns | join(', ') }}) % {{ buckets }}
{%- endmacro %}

{% macro spark__key_bucket(columns, buckets) -%}
    pmod(hash({{ columns | join(', ') }}), {{ buckets }})
{%- endmacro %}
