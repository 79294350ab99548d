{#- The days (and months) a batch changes in the day-grain summaries. An incremental DWS or ADS
    model deletes and re-derives exactly these days from the whole history of its inputs, so that it
    equals a full refresh; a DWD row the batch changed carries a landing time (_loaded_at) in the
    batch (macros/people_touched.sql), and the dates it is counted on are the days it touches. A row
    re-derived as it was keeps the landing time it had (keep_landing_time_of_unchanged_rows in
    macros/incremental.sql) and touches no day.
    Each macro returns `select <date> as touched_date ...`. -#}

{#- dws_app_activity_daily: the days of the batch's events, and every day a member was active on
    whose province the batch changed (their past days move between provinces). -#}
{% macro activity_days_touched() -%}
    select e.event_date as touched_date
    from {{ ref('dwd_fct_app_event') }} as e
    where {{ landed_since_last_run('e._loaded_at') }}
    union
    {{ province_change_days() }}
{%- endmacro %}

{#- dws_app_session_daily and ads_aarrr_overview_daily: the days of the sessions the batch re-derived,
    the days they moved from (a late event before a session's start), and the days of the province
    changes. -#}
{% macro session_days_touched() -%}
    select s.session_date as touched_date
    from {{ ref('dwd_fct_app_session') }} as s
    where {{ landed_since_last_run('s._loaded_at') }}
    union
    select s._previous_session_date as touched_date
    from {{ ref('dwd_fct_app_session') }} as s
    where s._previous_session_date is not null and {{ landed_since_last_run('s._loaded_at') }}
    union
    {{ province_change_days() }}
{%- endmacro %}

{#- Every day a member was active on whose province the batch changed: a summary by province moves
    those days between provinces. -#}
{% macro province_change_days() -%}
    select d.activity_date as touched_date
    from {{ ref('dws_app_member_daily') }} as d
    inner join {{ ref('dwd_dim_member') }} as m on d.member_id = m.member_id
    where m._previous_province_name is not null and {{ landed_since_last_run('m._loaded_at') }}
{%- endmacro %}


{#- dws_sales_funnel_daily: every date a fact the batch changed is counted on (in a batch window a DWD
    fact re-derived as it was keeps its landing time and one that changed is dated in the window:
    keep_landing_time_of_unchanged_rows, macros/incremental.sql; a run without a window counts every
    date a fact of a person it touched is counted on, macros/people_touched.sql). The cohort measures
    count dwd_fct_lead_outcome, which dates a lead whose outcome changed the same way; a run without a
    window adds the creation and card days of every lead whose outcome it may have changed
    (lead_outcomes_changed()). And the days a lead's spells may have started or ended (every version
    date of a lead whose spells changed: a spell the batch merges away leaves no row to date it by). -#}
{% macro funnel_days_touched() -%}
    {#- each flow's fact is read from one DWD model; the dates come from the flows themselves #}
    {%- set fact_models = {
        'visits': 'dwd_fct_store_visit', 'lead_outcomes': 'dwd_fct_lead_outcome', 'invitations': 'dwd_fct_invitation',
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
        {%- if fact in personal and not dates_changed_rows() %}
        or one_id in (select p.one_id from ({{ people_touched() }}) as p)
        {%- endif %}
    union
    {%- endfor %}
    {%- if not dates_changed_rows() %}
    {%- for column in ['created_date', 'card_created_date'] %}
    select l.{{ column }} as touched_date
    from {{ ref('dwd_fct_lead') }} as l
    where l.lead_id in (select c.lead_id from ({{ lead_outcomes_changed() }}) as c)
    union
    {%- endfor %}
    {%- endif %}
    select cast(v.valid_from as date) as touched_date
    from {{ ref('ods_crm__leads') }} as v
    where v.lead_id in (
        select s.lead_id from {{ ref('dwd_fct_lead_status_spell') }} as s where {{ landed_since_last_run('s._loaded_at') }}
    )
{%- endmacro %}


{#- dwd_fct_lead_outcome and the funnel: the leads whose outcome (visited, test-driven, ordered) the
    batch may have changed: every lead of each person whose visits, test drives or orders it changed,
    as a visit or order that moves to the person's other lead changes the outcome of the lead it
    left, whose own row stays as it was. -#}
{% macro lead_outcomes_changed() -%}
    {%- set changed -%}
        select v.lead_id, v.one_id from {{ ref('dwd_fct_store_visit') }} as v where {{ landed_since_last_run('v._loaded_at') }}
        union
        select t.lead_id, t.one_id from {{ ref('dwd_fct_test_drive') }} as t where {{ landed_since_last_run('t._loaded_at') }}
        union
        select o.lead_id, o.one_id from {{ ref('dwd_fct_vehicle_order') }} as o where {{ landed_since_last_run('o._loaded_at') }}
    {%- endset %}
    select l.lead_id
    from {{ ref('dwd_fct_lead') }} as l
    where
        l.one_id in (select c.one_id from ({{ changed }}) as c)
        or l.lead_id in (select c.lead_id from ({{ changed }}) as c)
{%- endmacro %}


{#- dws_lead_stock_daily: the first day whose start the batch's lead versions may change (the first
    midnight at or after the earliest of them), as a scalar SQL expression; null without versions.
    Versions of a lead whose spells and lead row the batch left as they were (a version sent again)
    change no day. -#}
{% macro stock_first_changed_day() -%}
    (select {{ first_midnight_on_or_after('min(v.valid_from)') }} from {{ ref('ods_crm__leads') }} as v
     where {{ landed_since_last_run('v._loaded_at') }} and v.lead_id in (
        select s.lead_id from {{ ref('dwd_fct_lead_status_spell') }} as s where {{ landed_since_last_run('s._loaded_at') }}
        union
        select l.lead_id from {{ ref('dwd_fct_lead') }} as l where {{ landed_since_last_run('l._loaded_at') }}
     ))
{%- endmacro %}


{#- The dates one of the queries above returns, read once when an incremental model runs, as a list
    of 'YYYY-MM-DD' strings; without a run (parsing, compiling without execute, a unit test, a full
    refresh) the query itself. Filter with date_in(): literals and their span let DuckDB's zonemaps
    skip the history's blocks, where `in (select ...)` reads every row of the table (at SF 1, all 67M
    APP events for six touched days). Worth it where the touched days are few and close together: the
    funnel's and the AARRR table's span most of a year (a re-sent old lead), and measured no faster. -#}
{% macro touched_dates(query) -%}
    {%- if not execute or not is_incremental() or model.resource_type == 'unit_test' -%}
        {{ return(query) }}
    {%- endif -%}
    {%- set found = run_query(
        'select distinct touched_date from (' ~ query ~ ') as q where touched_date is not null order by touched_date'
    ).columns[0].values() -%}
    {%- set days = [] -%}
    {%- for day in found -%}{% do days.append((day | string)[:10]) %}{%- endfor -%}
    {{ return(days) }}
{%- endmacro %}

{#- A condition on a date column: one of the touched dates (touched_dates()); none of them is false. -#}
{% macro date_in(column, touched) -%}
    {%- if touched is string -%}
        {{ column }} in (select q.touched_date from ({{ touched }}) as q)
    {%- elif not touched -%}
        false
    {%- else -%}
        {{ column }} between {{ date_literal(touched[0]) }} and {{ date_literal(touched[-1]) }} and {{ column }} in (
        {%- for d in touched %}{{ date_literal(d) }}{{ ', ' if not loop.last }}{% endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{% macro date_literal(day) -%}
    cast('{{ day }}' as date)
{%- endmacro %}
