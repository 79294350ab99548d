-- APP members' first active day on or after registering: one row per member who has been active
-- since. The retention rates' conversion event: a member converts within N days exactly when this
-- day is, and it is one row per member instead of every member-day (15M at SF 1) at query time.
select
    m.member_id,
    m.registered_date,
    min(d.activity_date) as first_active_date
from {{ ref('dwd_dim_member') }} as m
inner join {{ ref('dws_app_member_daily') }} as d
    on m.member_id = d.member_id and m.registered_date <= d.activity_date
group by m.member_id, m.registered_date
