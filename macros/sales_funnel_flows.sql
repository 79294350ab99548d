{#- The sales full cycle's flows, declared once. Each counts rows of one fact on one of its dates
    where a condition holds: dws_sales_funnel_daily counts them by day and cell, and
    ads_sales_full_cycle_monthly sums them by month; the semantic model sales_funnel_daily declares
    one measure of the same name for each (tests/test_semantic_layer.py holds the three together).

    The facts are the funnel model's relations: visits, lead_outcomes (one row per lead, with what
    has become of it since), invitations, follow_ups, status_changes (lead status spells), test_drives,
    orders and deliveries. Flows on lead_outcomes and the new_orders_* ones count a cohort (the leads
    or orders created on the day, by what has become of them since): the rates divide them, and so
    stay within 0..1 at every grain. -#}
{% macro sales_funnel_flows() -%}
{{ return([
    {'name': 'store_visits', 'fact': 'visits', 'date': 'visited_date', 'where': none},
    {'name': 'purchase_visits', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_purpose = 'purchase'"},
    {'name': 'visits_first_visit_with_card', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'first_visit_with_card'"},
    {'name': 'visits_first_visit_without_card', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'first_visit_without_card'"},
    {'name': 'visits_non_purchase', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'non_purchase'"},
    {'name': 'visits_net_phone_invited', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'net_phone_invited'"},
    {'name': 'visits_outreach_invited', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'outreach_invited'"},
    {'name': 'visits_post_order', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'post_order'"},
    {'name': 'visits_return_visit', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'return_visit'"},
    {'name': 'visits_other', 'fact': 'visits', 'date': 'visited_date', 'where': "visit_category = 'other'"},
    {'name': 'new_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': none},
    {'name': 'timely_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': 'is_followed_up_in_sla'},
    {'name': 'duplicate_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': 'is_duplicate'},
    {'name': 'outreach_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': "source_channel = 'outreach'"},
    {'name': 'net_phone_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': "source_channel = 'net_phone'"},
    {'name': 'cards_created', 'fact': 'lead_outcomes', 'date': 'card_created_date', 'where': 'is_carded'},
    {'name': 'outreach_carded_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': "is_carded and source_channel = 'outreach'"},
    {'name': 'net_phone_carded_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': "is_carded and source_channel = 'net_phone'"},
    {'name': 'visited_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': 'is_visited'},
    {'name': 'test_driven_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': 'is_visited and is_test_driven'},
    {'name': 'ordered_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': 'is_ordered'},
    {'name': 'visited_ordered_leads', 'fact': 'lead_outcomes', 'date': 'created_date', 'where': 'is_visited and is_ordered'},
    {'name': 'net_phone_invitations', 'fact': 'invitations', 'date': 'invited_date', 'where': "invitation_type = 'net_phone'"},
    {'name': 'net_phone_invitation_arrivals', 'fact': 'invitations', 'date': 'invited_date', 'where': "invitation_type = 'net_phone' and is_arrived"},
    {'name': 'outreach_invitations', 'fact': 'invitations', 'date': 'invited_date', 'where': "invitation_type = 'outreach'"},
    {'name': 'outreach_invitation_arrivals', 'fact': 'invitations', 'date': 'invited_date', 'where': "invitation_type = 'outreach' and is_arrived"},
    {'name': 'follow_ups', 'fact': 'follow_ups', 'date': 'followed_up_date', 'where': none},
    {'name': 'dormant_leads', 'fact': 'status_changes', 'date': 'valid_from_date', 'where': "lead_status = 'dormant' and not is_reactivation"},
    {'name': 'defeated_leads', 'fact': 'status_changes', 'date': 'valid_from_date', 'where': "lead_status = 'defeated' and not is_reactivation"},
    {'name': 'reactivated_leads', 'fact': 'status_changes', 'date': 'valid_from_date', 'where': 'is_reactivation'},
    {'name': 'test_drives', 'fact': 'test_drives', 'date': 'drive_date', 'where': none},
    {'name': 'new_orders', 'fact': 'orders', 'date': 'created_date', 'where': none},
    {'name': 'first_orders', 'fact': 'orders', 'date': 'created_date', 'where': 'is_first_order'},
    {'name': 'converted_orders', 'fact': 'orders', 'date': 'created_date', 'where': 'lead_id is not null'},
    {'name': 'valid_orders', 'fact': 'orders', 'date': 'deposit_date', 'where': 'is_valid'},
    {'name': 'locked_orders', 'fact': 'orders', 'date': 'locked_date', 'where': 'locked_at is not null'},
    {'name': 'cancellations', 'fact': 'orders', 'date': 'cancelled_date', 'where': 'cancelled_at is not null'},
    {'name': 'new_orders_validated', 'fact': 'orders', 'date': 'created_date', 'where': 'is_valid'},
    {'name': 'new_orders_cancelled', 'fact': 'orders', 'date': 'created_date', 'where': 'cancelled_at is not null'},
    {'name': 'held_prospect_orders', 'fact': 'orders', 'date': 'created_date', 'where': 'is_from_held_prospect'},
    {'name': 'deliveries', 'fact': 'deliveries', 'date': 'delivered_date', 'where': none},
]) }}
{%- endmacro %}

{#- The cell every sales summary is counted in (the funnel, held prospects, the conversions): what
    the boards cut by, each the `store`, `advisor`, `series` and `channel` entity. -#}
{% macro funnel_cell() -%}
{{ return(['store_id', 'advisor_id', 'series_code', 'source_channel']) }}
{%- endmacro %}
