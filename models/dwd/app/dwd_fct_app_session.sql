-- APP sessions: one row per session, for bounce rate (one-event sessions), dwell time and configurator depth.
select
    session_id,
    min(member_id) as member_id,
    min(event_at) as started_at,
    cast(min(event_at) as date) as session_date,
    count(*) as event_count,
    count(*) = 1 as is_bounce,
    sum(dwell_seconds) as dwell_seconds,
    max(configurator_step) as configurator_depth
from {{ ref('dwd_fct_app_event') }}
group by session_id
