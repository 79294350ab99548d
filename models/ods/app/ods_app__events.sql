-- APP events: one row per event; duplicates collapsed, times converted to Asia/Shanghai.
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy='delete+insert') }}

{%- set columns = ['event_id', 'member_id', 'session_id', 'event_type', 'section', 'series_code',
    'configurator_step', 'dwell_seconds', 'event_at', '_loaded_at'] %}

with landed as {{ inline_cte() }} (
    {{ parse_raw('raw_app__events') }}
),

cleaned as {{ inline_cte() }} (
    select
        event_id,
        member_id,
        session_id,
        {{ normalize_code('event_type', {
            'app_open': ['APP_OPEN'], 'article_read': ['ARTICLE_READ'], 'article_share': ['ARTICLE_SHARE'],
            'poster_read': ['POSTER_READ'], 'poster_share': ['POSTER_SHARE'],
            'model_page_click': ['MODEL_PAGE_CLICK'], 'configurator_step': ['CONFIGURATOR_STEP'],
            'post_create': ['POST_CREATE']}) }} as event_type,
        {{ normalize_code('section', {'circles': ['CIRCLES'], 'news': ['NEWS'], 'posts': ['POSTS']}) }}
            as section,
        series_code,
        configurator_step,
        dwell_seconds,
        event_at,
        _loaded_at
    from landed
    where _reject_reason is null and {{ landed_since_last_run() }}
),

candidates as {{ inline_cte() }} (
    {{ with_existing_rows('cleaned', 'event_id', columns) }}
)

{{ latest_landed('candidates', 'event_id', columns, raw_name='raw_app__events') }}
