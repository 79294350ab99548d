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


{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'nev_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
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


{#- cast that yields null instead of failing on a value it cannot convert. -#}
{% macro try_cast(expr, type) -%}
    {{ return(adapter.dispatch('try_cast', 'nev_warehouse')(expr, type)) }}
{%- endmacro %}

{% macro default__try_cast(expr, type) -%}
    try_cast({{ expr }} as {{ type }})
{%- endmacro %}
