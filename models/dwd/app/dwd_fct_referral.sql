-- Referrals (推荐购车): one row per friend recommended by a member, and whether it became an order.
with referee as (
    select distinct
        matched_phone,
        one_id
    from {{ ref('dwd_dim_customer_identity') }}
    where matched_phone is not null
),

referred_orders as (
    select
        r.referral_id,
        min(o.created_at) as first_order_at
    from {{ ref('ods_app__referrals') }} as r
    inner join referee as p on r.referee_phone = p.matched_phone
    inner join {{ ref('dwd_fct_vehicle_order') }} as o
        on p.one_id = o.one_id and r.referred_at <= o.created_at
    group by r.referral_id
)

select
    r.referral_id,
    r.referrer_member_id,
    m.one_id as referrer_one_id,
    p.one_id as referee_one_id,
    r.crm_lead_id,
    r.referred_at,
    cast(r.referred_at as date) as referred_date,
    o.first_order_at,
    o.first_order_at is not null as is_converted
from {{ ref('ods_app__referrals') }} as r
left join {{ ref('dwd_dim_member') }} as m on r.referrer_member_id = m.member_id
left join referee as p on r.referee_phone = p.matched_phone
left join referred_orders as o on r.referral_id = o.referral_id
