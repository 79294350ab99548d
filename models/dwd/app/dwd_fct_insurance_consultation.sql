-- Insurance consultations (保险咨询): one row per consultation.
-- A view: cheap to compute from its inputs, which the micro-batch keeps current.
{{ config(materialized='view') }}
select
    consultation_id,
    member_id,
    topic,
    consulted_at,
    cast(consulted_at as date) as consulted_date,
    _loaded_at
from {{ ref('ods_app__insurance_consultations') }}
