-- Lead versions: one row per lead and CDC version (valid_from .. valid_to), is_current marks the latest.
{{ config(materialized='incremental', unique_key='lead_id', incremental_strategy='delete+insert') }}

{%- set columns = ['lead_id', 'crm_customer_id', 'phone', 'source_channel', 'store_id', 'advisor_id',
    'series_code', 'lead_status', 'card_created_at', 'created_at', 'valid_from', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_crm__leads') }}
),

cleaned as (
    select
        lead_id,
        crm_customer_id,
        {{ normalize_phone('phone') }} as phone,
        {{ normalize_code('source_channel', {
            'app': ['APP'], 'web': ['WEB'], 'net_phone': ['NET_PHONE', '网电'], 'outreach': ['OUTREACH', '外拓'],
            'referral': ['REFERRAL'], 'walk_in': ['WALK_IN', 'WALK-IN', 'WALKIN'], 'auto_media': ['AUTO_MEDIA'],
            'event': ['EVENT']}) }} as source_channel,
        store_id,
        advisor_id,
        series_code,
        {{ normalize_code('lead_status', {
            'new': ['NEW'], 'following': ['FOLLOWING'], 'dormant': ['DORMANT'],
            'defeated': ['DEFEATED'], 'converted': ['CONVERTED']}) }} as lead_status,
        card_created_at,
        created_at,
        updated_at as valid_from,
        _loaded_at
    from landed
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as (
    {{ with_existing_rows('cleaned', 'lead_id', columns) }}
),

versions as (
    -- A re-sent version lands again later: keep one row per lead and version time.
    select
        *,
        row_number() over (partition by lead_id, valid_from order by _loaded_at desc) as _resend_rank
    from candidates
)

select
    {{ columns | join(',\n    ') }},
    lead(valid_from) over (partition by lead_id order by valid_from) as valid_to,
    row_number() over (partition by lead_id order by valid_from desc) = 1 as is_current
from versions
where _resend_rank = 1
