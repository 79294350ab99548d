-- Lead status spells: one row per lead and uninterrupted stretch in one status (valid_from .. valid_to).
-- Consecutive CDC versions in the same status (e.g. a card created while following) are one spell.
with versions as (
    select
        lead_id,
        lead_status,
        valid_from,
        lag(lead_status) over (partition by lead_id order by valid_from) as previous_status
    from {{ ref('ods_crm__leads') }}
),

changes as (
    select *
    from versions
    where previous_status is null or previous_status <> lead_status
)

select
    {{ surrogate_key(['lead_id', 'valid_from']) }} as lead_status_spell_id,
    lead_id,
    lead_status,
    previous_status,
    valid_from,
    lead(valid_from) over (partition by lead_id order by valid_from) as valid_to,
    cast(valid_from as date) as valid_from_date,
    lead_status = 'following' and previous_status = 'dormant' as is_reactivation
from changes
