-- Lead status spells: one row per lead and uninterrupted stretch in one status (valid_from .. valid_to).
-- Consecutive CDC versions in the same status (e.g. a card created while following) are one spell.
-- Incremental by lead: a batch re-derives the spells of the leads it brings versions of.
{{ config(materialized='incremental', unique_key='lead_id', incremental_strategy='delete+insert',
    meta={'unchanged_rows_keep_landing_time': 'lead_status_spell_id'}) }}

with versions as (
    select
        lead_id,
        lead_status,
        valid_from,
        max(_loaded_at) over (partition by lead_id) as _loaded_at,
        lag(lead_status) over (partition by lead_id order by valid_from) as previous_status
    from {{ ref('ods_crm__leads') }}
    where {{ keys_touched_by_batch('lead_id', ref('ods_crm__leads')) }}
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
    lead_status = 'following' and previous_status = 'dormant' as is_reactivation,
    _loaded_at
from changes
