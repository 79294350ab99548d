-- Follow-ups: one row per advisor follow-up on a lead.
{{ config(materialized='incremental', unique_key='follow_up_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'follow_up_id'}) }}

select
    follow_up_id,
    lead_id,
    advisor_id,
    follow_up_channel,
    follow_up_result,
    followed_up_at,
    cast(followed_up_at as date) as followed_up_date,
    _loaded_at
from {{ ref('ods_crm__follow_ups') }}
where {{ landed_since_last_run() }}
