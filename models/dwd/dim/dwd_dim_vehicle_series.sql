-- Vehicle series (车系): one row per series, and one row for the facts without a series (a walk-in
-- visit that created no lead): 未知车系 (unknown).
select
    series_code,
    min(series_name) as series_name,
    count(*) as model_count,
    min(msrp) as entry_msrp,
    min(launched_on) as launched_on
from {{ ref('ods_ref__vehicle_models') }}
group by series_code
union all
select
    {{ unknown_member_key() }} as series_code,
    '未知车系 (unknown)' as series_name,
    0 as model_count,
    null as entry_msrp,
    cast(null as date) as launched_on
