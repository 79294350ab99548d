{#- One row per base event with 1 when an event of the same lead follows within `days` days (an
    event date in [base date, base date + days)), else 0: the conversions the rates count. The
    window is MetricFlow's conversion window, written once for every conversion pre-aggregate. A
    plain select (no CTE), so that a model can aggregate it as a subquery on every engine. -#}
{% macro converted_within(base, base_key, base_date, event, event_date, days, flag, base_columns=[]) -%}
select
    {%- for column in [base_key] + base_columns + [base_date] %}
    b.{{ column }},
    {%- endfor %}
    case when c.{{ base_key }} is not null then 1 else 0 end as {{ flag }}
from {{ base }} as b
left join (
    select distinct b.{{ base_key }}
    from {{ base }} as b
    inner join {{ event }} as e
        on
            b.lead_id = e.lead_id
            and b.{{ base_date }} <= e.{{ event_date }}
            and e.{{ event_date }} < {{ dbt.dateadd('day', days, 'b.' ~ base_date) }}
) as c on b.{{ base_key }} = c.{{ base_key }}
{%- endmacro %}
