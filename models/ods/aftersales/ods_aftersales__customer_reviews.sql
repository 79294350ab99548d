-- Customer reviews (直评): one row per review.
with landed as (
    {{ parse_raw('raw_aftersales__customer_reviews') }}
),

ranked as (
    select
        *,
        row_number() over (partition by review_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    review_id,
    as_customer_id,
    store_id,
    rating,
    would_recommend,
    reviewed_at,
    _loaded_at
from ranked
where _landing_rank = 1
