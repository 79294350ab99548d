{#- One row per base event with 1 when an event of the same lead follows within `days` days (an
    event date in [base date, base date + days)), else 0: the conversions the rates count. The
    window is MetricFlow's conversion window, written once for every conversion pre-aggregate. A
    plain select (no CTE), so that a model can aggregate it as a subquery on every engine. With
    base_filter (a condition on the base row `b`), only those base rows. -#}
{% macro converted_within(base, base_key, base_date, event, event_date, days, flag, base_columns=[], base_filter=none) -%}
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
    {%- if base_filter %}
    where {{ base_filter }}
    {%- endif %}
) as c on b.{{ base_key }} = c.{{ base_key }}
{%- if base_filter %}
where {{ base_filter }}
{%- endif %}
{%- endmacro %}

{#- The conversion pre-aggregate of a day-grain DWS table: per base day and the funnel's cell
    (store, advisor, series, lead source; 'unknown' where missing), the base events (`counted`) and
    those that converted within `days` (`converted`). Both add up, so a rate is their ratio at any
    grain and cut. With base_filter, only the base rows it keeps (an incremental model's days). -#}
{% macro conversions_by_cell(base, base_key, base_date, event, event_date, days, counted, converted, flag, base_columns=[], base_filter=none) -%}
{%- set cell = funnel_cell() %}
select
    {{ base_date }},
    {%- for column in cell %}
    coalesce({{ column }}, {{ unknown_member_key() }}) as {{ column }},
    {%- endfor %}
    count(*) as {{ counted }},
    sum({{ flag }}) as {{ converted }}
from (
    {{ converted_within(
        base=base, base_key=base_key, base_date=base_date, base_columns=base_columns + cell,
        event=event, event_date=event_date, days=days, flag=flag, base_filter=base_filter
    ) | indent(4) }}
) as per_base
group by
    {{ base_date }},
    {%- for column in cell %}
    coalesce({{ column }}, {{ unknown_member_key() }}){{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
