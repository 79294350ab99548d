-- Member versions: one row per member and CDC version (tier changes); is_current marks the latest.
{{ config(materialized='incremental', unique_key='member_id', incremental_strategy='delete+insert') }}

{%- set columns = ['member_id', 'phone', 'member_tier', 'province_name', 'city_name', 'registered_at',
    'valid_from', '_loaded_at',
    '_source_file', '_source_row'] %}

with batch as {{ inline_cte() }} (
    select
        member_id,
        phone,
        member_tier,
        province_name,
        city_name,
        registered_at,
        updated_at as valid_from,
        _loaded_at,
        _source_file,
        _source_row
    from {{ ref('ods_app__members_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'member_id', columns) }}
)

{{ cdc_versions('candidates', 'member_id', columns) }}
