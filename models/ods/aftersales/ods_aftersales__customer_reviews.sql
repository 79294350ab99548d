-- Customer reviews (直评): one row per review.
{%- set columns = ['review_id', 'as_customer_id', 'store_id', 'rating', 'would_recommend', 'reviewed_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_aftersales__customer_reviews') }}
),

cleaned as (
    select *
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'review_id', columns) }}
