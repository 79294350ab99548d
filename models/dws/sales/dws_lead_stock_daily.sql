-- Held prospects (保有潜客): one row per day x store x advisor x series x lead source with a lead in
-- status new or following at the start or at the end of the day. A stock: it adds up over stores
-- and advisors, never over days (take the first day's opening or the last day's closing count).
-- Computed as a running sum of the days on which held spells begin and end, so the work grows with
-- the number of spells and cells, not with the days each lead is held.
-- Incremental by day: a batch's lead versions (of the leads whose spells or row it changed: a version
-- sent again changes nothing) change the stock from the first midnight at or after the earliest of
-- them on, so a batch re-derives the days from the one before it, starting from the
-- stock the table already holds for that day. Without a batch window every day is re-derived.
{{ config(materialized='incremental', unique_key='activity_date', incremental_strategy='delete+insert') }}
-- depends_on: {{ ref('ods_crm__leads') }}
{%- set cell = funnel_cell() %}
{%- set from_carried = is_incremental() and batch_window() is not none %}

with bounds as (
    select
        min(created_date) as first_day,
        max(created_date) as last_day
    from {{ ref('dwd_fct_lead') }}
),

{%- if from_carried %}

since as (
    -- The first day whose start the batch may change: the first midnight at or after its earliest
    -- lead version, or the day after the last one the table holds (a new day has no row to carry).
    -- The day before it is re-derived too: its end is that day's start.
    select
        first_changed,
        cast({{ dbt.dateadd('day', -1, 'first_changed') }} as date) as first_rederived
    from (
        select
            least(
                {{ stock_first_changed_day() }},
                (select cast({{ dbt.dateadd('day', 1, 'max(t.activity_date)') }} as date) from {{ this }} as t)
            ) as first_changed
    ) as bound
),

carried as (
    -- The stock the table holds at the start of the day before the first changed one: unchanged.
    select
        {{ cell | join(', ') }},
        held_prospects_at_start as held_change
    from {{ this }}
    where activity_date = (select s.first_rederived from since as s)
),
{%- endif %}

held_spells as (
    -- in a batch, only the spells with an edge on or after the first changed day (an edge is the first
    -- midnight at or after a bound, and valid_to is never before valid_from): the carried stock holds
    -- the rest
    select
        s.valid_from,
        s.valid_to,
        l.store_id,
        coalesce(l.advisor_id, 'unknown') as advisor_id,
        coalesce(l.series_code, 'unknown') as series_code,
        coalesce(l.source_channel, 'unknown') as source_channel
    from {{ ref('dwd_fct_lead_status_spell') }} as s
    inner join {{ ref('dwd_fct_lead') }} as l on s.lead_id = l.lead_id
    where
        s.lead_status in ('new', 'following')
    {%- if from_carried %}
        and coalesce(s.valid_to, s.valid_from) >= (select cast(x.first_rederived as {{ dbt.type_timestamp() }}) from since as x)
    {%- endif %}
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

changes as (
    {%- if from_carried %}
    select
        change_date,
        {{ cell | join(', ') }},
        held_change
    from spell_edges
    where change_date >= (select s.first_changed from since as s)
    union all
    select
        (select s.first_rederived from since as s) as change_date,
        {{ cell | join(', ') }},
        held_change
    from carried
    {%- else %}
    select * from spell_edges
    {%- endif %}
),

cells as (
    select
        {{ cell | join(', ') }},
        min(change_date) as first_change_date
    from changes
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
    select * from changes
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
{%- if from_carried %}
    and h.activity_date >= (select s.first_rederived from since as s)
    {%- endif %}
