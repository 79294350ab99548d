-- Insurance consultations (保险咨询): one row per consultation.
select
    consultation_id,
    member_id,
    topic,
    consulted_at,
    cast(consulted_at as date) as consulted_date
from {{ ref('ods_app__insurance_consultations') }}
