-- Insurance consultations (保险咨询): one row per consultation.
with landed as (
    {{ parse_raw('raw_app__insurance_consultations') }}
),

ranked as (
    select
        consultation_id,
        member_id,
        {{ normalize_code('topic', {'new_policy': ['NEW_POLICY'], 'renewal': ['RENEWAL'], 'claim': ['CLAIM']}) }}
            as topic,
        consulted_at,
        _loaded_at,
        row_number() over (partition by consultation_id order by _loaded_at desc) as _landing_rank
    from landed
    where _reject_reason is null
)

select
    consultation_id,
    member_id,
    topic,
    consulted_at,
    _loaded_at
from ranked
where _landing_rank = 1
