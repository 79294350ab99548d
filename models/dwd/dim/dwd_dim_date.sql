-- Calendar: one row per day from 2023 through 2027, with the periods indicators are cut by.
with days as (
    {{ dbt.date_spine('day', "cast('2023-01-01' as date)", "cast('2028-01-01' as date)") }}
)

select
    cast(date_day as date) as date_day,
    cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
    cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
    cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start,
    {{ date_part_int('isodow', 'date_day') }} as iso_weekday,
    {{ date_part_int('isodow', 'date_day') }} >= 6 as is_weekend
from days
