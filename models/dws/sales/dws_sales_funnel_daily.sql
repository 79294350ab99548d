-- Sales funnel flows: one row per day x store x advisor x series x lead source, one column per count.
-- Each input row is one business event (a visit, a lead, a card, an invitation, a status change, a
-- test drive, an order stage, a delivery) dated on the day it happened; stocks and distinct counts
-- are not additive over days and live in ADS. Measures named *_leads / new_orders_* count a cohort:
-- the leads (orders) created on the day, by what has become of them since; they feed the rates,
-- which therefore stay within 0..1 at every grain.
{%- set visit_categories = ['first_visit_with_card', 'first_visit_without_card', 'non_purchase',
    'net_phone_invited', 'outreach_invited', 'post_order', 'return_visit', 'other'] %}
{%- set measures = ['store_visits', 'purchase_visits'] %}
{%- for c in visit_categories %}{% do measures.append('visits_' ~ c) %}{% endfor %}
{%- do measures.extend(['new_leads', 'timely_leads', 'duplicate_leads', 'outreach_leads', 'net_phone_leads',
       'cards_created', 'outreach_carded_leads', 'net_phone_carded_leads',
       'visited_leads', 'test_driven_leads', 'ordered_leads', 'visited_ordered_leads',
       'net_phone_invitations', 'net_phone_invitation_arrivals', 'outreach_invitations', 'outreach_invitation_arrivals',
       'follow_ups', 'dormant_leads', 'defeated_leads', 'reactivated_leads',
       'test_drives', 'new_orders', 'first_orders', 'converted_orders', 'valid_orders', 'cancellations',
       'new_orders_validated', 'new_orders_cancelled',
       'deliveries']) %}

with leads as (
    select * from {{ ref('dwd_fct_lead') }}
),

lead_outcomes as (
    -- What became of each lead: a test drive implies a visit even when the showroom missed it.
    select
        l.lead_id,
        l.created_date,
        l.store_id,
        l.advisor_id,
        l.series_code,
        l.source_channel,
        v.lead_id is not null or t.lead_id is not null as is_visited,
        t.lead_id is not null as is_test_driven,
        o.lead_id is not null as is_ordered
    from leads as l
    left join (select distinct lead_id from {{ ref('dwd_fct_store_visit') }}) as v on l.lead_id = v.lead_id
    left join (select distinct lead_id from {{ ref('dwd_fct_test_drive') }}) as t on l.lead_id = t.lead_id
    left join (select distinct lead_id from {{ ref('dwd_fct_vehicle_order') }}) as o on l.lead_id = o.lead_id
),

events as (
    select visited_date as activity_date, store_id, advisor_id, series_code, source_channel, 'store_visits' as measure
    from {{ ref('dwd_fct_store_visit') }}
    union all
    select visited_date, store_id, advisor_id, series_code, source_channel, 'purchase_visits'
    from {{ ref('dwd_fct_store_visit') }}
    where visit_purpose = 'purchase'
    union all
    select visited_date, store_id, advisor_id, series_code, source_channel, {{ dbt.concat(["'visits_'", 'visit_category']) }}
    from {{ ref('dwd_fct_store_visit') }}
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'new_leads'
    from leads
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'timely_leads'
    from leads
    where is_followed_up_in_sla
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'duplicate_leads'
    from leads
    where is_duplicate
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, {{ dbt.concat(['source_channel', "'_leads'"]) }}
    from leads
    where source_channel in ('outreach', 'net_phone')
    union all
    select card_created_date, store_id, advisor_id, series_code, source_channel, 'cards_created'
    from leads
    where is_carded
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, {{ dbt.concat(['source_channel', "'_carded_leads'"]) }}
    from leads
    where is_carded and source_channel in ('outreach', 'net_phone')
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'visited_leads'
    from lead_outcomes
    where is_visited
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'test_driven_leads'
    from lead_outcomes
    where is_visited and is_test_driven
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'ordered_leads'
    from lead_outcomes
    where is_ordered
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'visited_ordered_leads'
    from lead_outcomes
    where is_visited and is_ordered
    union all
    select invited_date, store_id, advisor_id, series_code, source_channel, {{ dbt.concat(['invitation_type', "'_invitations'"]) }}
    from {{ ref('dwd_fct_invitation') }}
    union all
    select invited_date, store_id, advisor_id, series_code, source_channel,
        {{ dbt.concat(['invitation_type', "'_invitation_arrivals'"]) }}
    from {{ ref('dwd_fct_invitation') }}
    where is_arrived
    union all
    select f.followed_up_date, l.store_id, l.advisor_id, l.series_code, l.source_channel, 'follow_ups'
    from {{ ref('dwd_fct_follow_up') }} as f
    inner join leads as l on f.lead_id = l.lead_id
    union all
    select
        s.valid_from_date, l.store_id, l.advisor_id, l.series_code, l.source_channel,
        case when s.is_reactivation then 'reactivated_leads' else {{ dbt.concat(['s.lead_status', "'_leads'"]) }} end
    from {{ ref('dwd_fct_lead_status_spell') }} as s
    inner join leads as l on s.lead_id = l.lead_id
    where s.lead_status in ('dormant', 'defeated') or s.is_reactivation
    union all
    select drive_date, store_id, advisor_id, series_code, source_channel, 'test_drives'
    from {{ ref('dwd_fct_test_drive') }}
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'new_orders'
    from {{ ref('dwd_fct_vehicle_order') }}
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'first_orders'
    from {{ ref('dwd_fct_vehicle_order') }}
    where is_first_order
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'converted_orders'
    from {{ ref('dwd_fct_vehicle_order') }}
    where lead_id is not null
    union all
    select deposit_date, store_id, advisor_id, series_code, source_channel, 'valid_orders'
    from {{ ref('dwd_fct_vehicle_order') }}
    where is_valid
    union all
    select cancelled_date, store_id, advisor_id, series_code, source_channel, 'cancellations'
    from {{ ref('dwd_fct_vehicle_order') }}
    where cancelled_at is not null
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'new_orders_validated'
    from {{ ref('dwd_fct_vehicle_order') }}
    where is_valid
    union all
    select created_date, store_id, advisor_id, series_code, source_channel, 'new_orders_cancelled'
    from {{ ref('dwd_fct_vehicle_order') }}
    where cancelled_at is not null
    union all
    select delivered_date, store_id, advisor_id, series_code, source_channel, 'deliveries'
    from {{ ref('dwd_fct_delivery') }}
)

select
    activity_date,
    store_id,
    coalesce(advisor_id, 'unknown') as advisor_id,
    coalesce(series_code, 'unknown') as series_code,
    coalesce(source_channel, 'unknown') as source_channel,
    {%- for m in measures %}
    sum(case when measure = '{{ m }}' then 1 else 0 end) as {{ m }}{{ ',' if not loop.last }}
    {%- endfor %}
from events
group by
    activity_date,
    store_id,
    coalesce(advisor_id, 'unknown'),
    coalesce(series_code, 'unknown'),
    coalesce(source_channel, 'unknown')
