{#- The days after registering on which APP retention is counted (retained_d1 / d7 / d30). -#}
{% macro retention_return_days() -%}
    {{ return([1, 7, 30]) }}
{%- endmacro %}


{#- True when the activity date is one of a member's return days after the registration date. -#}
{% macro on_a_return_day(activity_date, registered_date) -%}
    {{ activity_date }} in (
    {%- for n in retention_return_days() %}{{ dbt.dateadd('day', n, registered_date) }}{{ ", " if not loop.last }}{% endfor -%}
    )
{%- endmacro %}
