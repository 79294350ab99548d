-- Production milestones: one row per order and milestone (scheduled, built, shipped, delivered).
{{ config(materialized='incremental', unique_key='order_id', incremental_strategy='delete+insert') }}

{%- set columns = ['order_id', 'vin', 'milestone', 'milestone_at', '_loaded_at'] %}

with batch as {{ inline_cte() }} (
    select
        order_id,
        vin,
        milestone,
        milestone_at,
        _loaded_at
    from {{ ref('ods_oms__production_milestones_parsed') }}
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('batch', 'order_id', columns) }}
)

{{ latest_landed('candidates', 'order_id, milestone', columns) }}
