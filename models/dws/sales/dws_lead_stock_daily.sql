-- Held prospects (保有潜客): one row per day x store x advisor x series x lead source with a lead in
-- status new or following at the start or at the end of the day. A stock: it adds up over stores
-- and advisors, never over days (take the first day's opening or the last day's closing count).
-- Computed as a running sum of the days on which held spells begin and end, so the work grows with
-- the number of spells and cells, not with the days each lead is held.
{%- set cell = ['store_id', 'advisor_id', 'series_code', 'source_channel'] %}

with bounds as (
    select
        min(created_date) as first_day,
        max(created_date) as last_day
    from {{ ref('dwd_fct_lead') }}
),

held_spells as (
    select
        s.valid_from,
        s.valid_to,
        l.store_id,
        coalesce(l.advisor_id, 'unknown') as advisor_id,
        coalesce(l.series_code, 'unknown') as series_code,
        coalesce(l.source_channel, 'unknown') as source_channel
    from {{ ref('dwd_fct_lead_status_spell') }} as s
    inner join {{ ref('dwd_fct_lead') }} as l on s.lead_id = l.lead_id
    where s.lead_status in ('new', 'following')
),

spell_edges as (
    -- A spell is held at the start of every day from the first midnight at or after valid_from up
    -- to (not including) the first midnight at or after valid_to. Spells of one lead never overlap.
    select
        {{ first_midnight_on_or_after('valid_from') }} as change_date,
        {{ cell | join(', ') }},
        1 as held_change
    from held_spells
    union all
    select
        {{ first_midnight_on_or_after('valid_to') }} as change_date,
        {{ cell | join(', ') }},
        -1 as held_change
    from held_spells
    where valid_to is not null
),

cells as (
    select
        {{ cell | join(', ') }},
        min(change_date) as first_change_date
    from spell_edges
    group by {{ cell | join(', ') }}
),

cell_days as (
    -- Every day of every cell from the day before its first change (held at its end only) to the day
    -- after the last lead day, so that the running sum has a row for each day and the last day has a
    -- closing count.
    select
        d.date_day as change_date,
        c.store_id,
        c.advisor_id,
        c.series_code,
        c.source_channel,
        0 as held_change
    from cells as c
    cross join bounds as b
    inner join {{ ref('dwd_dim_date') }} as d
        on d.date_day >= {{ dbt.dateadd('day', -1, 'c.first_change_date') }} and d.date_day <= {{ dbt.dateadd('day', 1, 'b.last_day') }}
    union all
    select
        change_date,
        {{ cell | join(', ') }},
        held_change
    from spell_edges
),

daily_change as (
    select
        change_date,
        {{ cell | join(', ') }},
        sum(held_change) as held_change
    from cell_days
    group by change_date, {{ cell | join(', ') }}
),

held_at_start as (
    select
        change_date as activity_date,
        {{ cell | join(', ') }},
        sum(held_change) over (
            partition by {{ cell | join(', ') }} order by change_date
            rows between unbounded preceding and current row
        ) as held_prospects_at_start
    from daily_change
),

held as (
    select
        *,
        lead(held_prospects_at_start) over (partition by {{ cell | join(', ') }} order by activity_date)
            as held_prospects_at_end
    from held_at_start
)

select
    h.activity_date,
    h.store_id,
    h.advisor_id,
    h.series_code,
    h.source_channel,
    h.held_prospects_at_start,
    h.held_prospects_at_end
from held as h
cross join bounds as b
where
    h.activity_date between b.first_day and b.last_day
    and (h.held_prospects_at_start > 0 or h.held_prospects_at_end > 0)
