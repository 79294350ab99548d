-- Sales advisors: one row per advisor.
select
    advisor_id,
    advisor_name,
    store_id,
    hired_on,
    left_on
from {{ ref('ods_ref__advisors_parsed') }}
where _reject_reason is null
