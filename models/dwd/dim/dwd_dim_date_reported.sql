-- The calendar up to the newest business day with data: MetricFlow's time spine. A metric offset
-- by a month or a year, or filled with zeros, then stops at the data's end instead of running on
-- through the calendar's empty future. A view: it moves with every batch at no cost.
{{ config(materialized='view') }}

select d.date_day
from {{ ref('dwd_dim_date') }} as d
where d.date_day <= (
        select max(n.newest_day)
        from (
            select max(created_date) as newest_day from {{ ref('dwd_fct_lead') }}
            union all
            select max(visited_date) as newest_day from {{ ref('dwd_fct_store_visit') }}
            union all
            select max(created_date) as newest_day from {{ ref('dwd_fct_vehicle_order') }}
        ) as n
    )
