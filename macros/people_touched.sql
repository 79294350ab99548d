{#- People a batch touches. Most facts of a person depend on each other through OneID (a lead's
    duplicate flag on the person's other leads, an order's lead on the person's leads, a visit's
    category on the person's orders), so an incremental DWD model re-derives every fact of each
    person the batch touches: whose identity it re-derived (dwd_dim_customer_identity), under the
    OneID they have now and the one they had before (_previous_one_id). The models above DWD re-derive
    every day a fact of such a person is counted on (macros/days_touched.sql). -#}

{#- The OneIDs of the people whose identity this batch re-derived, before and after. -#}
{% macro people_touched() -%}
    select i.one_id
    from {{ ref('dwd_dim_customer_identity') }} as i
    where {{ landed_since_last_run('i._loaded_at') }}
    union
    {{ people_moved_from() }}
{%- endmacro %}

{#- The OneIDs the identities this batch re-derived had before, where they changed. -#}
{% macro people_moved_from() -%}
    select i._previous_one_id as one_id
    from {{ ref('dwd_dim_customer_identity') }} as i
    where i._previous_one_id is not null and {{ landed_since_last_run('i._loaded_at') }}
{%- endmacro %}


{#- The newest landing of each person's identities (people in the relation's one_id column only):
    a fact carries it, as its person is part of what it depends on. -#}
{% macro person_landings(people) -%}
    select
        p.one_id,
        max(i._loaded_at) as person_loaded_at
    from {{ ref('dwd_dim_customer_identity') }} as i
    inner join (select distinct one_id from {{ people }}) as p
        on i.one_id = p.one_id
    group by p.one_id
{%- endmacro %}


{#- The OneIDs this batch merged into another, which have no identity left: a person-keyed model
    deletes their rows (meta deletes_merged_people, macros/incremental.sql), as delete+insert deletes
    only the keys it writes and such a OneID writes none. -#}
{% macro people_merged_away() -%}
    select m.one_id
    from ({{ people_moved_from() }}) as m
    where m.one_id not in (select i.one_id from {{ ref('dwd_dim_customer_identity') }} as i)
{%- endmacro %}
