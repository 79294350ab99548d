{#- Overrides of dbt's own cross-database macros where dbt-spark's answer differs from the other engines'. -#}

{#- Type names: the project writes the standard ones ('double precision', 'varchar'); Spark spells
    them 'double' and 'string'. dbt's cast goes through here, and so do the ADS contracts' types. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type_name(type) }})
{%- endmacro %}

{% macro spark_type_name(type) -%}
    {%- set spark_types = {'double precision': 'double', 'varchar': 'string', 'text': 'string'} -%}
    {{- spark_types.get(type | lower | trim, type) -}}
{%- endmacro %}


{#- dbt's datediff counts the boundaries crossed (10:59 to 11:01 is one hour); dbt-spark's rounds the
    elapsed time up instead (19:06 to 03:47 next day is 9 hours there, 8 boundaries elsewhere). -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set seconds = {'hour': 3600, 'minute': 60, 'second': 1} -%}
    {%- if datepart in seconds -%}
    cast((unix_timestamp(date_trunc('{{ datepart }}', {{ second_date }}))
        - unix_timestamp(date_trunc('{{ datepart }}', {{ first_date }}))) / {{ seconds[datepart] }} as bigint)
    {%- else -%}
    {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- endif -%}
{%- endmacro %}


{#- dbt-spark's dateadd does not parenthesise the interval (480 - x * 60 becomes 480 - x * 60 * 60)
    and turns a null timestamp into an error; Spark's own timestampadd does neither. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, cast(({{ interval }}) as bigint), {{ from_date_or_timestamp }})
{%- endmacro %}
