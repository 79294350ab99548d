-- Stores: one row per store (direct-sales centre or partner dealer).
with landed as (
    {{ parse_raw('raw_ref__stores') }}
)

select
    store_id,
    store_name,
    {{ normalize_code('store_type', {'direct': ['DIRECT', '直营'], 'partner': ['PARTNER', '授权']}) }} as store_type,
    city_code,
    opened_on,
    closed_on
from landed
where _reject_reason is null
