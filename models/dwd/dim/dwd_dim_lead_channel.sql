-- Lead sources (线索渠道): one row per canonical code the landing contract accepts for a lead's
-- source_channel (contract/tables.py, raw_crm__leads), and one row for the facts without a lead
-- (a walk-in visit that created none) or whose source sent a code the contract does not know yet
-- (quarantined at ODS): 未知渠道 (unknown). A code the contract gains appears here
-- on the next build, named by its code until it is given a name below.
{%- set source_channel = raw_contract()['raw_crm__leads']['columns']
    | selectattr('name', 'equalto', 'source_channel') | first %}
{%- set names = {
    'app': 'APP',
    'web': '官网 Web',
    'net_phone': '网电 Net phone',
    'outreach': '外拓 Outreach',
    'referral': '转介绍 Referral',
    'walk_in': '自然进店 Walk-in',
    'auto_media': '垂媒 Auto media',
    'event': '活动 Event',
} %}
{% for code in source_channel['codes'] | sort %}
select
    '{{ code }}' as channel_code,
    '{{ names.get(code, code | upper) }}' as channel_name
union all
{% endfor %}
select
    {{ unknown_member_key() }} as channel_code,
    '未知渠道 (unknown)' as channel_name
