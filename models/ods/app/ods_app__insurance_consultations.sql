-- Insurance consultations (保险咨询): one row per consultation.
{%- set columns = ['consultation_id', 'member_id', 'topic', 'consulted_at', '_loaded_at'] %}

with landed as (
    {{ parse_raw('raw_app__insurance_consultations') }}
),

cleaned as (
    select
        consultation_id,
        member_id,
        {{ normalize_code('topic', {'new_policy': ['NEW_POLICY'], 'renewal': ['RENEWAL'], 'claim': ['CLAIM']}) }}
            as topic,
        consulted_at,
        _loaded_at
    from landed
    where _reject_reason is null
)

{{ latest_landed('cleaned', 'consultation_id', columns) }}
