-- Member versions: one row per member and CDC version (tier changes); is_current marks the latest.
{%- set columns = ['member_id', 'phone', 'member_tier', 'province_name', 'city_name', 'registered_at',
    'valid_from', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_app__members') }}
),

cleaned as (
    select
        member_id,
        {{ normalize_phone('phone') }} as phone,
        {{ normalize_code('member_tier', {
            'normal': ['NORMAL'], 'silver': ['SILVER'], 'gold': ['GOLD'], 'black': ['BLACK']}) }} as member_tier,
        province_name,
        city_name,
        registered_at,
        updated_at as valid_from,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ cdc_versions('cleaned', 'member_id', columns) }}
