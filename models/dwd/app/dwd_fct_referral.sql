-- Referrals (推荐购车): one row per friend recommended by a member, and whether it became an order.
-- Incremental by referral: a batch re-derives its referrals, those whose friend or recommending
-- member it touches, and those whose friend it brings an order for.
{{ config(materialized='incremental', unique_key='referral_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'referral_id'}) }}

with
{%- if is_incremental() %}
people as (
    {{ people_touched() }}
    union
    select o.one_id from {{ ref('dwd_fct_vehicle_order') }} as o
    where {{ landed_since_last_run('o._loaded_at') }}
),
{%- endif %}

referrals as (
    select *
    from {{ ref('ods_app__referrals') }}
    {%- if is_incremental() %}
    where
        {{ landed_since_last_run() }}
        or referrer_member_id in (
            select m.member_id from {{ ref('dwd_dim_member') }} as m
            where {{ landed_since_last_run('m._loaded_at') }}
        )
        or referee_phone in (
            select i.matched_phone from {{ ref('dwd_dim_customer_identity') }} as i
            where i.one_id in (select p.one_id from people as p)
        )
        or referral_id in (
            select r.referral_id from {{ this }} as r
            where r.referee_one_id in (select p.one_id from people as p)
        )
    {%- endif %}
),

referee as (
    -- the phones of the referrals derived, not every identity
    select distinct
        matched_phone,
        one_id
    from {{ ref('dwd_dim_customer_identity') }}
    where
        matched_phone is not null
    {%- if is_incremental() %}
        and matched_phone in (select r.referee_phone from referrals as r)
        {%- endif %}
),

referred_orders as (
    select
        r.referral_id,
        min(o.created_at) as first_order_at
    from referrals as r
    inner join referee as p on r.referee_phone = p.matched_phone
    inner join {{ ref('dwd_fct_vehicle_order') }} as o
        on p.one_id = o.one_id and r.referred_at <= o.created_at
    group by r.referral_id
),

resolved as (
    select
        r.*,
        p.one_id
    from referrals as r
    left join referee as p on r.referee_phone = p.matched_phone
),

person as (
    {{ person_landings('resolved') }}
)

select
    r.referral_id,
    r.referrer_member_id,
    m.one_id as referrer_one_id,
    r.one_id as referee_one_id,
    r.crm_lead_id,
    r.referred_at,
    cast(r.referred_at as date) as referred_date,
    o.first_order_at,
    o.first_order_at is not null as is_converted,
    -- the newest landing the row depends on: the referral, the member, the friend's identities
    greatest(r._loaded_at, coalesce(m._loaded_at, r._loaded_at), coalesce(pl.person_loaded_at, r._loaded_at))
        as _loaded_at
from resolved as r
left join {{ ref('dwd_dim_member') }} as m on r.referrer_member_id = m.member_id
left join referred_orders as o on r.referral_id = o.referral_id
left join person as pl on r.one_id = pl.one_id
