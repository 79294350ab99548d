-- Vehicle orders: one row per order, with the time it reached each stage and its attribution.
-- Stages: intent (小订) -> deposit (大定, cooling-off) -> locked (锁单) -> delivered; cancelled (退订)
-- can end an order at any stage before delivery.
-- An order with a delivery is delivered, at its delivery's time, even when the order version that
-- said so was set aside (the delivery record is the evidence): the facts never disagree.
-- Incremental by order: a batch re-derives every order of each person it touches (an order's lead
-- and first-order flag depend on the person's leads and orders), the orders linked to a lead it
-- re-derived, and the orders whose delivery it brings.
{{ config(materialized='incremental', unique_key='order_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'order_id'}) }}

with
{%- if is_incremental() %}
batch_leads as (
    select
        lead_id,
        one_id
    from {{ ref('dwd_fct_lead') }}
    where {{ landed_since_last_run() }}
),

people as (
    {{ people_touched() }}
    union
    select one_id from batch_leads
    union
    select o.one_id from {{ this }} as o
    where o.order_id in (
            select v.order_id from {{ ref('ods_oms__vehicle_orders') }} as v
            where {{ landed_since_last_run('v._loaded_at') }}
        )
),

affected as (
    select order_id from {{ ref('ods_oms__vehicle_orders') }}
    where {{ landed_since_last_run() }}
    union
    select order_id from {{ ref('ods_oms__vehicle_orders') }}
    where crm_lead_id in (select b.lead_id from batch_leads as b)
    union
    select order_id from {{ ref('ods_oms__deliveries') }}
    where {{ landed_since_last_run() }}
    union
    select o.order_id from {{ this }} as o
    where o.one_id in (select p.one_id from people as p)
    union
    select v.order_id
    from {{ ref('ods_oms__vehicle_orders') }} as v
    inner join {{ ref('dwd_dim_customer_identity') }} as i
        on i.source_system = 'oms' and v.oms_customer_id = i.source_customer_id
    where v.is_current and i.one_id in (select p.one_id from people as p)
),
{%- endif %}

versions as (
    select *
    from {{ ref('ods_oms__vehicle_orders') }}
    {%- if is_incremental() %}
    where order_id in (select a.order_id from affected as a)
    {%- endif %}
),

stages as (
    select
        order_id,
        max(_loaded_at) as versions_loaded_at,
        min(case when order_status = 'intent' then valid_from end) as intent_at,
        min(case when order_status = 'deposit' then valid_from end) as deposit_at,
        min(case when order_status = 'locked' then valid_from end) as locked_at,
        min(case when order_status = 'cancelled' then valid_from end) as cancelled_at,
        min(case when order_status = 'delivered' then valid_from end) as delivered_at
    from versions
    group by order_id
),

delivered as (
    select
        order_id,
        min(delivered_at) as delivered_at,
        max(_loaded_at) as _loaded_at
    from {{ ref('ods_oms__deliveries') }}
    {%- if is_incremental() %}
    where order_id in (select a.order_id from affected as a)
    {%- endif %}
    group by order_id
),

identity as (
    select
        source_customer_id,
        one_id
    from {{ ref('dwd_dim_customer_identity') }}
    where source_system = 'oms'
),

leads as (
    select
        lead_id,
        one_id,
        created_at,
        source_channel,
        _loaded_at
    from {{ ref('dwd_fct_lead') }}
),

orders as (
    select
        c.order_id,
        i.one_id,
        c.oms_customer_id,
        c.crm_lead_id,
        c.store_id,
        c.advisor_id,
        c.model_code,
        m.series_code,
        c.order_status,
        c.intent_fee,
        c.deposit_amount,
        c.vehicle_price,
        c.created_at
    from versions as c
    left join identity as i on c.oms_customer_id = i.source_customer_id
    left join {{ ref('dwd_dim_vehicle_model') }} as m on c.model_code = m.model_code
    where c.is_current
),

attributed as (
    -- The lead an order came from: the one the advisor linked, else the customer's latest lead
    -- created before the order.
    select
        o.order_id,
        coalesce(o.crm_lead_id, l.lead_id) as lead_id,
        case when o.crm_lead_id is not null then 'linked' when l.lead_id is not null then 'one_id' end
            as lead_attribution,
        row_number() over (partition by o.order_id order by l.created_at desc, l.lead_id desc) as lead_rank
    from orders as o
    left join leads as l
        on o.crm_lead_id is null and o.one_id = l.one_id and o.created_at >= l.created_at
),

held_at_month_start as (
    -- Orders from a held prospect (保有): the lead was new or following when the order's month began.
    select distinct a.order_id
    from attributed as a
    inner join orders as o on a.order_id = o.order_id
    inner join {{ ref('dwd_fct_lead_status_spell') }} as s
        on
            a.lead_id = s.lead_id
            and s.lead_status in ('new', 'following')
            and {{ spell_covers('s', start_ts(dbt.date_trunc('month', 'o.created_at'))) }}
    where a.lead_rank = 1
),

person as (
    {{ person_landings('orders') }}
)

select
    o.order_id,
    o.one_id,
    o.oms_customer_id,
    a.lead_id,
    a.lead_attribution,
    coalesce(l.source_channel, 'unknown') as source_channel,
    o.store_id,
    coalesce(o.advisor_id, 'unknown') as advisor_id,
    o.model_code,
    o.series_code,
    case when dl.order_id is not null then 'delivered' else o.order_status end as order_status,
    o.intent_fee,
    o.deposit_amount,
    o.vehicle_price,
    o.created_at,
    cast(o.created_at as date) as created_date,
    s.intent_at,
    s.deposit_at,
    cast(s.deposit_at as date) as deposit_date,
    s.locked_at,
    cast(s.locked_at as date) as locked_date,
    s.cancelled_at,
    cast(s.cancelled_at as date) as cancelled_date,
    case
        when s.cancelled_at is null then null
        when s.locked_at is not null then 'locked'
        when s.deposit_at is not null then 'deposit'
        else 'intent'
    end as cancelled_stage,
    coalesce(s.delivered_at, dl.delivered_at) as delivered_at,
    s.deposit_at is not null as is_valid,
    h.order_id is not null as is_from_held_prospect,
    row_number() over (partition by o.one_id order by o.created_at, o.order_id) = 1 as is_first_order,
    -- the newest landing the row depends on: the order's versions, its lead, its person's identities
    greatest(
        s.versions_loaded_at,
        coalesce(l._loaded_at, s.versions_loaded_at),
        coalesce(p.person_loaded_at, s.versions_loaded_at),
        coalesce(dl._loaded_at, s.versions_loaded_at)
    ) as _loaded_at
from orders as o
inner join attributed as a on o.order_id = a.order_id and a.lead_rank = 1
left join stages as s on o.order_id = s.order_id
left join leads as l on a.lead_id = l.lead_id
left join held_at_month_start as h on o.order_id = h.order_id
left join person as p on o.one_id = p.one_id
left join delivered as dl on o.order_id = dl.order_id
