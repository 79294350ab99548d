{#- The days (and months) a batch changes in the day-grain summaries. An incremental DWS or ADS
    model deletes and re-derives exactly these days from the whole history of its inputs, so that it
    equals a full refresh; a DWD row the batch re-derived carries a landing time (_loaded_at) in the
    batch (macros/people_touched.sql), and the dates it is counted on are the days it touches.
    Each macro returns `select <date> as touched_date ...`. -#}

{#- dws_app_activity_daily: the days of the batch's events, and every day a member was active on
    whose province the batch changed (their past days move between provinces). -#}
{% macro activity_days_touched() -%}
    select e.event_date as touched_date
    from {{ ref('dwd_fct_app_event') }} as e
    where {{ landed_since_last_run('e._loaded_at') }}
    union
    select d.activity_date as touched_date
    from {{ ref('dws_app_member_daily') }} as d
    inner join {{ ref('dwd_dim_member') }} as m on d.member_id = m.member_id
    where m._previous_province_name is not null and {{ landed_since_last_run('m._loaded_at') }}
{%- endmacro %}


{#- dws_sales_funnel_daily: every date a re-derived fact is counted on, and every date a fact of a
    touched person is counted on (macros/people_touched.sql); the creation and card days of each lead
    whose outcome may have changed (the cohort measures); and the days a lead's re-derived spells may
    have started or ended (every version date of a lead the batch brings versions of). -#}
{% macro funnel_days_touched() -%}
    {#- each flow's fact is read from one DWD model; the dates come from the flows themselves #}
    {%- set fact_models = {
        'visits': 'dwd_fct_store_visit', 'lead_outcomes': 'dwd_fct_lead', 'invitations': 'dwd_fct_invitation',
        'follow_ups': 'dwd_fct_follow_up', 'status_changes': 'dwd_fct_lead_status_spell',
        'test_drives': 'dwd_fct_test_drive', 'orders': 'dwd_fct_vehicle_order', 'deliveries': 'dwd_fct_delivery',
    } -%}
    {%- set personal = ['visits', 'lead_outcomes', 'invitations', 'test_drives', 'orders', 'deliveries'] -%}
    {%- set dated = [] -%}
    {%- for flow in sales_funnel_flows() if (flow['fact'], flow['date']) not in dated -%}
        {%- do dated.append((flow['fact'], flow['date'])) -%}
    {%- endfor %}
    {%- for fact, column in dated %}
    select {{ column }} as touched_date from {{ ref(fact_models[fact]) }}
    where
        {{ landed_since_last_run('_loaded_at') }}
        {%- if fact in personal %}
        or one_id in (select p.one_id from ({{ people_touched() }}) as p)
        {%- endif %}
    union
    {%- endfor %}
    {%- for column in ['created_date', 'card_created_date'] %}
    select l.{{ column }} as touched_date
    from {{ ref('dwd_fct_lead') }} as l
    where l.lead_id in (
        select v.lead_id from {{ ref('dwd_fct_store_visit') }} as v where {{ landed_since_last_run('v._loaded_at') }}
        union
        select t.lead_id from {{ ref('dwd_fct_test_drive') }} as t where {{ landed_since_last_run('t._loaded_at') }}
        union
        select o.lead_id from {{ ref('dwd_fct_vehicle_order') }} as o where {{ landed_since_last_run('o._loaded_at') }}
    )
    union
    {%- endfor %}
    select cast(v.valid_from as date) as touched_date
    from {{ ref('ods_crm__leads') }} as v
    where v.lead_id in (select b.lead_id from {{ ref('ods_crm__leads') }} as b where {{ landed_since_last_run('b._loaded_at') }})
{%- endmacro %}


{#- dws_lead_stock_daily: the first day whose start the batch's lead versions may change (the first
    midnight at or after the earliest of them), as a scalar SQL expression; null without versions. -#}
{% macro stock_first_changed_day() -%}
    (select {{ first_midnight_on_or_after('min(v.valid_from)') }} from {{ ref('ods_crm__leads') }} as v
     where {{ landed_since_last_run('v._loaded_at') }})
{%- endmacro %}
