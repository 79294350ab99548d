-- Customer reviews (直评): one row per review of a store.
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    r.review_id,
    i.one_id,
    r.store_id,
    r.rating,
    r.would_recommend,
    r.reviewed_at,
    cast(r.reviewed_at as date) as reviewed_date,
    greatest(r._loaded_at, coalesce(i._loaded_at, r._loaded_at)) as _loaded_at
from {{ ref('ods_aftersales__customer_reviews') }} as r
left join {{ ref('dwd_dim_customer_identity') }} as i
    on i.source_system = 'aftersales' and r.as_customer_id = i.source_customer_id
