{#- A source timestamp as wall-clock time in the business time zone (Asia/Shanghai, UTC+8, no DST).
    Sources send three shapes: local wall clock ('2025-01-02 10:00:00'), UTC with Z
    ('2025-01-02T02:00:00Z') and ISO-8601 with an offset ('2025-01-02T10:00:00+08:00').
    Anything else comes out null, which parse_raw reports as unparseable. An engine may answer
    faster (macros/engines.sql), never differently: tests/dbt/ods/assert_business_time_agrees_across_parsers.sql. -#}
{% macro to_business_time(expr) -%}
    {{ return(adapter.dispatch('to_business_time', 'nev_warehouse')(expr)) }}
{%- endmacro %}

{#- Portable: the zone designator taken apart with string functions and applied with dateadd. -#}
{% macro default__to_business_time(expr) -%}
    {%- set s = "(" ~ expr ~ ")" -%}
    {%- set n = dbt.length(s) -%}
    {%- set biz_minutes = var('business_utc_offset_hours') * 60 -%}
    {%- set ts = api.Column.translate_type('timestamp') -%}
    case
        when {{ dbt.right(s, 1) }} = 'Z'
            then {{ dbt.dateadd('minute', biz_minutes,
                try_cast("replace(substring(" ~ s ~ ", 1, " ~ n ~ " - 1), 'T', ' ')", ts)) }}
        when {{ n }} > 19 and substring({{ s }}, {{ n }} - 5, 1) in ('+', '-') and substring({{ s }}, {{ n }} - 2, 1) = ':'
            then {{ dbt.dateadd('minute',
                biz_minutes ~ " - (case when substring(" ~ s ~ ", " ~ n ~ " - 5, 1) = '-' then -1 else 1 end) * ("
                ~ try_cast("substring(" ~ s ~ ", " ~ n ~ " - 4, 2)", api.Column.translate_type('integer')) ~ " * 60 + "
                ~ try_cast("substring(" ~ s ~ ", " ~ n ~ " - 1, 2)", api.Column.translate_type('integer')) ~ ")",
                try_cast("replace(substring(" ~ s ~ ", 1, " ~ n ~ " - 6), 'T', ' ')", ts)) }}
        else {{ try_cast("replace(" ~ s ~ ", 'T', ' ')", ts) }}
    end
{%- endmacro %}
