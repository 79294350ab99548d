-- Held prospects (保有潜客): one row per day x store x advisor x series x lead source, the leads in
-- status new or following at the start and at the end of the day. A stock: it adds up over stores
-- and advisors, never over days (take the first day's opening or the last day's closing count).
with days as (
    select d.date_day
    from {{ ref('dwd_dim_date') }} as d
    where d.date_day between (select min(l.created_date) from {{ ref('dwd_fct_lead') }} as l)
        and (select max(l.created_date) from {{ ref('dwd_fct_lead') }} as l)
),

held_spells as (
    select
        s.lead_id,
        s.valid_from,
        s.valid_to,
        l.store_id,
        l.advisor_id,
        l.series_code,
        l.source_channel
    from {{ ref('dwd_fct_lead_status_spell') }} as s
    inner join {{ ref('dwd_fct_lead') }} as l on s.lead_id = l.lead_id
    where s.lead_status in ('new', 'following')
),

lead_days as (
    -- One row per lead and day it was held at some point of; a lead moving from new to following
    -- within a day has two spells that day and counts once.
    select
        d.date_day,
        h.lead_id,
        h.store_id,
        h.advisor_id,
        h.series_code,
        h.source_channel,
        max(case
            when {{ spell_covers('h', start_ts('d.date_day')) }}
                then 1
            else 0
        end) as held_at_start,
        max(case
            when {{ spell_covers('h', start_ts(dbt.dateadd('day', 1, 'd.date_day'))) }}
                then 1
            else 0
        end) as held_at_end
    from days as d
    inner join held_spells as h
        on
            h.valid_from <= {{ start_ts(dbt.dateadd('day', 1, 'd.date_day')) }}
            and (h.valid_to is null or h.valid_to > {{ start_ts('d.date_day') }})
    group by d.date_day, h.lead_id, h.store_id, h.advisor_id, h.series_code, h.source_channel
)

select
    date_day as activity_date,
    store_id,
    coalesce(advisor_id, 'unknown') as advisor_id,
    coalesce(series_code, 'unknown') as series_code,
    coalesce(source_channel, 'unknown') as source_channel,
    sum(held_at_start) as held_prospects_at_start,
    sum(held_at_end) as held_prospects_at_end
from lead_days
group by
    date_day,
    store_id,
    coalesce(advisor_id, 'unknown'),
    coalesce(series_code, 'unknown'),
    coalesce(source_channel, 'unknown')
