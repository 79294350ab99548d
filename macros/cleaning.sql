{#- Value cleaning shared by every ODS model. -#}

{#- An 11-digit mainland mobile number from any typing ('+86 138 1234 5678', '0086-138...',
    '(+86)138...'), or null when what is left is not one. -#}
{% macro normalize_phone(expr) -%}
    {%- set digits = regexp_replace_all(expr, '[^0-9]', '') -%}
    {%- set national -%}
        case
            when {{ dbt.length(digits) }} = 15 and substring({{ digits }}, 1, 4) = '0086' then substring({{ digits }}, 5, 11)
            when {{ dbt.length(digits) }} = 13 and substring({{ digits }}, 1, 2) = '86' then substring({{ digits }}, 3, 11)
            else {{ digits }}
        end
    {%- endset -%}
    case
        when {{ dbt.length(national) }} = 11 and substring({{ national }}, 1, 1) = '1' then {{ national }}
    end
{%- endmacro %}


{#- The canonical code for a source code, from {canonical: [accepted spellings]}; matching ignores
    case and surrounding spaces. Codes outside the map become 'unknown' (kept, counted, tested). -#}
{% macro normalize_code(expr, mapping, unknown='unknown') -%}
    case
        when nullif(trim({{ expr }}), '') is null then null
        {%- for canonical, spellings in mapping.items() %}
        when upper(trim({{ expr }})) in ('{{ spellings | map('upper') | join("', '") }}') then '{{ canonical }}'
        {%- endfor %}
        else '{{ unknown }}'
    end
{%- endmacro %}


{#- A stable surrogate key from columns (null-safe), for OneID and composite grains. -#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for c in columns -%}
        {%- do parts.append("coalesce(cast(" ~ c ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}


{#- 138****5678: enough to recognise a number, not enough to call it. -#}
{% macro mask_phone(expr) -%}
    case when {{ expr }} is not null then {{ dbt.concat(["substring(" ~ expr ~ ", 1, 3)", "'****'", "substring(" ~ expr ~ ", 8, 4)"]) }} end
{%- endmacro %}


{#- numerator / denominator as a double, null when the denominator is zero. -#}
{% macro ratio(numerator, denominator) -%}
    {{ dbt.cast(numerator, 'double precision') }} / nullif({{ denominator }}, 0)
{%- endmacro %}


{#- A status spell (valid_from .. valid_to, open-ended when valid_to is null) is in force at an instant. -#}
{% macro spell_covers(spell, instant) -%}
    {{ spell }}.valid_from <= {{ instant }} and ({{ spell }}.valid_to is null or {{ spell }}.valid_to > {{ instant }})
{%- endmacro %}


{#- A day's (or month's) first instant as a timestamp, for comparing with event times. -#}
{% macro start_ts(date_expr) -%}
    cast({{ date_expr }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- The first midnight at or after an instant, as a date: the first day whose start the instant has reached. -#}
{% macro first_midnight_on_or_after(ts_expr) -%}
    case
        when {{ start_ts('cast(' ~ ts_expr ~ ' as date)') }} = {{ ts_expr }} then cast({{ ts_expr }} as date)
        else cast({{ dbt.dateadd('day', 1, 'cast(' ~ ts_expr ~ ' as date)') }} as date)
    end
{%- endmacro %}


{#- A count for a published (ADS) column: never null, always a 64-bit integer, whatever the engine's
    sum returns (DuckDB sums into 128-bit integers). -#}
{% macro as_count(expr) -%}
    cast(coalesce({{ expr }}, 0) as {{ api.Column.translate_type('bigint') }})
{%- endmacro %}


{#- Join condition: the two relations agree on every listed column. -#}
{% macro same_values(left, right, columns) -%}
    {%- for c in columns -%}
        {{ left }}.{{ c }} = {{ right }}.{{ c }}{{ ' and ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}


{#- The key a fact carries when it has no advisor, series or lead source (a walk-in visit without
    a lead); the advisor and series dimensions hold a row for it, so that a query grouped by them
    names these facts instead of printing a blank. -#}
{% macro unknown_member_key() -%}
    'unknown'
{%- endmacro %}
