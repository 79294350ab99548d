-- Follow-ups: one row per follow-up; duplicates collapsed, the latest landed copy kept.
{{ config(materialized='incremental', unique_key='follow_up_id', incremental_strategy='delete+insert') }}

{%- set columns = ['follow_up_id', 'lead_id', 'advisor_id', 'follow_up_channel', 'follow_up_result',
    'followed_up_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_crm__follow_ups') }}
),

cleaned as (
    select
        follow_up_id,
        lead_id,
        advisor_id,
        {{ normalize_code('follow_up_channel', {
            'phone': ['PHONE'], 'wechat': ['WECHAT'], 'sms': ['SMS'], 'visit': ['VISIT']}) }} as follow_up_channel,
        follow_up_result,
        followed_up_at,
        _loaded_at
    from landed
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as (
    {{ with_existing_rows('cleaned', 'follow_up_id', columns) }}
)

{{ latest_landed('candidates', 'follow_up_id', columns) }}
