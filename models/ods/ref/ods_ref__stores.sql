-- Stores: one row per store (direct-sales centre or partner dealer).
select
    store_id,
    store_name,
    store_type,
    city_code,
    opened_on,
    closed_on
from {{ ref('ods_ref__stores_parsed') }}
where _reject_reason is null
