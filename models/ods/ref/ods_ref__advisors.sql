-- Sales advisors: one row per advisor.
with landed as (
    {{ parse_raw('raw_ref__advisors') }}
)

select
    advisor_id,
    advisor_name,
    store_id,
    hired_on,
    left_on
from landed
where _reject_reason is null
