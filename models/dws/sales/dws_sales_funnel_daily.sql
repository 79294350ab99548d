-- Sales funnel flows: one row per day x store x advisor x series x lead source, one column per count.
-- Each event row is one business event (a visit, a lead, a card, an invitation, a status change, a
-- test drive, an order stage, a delivery) dated on the day it happened. Measures named *_leads and
-- new_orders_* count a cohort instead: the leads (orders) created on the day, by what has become of
-- them since; they feed the rates, which therefore stay within 0..1 at every grain. Stocks and
-- distinct counts are not additive over days and live in ADS.
{%- set visit_categories = ['first_visit_with_card', 'first_visit_without_card', 'non_purchase',
    'net_phone_invited', 'outreach_invited', 'post_order', 'return_visit', 'other'] %}
{%- set measures = ['store_visits', 'purchase_visits'] %}
{%- for c in visit_categories %}{% do measures.append('visits_' ~ c) %}{% endfor %}
{%- do measures.extend([
    'new_leads', 'timely_leads', 'duplicate_leads', 'outreach_leads', 'net_phone_leads',
    'cards_created', 'outreach_carded_leads', 'net_phone_carded_leads',
    'visited_leads', 'test_driven_leads', 'ordered_leads', 'visited_ordered_leads',
    'net_phone_invitations', 'net_phone_invitation_arrivals', 'outreach_invitations', 'outreach_invitation_arrivals',
    'follow_ups', 'dormant_leads', 'defeated_leads', 'reactivated_leads',
    'test_drives', 'new_orders', 'first_orders', 'converted_orders', 'valid_orders', 'cancellations',
    'new_orders_validated', 'new_orders_cancelled', 'held_prospect_orders', 'deliveries']) %}

{#- (relation, date column, measure name expression, condition) -#}
{%- set event_sources = [
    ('visits', 'visited_date', "'store_visits'", none),
    ('visits', 'visited_date', "'purchase_visits'", "visit_purpose = 'purchase'"),
    ('visits', 'visited_date', dbt.concat(["'visits_'", 'visit_category']), none),
    ('lead_outcomes', 'created_date', "'new_leads'", none),
    ('lead_outcomes', 'created_date', "'timely_leads'", 'is_followed_up_in_sla'),
    ('lead_outcomes', 'created_date', "'duplicate_leads'", 'is_duplicate'),
    ('lead_outcomes', 'created_date', dbt.concat(['source_channel', "'_leads'"]),
        "source_channel in ('outreach', 'net_phone')"),
    ('lead_outcomes', 'card_created_date', "'cards_created'", 'is_carded'),
    ('lead_outcomes', 'created_date', dbt.concat(['source_channel', "'_carded_leads'"]),
        "is_carded and source_channel in ('outreach', 'net_phone')"),
    ('lead_outcomes', 'created_date', "'visited_leads'", 'is_visited'),
    ('lead_outcomes', 'created_date', "'test_driven_leads'", 'is_visited and is_test_driven'),
    ('lead_outcomes', 'created_date', "'ordered_leads'", 'is_ordered'),
    ('lead_outcomes', 'created_date', "'visited_ordered_leads'", 'is_visited and is_ordered'),
    ('invitations', 'invited_date', dbt.concat(['invitation_type', "'_invitations'"]), none),
    ('invitations', 'invited_date', dbt.concat(['invitation_type', "'_invitation_arrivals'"]), 'is_arrived'),
    ('follow_ups', 'followed_up_date', "'follow_ups'", none),
    ('status_changes', 'valid_from_date',
        "case when is_reactivation then 'reactivated_leads' else " ~ dbt.concat(['lead_status', "'_leads'"]) ~ " end",
        "lead_status in ('dormant', 'defeated') or is_reactivation"),
    ('test_drives', 'drive_date', "'test_drives'", none),
    ('orders', 'created_date', "'new_orders'", none),
    ('orders', 'created_date', "'first_orders'", 'is_first_order'),
    ('orders', 'created_date', "'converted_orders'", 'lead_id is not null'),
    ('orders', 'deposit_date', "'valid_orders'", 'is_valid'),
    ('orders', 'cancelled_date', "'cancellations'", 'cancelled_at is not null'),
    ('orders', 'created_date', "'new_orders_validated'", 'is_valid'),
    ('orders', 'created_date', "'new_orders_cancelled'", 'cancelled_at is not null'),
    ('orders', 'created_date', "'held_prospect_orders'", 'is_from_held_prospect'),
    ('deliveries', 'delivered_date', "'deliveries'", none),
] %}

with leads as (
    select * from {{ ref('dwd_fct_lead') }}
),

visits as (
    select * from {{ ref('dwd_fct_store_visit') }}
),

test_drives as (
    select * from {{ ref('dwd_fct_test_drive') }}
),

orders as (
    select * from {{ ref('dwd_fct_vehicle_order') }}
),

invitations as (
    select * from {{ ref('dwd_fct_invitation') }}
),

deliveries as (
    select * from {{ ref('dwd_fct_delivery') }}
),

visited as (
    select distinct lead_id from visits
),

test_driven as (
    select distinct lead_id from test_drives
),

ordered as (
    select distinct lead_id from orders
),

lead_outcomes as (
    -- What became of each lead: a test drive implies a visit even when the showroom missed it.
    select
        l.*,
        v.lead_id is not null or t.lead_id is not null as is_visited,
        t.lead_id is not null as is_test_driven,
        o.lead_id is not null as is_ordered
    from leads as l
    left join visited as v on l.lead_id = v.lead_id
    left join test_driven as t on l.lead_id = t.lead_id
    left join ordered as o on l.lead_id = o.lead_id
),

follow_ups as (
    select
        f.followed_up_date,
        l.store_id,
        l.advisor_id,
        l.series_code,
        l.source_channel
    from {{ ref('dwd_fct_follow_up') }} as f
    inner join leads as l on f.lead_id = l.lead_id
),

status_changes as (
    select
        s.valid_from_date,
        s.lead_status,
        s.is_reactivation,
        l.store_id,
        l.advisor_id,
        l.series_code,
        l.source_channel
    from {{ ref('dwd_fct_lead_status_spell') }} as s
    inner join leads as l on s.lead_id = l.lead_id
),

events as (
    {%- for relation, date_column, measure, condition in event_sources %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ date_column }} as activity_date,
        store_id,
        advisor_id,
        series_code,
        source_channel,
        {{ measure }} as measure
    from {{ relation }}
    {%- if condition %}
    where {{ condition }}
    {%- endif %}
    {%- endfor %}
)

select
    activity_date,
    store_id,
    coalesce(advisor_id, 'unknown') as advisor_id,
    coalesce(series_code, 'unknown') as series_code,
    coalesce(source_channel, 'unknown') as source_channel,
    {%- for m in measures %}
    sum(case when measure = '{{ m }}' then 1 else 0 end) as {{ m }},
    {%- endfor %}
    count(*) as events
from events
group by
    activity_date,
    store_id,
    coalesce(advisor_id, 'unknown'),
    coalesce(series_code, 'unknown'),
    coalesce(source_channel, 'unknown')
