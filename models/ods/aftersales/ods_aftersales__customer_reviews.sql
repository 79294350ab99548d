-- Customer reviews (直评): one row per review.
{{ config(materialized='incremental', unique_key='review_id', incremental_strategy='delete+insert') }}

{%- set columns = ['review_id', 'as_customer_id', 'store_id', 'rating', 'would_recommend', 'reviewed_at',
    '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        review_id,
        as_customer_id,
        store_id,
        rating,
        would_recommend,
        reviewed_at,
        _loaded_at
    from {{ ref('ods_aftersales__customer_reviews_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'review_id', columns) }}
)

{{ latest_landed('candidates', 'review_id', columns) }}
