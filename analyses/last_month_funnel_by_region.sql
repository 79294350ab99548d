-- Last full month's sales funnel by sales region, as `make demo` prints it.
with last_month as (
    select max(month_start) as month_start
    from {{ ref('ads_sales_full_cycle_monthly') }}
)

select
    a.month_start,
    a.war_zone,
    a.region_name,
    sum(a.store_visits) as visits,
    sum(a.new_prospects) as new_leads,
    sum(a.cards_created) as cards,
    sum(a.test_drives) as test_drives,
    sum(a.new_orders) as orders,
    sum(a.deliveries) as deliveries,
    round({{ ratio('sum(a.test_driven_leads)', 'sum(a.visited_leads)') }}, 3) as test_drive_rate,
    round({{ ratio('sum(a.visited_ordered_leads)', 'sum(a.visited_leads)') }}, 3) as order_close_rate,
    sum(a.held_prospects_current) as held_prospects
from {{ ref('ads_sales_full_cycle_monthly') }} as a
inner join last_month as m on a.month_start = m.month_start
group by a.month_start, a.war_zone, a.region_name
order by a.war_zone, a.region_name
