-- Vehicle models: one row per model, with its series.
with landed as (
    {{ parse_raw('raw_ref__vehicle_models') }}
)

select
    model_code,
    model_name,
    series_code,
    series_name,
    {{ normalize_code('powertrain', {'bev': ['BEV'], 'erev': ['EREV']}) }} as powertrain,
    msrp,
    launched_on
from landed
where _reject_reason is null
