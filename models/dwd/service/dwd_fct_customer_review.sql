-- Customer reviews (直评): one row per review of a store.
select
    r.review_id,
    i.one_id,
    r.store_id,
    r.rating,
    r.would_recommend,
    r.reviewed_at,
    cast(r.reviewed_at as date) as reviewed_date
from {{ ref('ods_aftersales__customer_reviews') }} as r
left join {{ ref('dwd_dim_customer_identity') }} as i
    on i.source_system = 'aftersales' and r.as_customer_id = i.source_customer_id
