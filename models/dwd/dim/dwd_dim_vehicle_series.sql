-- Vehicle series (车系): one row per series.
select
    series_code,
    min(series_name) as series_name,
    count(*) as model_count,
    min(msrp) as entry_msrp,
    min(launched_on) as launched_on
from {{ ref('ods_ref__vehicle_models') }}
group by series_code
