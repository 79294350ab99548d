-- Vehicle models: one row per model, with its series.
select
    model_code,
    model_name,
    series_code,
    series_name,
    powertrain,
    msrp,
    launched_on
from {{ ref('ods_ref__vehicle_models_parsed') }}
where _reject_reason is null
