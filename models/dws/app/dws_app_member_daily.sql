-- APP activity per member and day: one row per member active on a day (the base of DAU, MAU and retention).
-- Incremental by day: a batch re-derives every day its new events fall on, late ones included.
{{ config(materialized='incremental', unique_key='activity_date', incremental_strategy='delete+insert') }}

select
    e.event_date as activity_date,
    e.member_id,
    count(*) as events,
    count(distinct e.session_id) as sessions,
    sum(e.dwell_seconds) as dwell_seconds,
    sum(case when e.event_type in ('article_share', 'poster_share') then 1 else 0 end) as content_shares,
    sum(case when e.event_type in ('article_read', 'poster_read') then 1 else 0 end) as content_reads,
    sum(case when e.event_type = 'model_page_click' then 1 else 0 end) as model_page_clicks,
    sum(case when e.event_type = 'post_create' then 1 else 0 end) as posts,
    max(e._loaded_at) as _loaded_at
from {{ ref('dwd_fct_app_event') }} as e
where {{ keys_touched_by_batch('e.event_date', ref('dwd_fct_app_event'), 'event_date') }}
group by e.event_date, e.member_id
