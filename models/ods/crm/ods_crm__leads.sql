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
)

{{ cdc_versions('candidates', 'lead_id', columns) }}
