-- Member versions: one row per member and CDC version (tier changes); is_current marks the latest.
{%- set columns = ['member_id', 'phone', 'member_tier', 'province_name', 'city_name', 'registered_at',
    'valid_from', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_app__members') }}
),

versions as (
    select
        member_id,
        {{ normalize_phone('phone') }} as phone,
        {{ normalize_code('member_tier', {
            'normal': ['NORMAL'], 'silver': ['SILVER'], 'gold': ['GOLD'], 'black': ['BLACK']}) }} as member_tier,
        province_name,
        city_name,
        registered_at,
        updated_at as valid_from,
        _loaded_at,
        row_number() over (partition by member_id, updated_at order by _loaded_at desc) as _resend_rank
    from landed
    where _reject_reason is null
)

select
    {{ columns | join(',\n    ') }},
    lead(valid_from) over (partition by member_id order by valid_from) as valid_to,
    row_number() over (partition by member_id order by valid_from desc) = 1 as is_current
from versions
where _resend_rank = 1
