-- After-sales service overview: one row per store and day, tickets opened and handled by type,
-- and the customer reviews (直评) of the store.
with service as (
    select
        activity_date,
        store_id,
        {%- for t in ['maintenance', 'rescue', 'complaint', 'suggestion', 'accident_estimate'] %}
        sum(case when ticket_type = '{{ t }}' then tickets_opened else 0 end) as {{ t }}_opened,
        sum(case when ticket_type = '{{ t }}' then tickets_handled else 0 end) as {{ t }}_handled,
        {%- endfor %}
        sum(tickets_opened) as tickets_opened
    from {{ ref('dws_service_daily') }}
    group by activity_date, store_id
),

reviews as (
    select
        reviewed_date as activity_date,
        store_id,
        count(*) as customer_reviews,
        sum(rating) as rating_points,
        sum(case when would_recommend then 1 else 0 end) as recommending_reviews,
        sum(case when would_recommend is not null then 1 else 0 end) as answered_recommend_reviews
    from {{ ref('dwd_fct_customer_review') }}
    group by reviewed_date, store_id
),

keys as (
    select
        activity_date,
        store_id
    from service
    union
    select
        activity_date,
        store_id
    from reviews
)

select
    k.activity_date,
    k.store_id,
    st.store_name,
    st.region_name,
    st.war_zone,
    {%- for t in ['maintenance', 'rescue', 'complaint', 'suggestion', 'accident_estimate'] %}
    {{ as_count('s.' ~ t ~ '_opened') }} as {{ t }}_opened,
    {{ as_count('s.' ~ t ~ '_handled') }} as {{ t }}_handled,
    {%- endfor %}
    {{ as_count('s.tickets_opened') }} as tickets_opened,
    {{ as_count('r.customer_reviews') }} as customer_reviews,
    {{ as_count('r.rating_points') }} as rating_points,
    {{ ratio('r.rating_points', 'r.customer_reviews') }} as avg_rating,
    {{ as_count('r.recommending_reviews') }} as recommending_reviews,
    {{ as_count('r.answered_recommend_reviews') }} as answered_recommend_reviews,
    {{ ratio('r.recommending_reviews', 'r.answered_recommend_reviews') }} as referral_rate
from keys as k
left join service as s on k.activity_date = s.activity_date and k.store_id = s.store_id
left join reviews as r on k.activity_date = r.activity_date and k.store_id = r.store_id
left join {{ ref('dwd_dim_store') }} as st on k.store_id = st.store_id
