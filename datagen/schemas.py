"""The raw landing contract: every raw table, its columns, their logical type and whether required.

Raw tables land as text (as a landing zone receives them); the ODS layer parses each column to
the logical type declared here. `python -m datagen --write-contract` writes it into the dbt
project (seed properties and macros/raw_contract.sql), so the two can never disagree.

Logical types: text, int, decimal, timestamp, date, bool.
`key` lists the business key; `cdc` tables send several versions of a row (latest wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class RawTable:
    system: str
    entity: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    cdc: bool = False
    large: bool = False  # partitioned by day as Parquet at scale
    event_time: str | None = None  # the column that dates a row for daily partitions
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"raw_{self.system}__{self.entity}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def C(name: str, type_: str, required: bool, description: str) -> Column:
    return Column(name, type_, required, description)


LOADED_AT = C("_loaded_at", "timestamp", True, "When the row landed in the warehouse (UTC, ISO-8601 with Z).")
CDC_OP = C("_cdc_op", "text", True, "Change type sent by the source: I (insert) or U (update).")

SYSTEMS = {
    "ref": "Reference data (master data service and manual imports)",
    "oms": "Order management system (direct sales)",
    "crm": "CRM customer steward (客户管家)",
    "showroom": "Smart showroom (智慧展厅) visitor recognition",
    "app": "Owner APP and community",
    "aftersales": "New after-sales system (新售后系统)",
    "market": "Market registrations, manual import (手工导入)",
}

TABLES: tuple[RawTable, ...] = (
    # ---------------------------------------------------------------- reference
    RawTable("ref", "cities", "Cities with province, city tier and the sales region that covers them.",
             ("city_code",), (
                 C("city_code", "text", True, "City code."),
                 C("city_name", "text", True, "City name (Chinese)."),
                 C("province_name", "text", True, "Province name (Chinese)."),
                 C("city_tier", "int", False, "City tier 1-4."),
                 C("region_code", "text", True, "Sales region code."),
                 C("region_name", "text", True, "Sales region name."),
                 C("war_zone", "text", True, "War zone (战区) the region belongs to."),
             )),
    RawTable("ref", "stores", "Stores: direct-sales centres and partner dealers.", ("store_id",), (
        C("store_id", "text", True, "Store id."),
        C("store_name", "text", True, "Store name."),
        C("store_type", "text", True, "direct (直营) or partner (授权)."),
        C("city_code", "text", True, "City of the store."),
        C("opened_on", "date", True, "Opening date."),
        C("closed_on", "date", False, "Closing date, if closed."),
    )),
    RawTable("ref", "advisors", "Sales advisors (销售顾问) and their store.", ("advisor_id",), (
        C("advisor_id", "text", True, "Advisor id."),
        C("advisor_name", "text", True, "Advisor display name."),
        C("store_id", "text", True, "Home store."),
        C("hired_on", "date", True, "Hire date."),
        C("left_on", "date", False, "Leave date, if left."),
    )),
    RawTable("ref", "vehicle_models", "Vehicle models and the series (车系) they belong to.", ("model_code",), (
        C("model_code", "text", True, "Model code."),
        C("model_name", "text", True, "Model name."),
        C("series_code", "text", True, "Series code."),
        C("series_name", "text", True, "Series name."),
        C("powertrain", "text", True, "BEV or EREV."),
        C("msrp", "decimal", True, "List price, CNY."),
        C("launched_on", "date", True, "Launch date."),
    )),
    # ---------------------------------------------------------------- order system
    RawTable("oms", "vehicle_orders", "Vehicle orders, one row per CDC version: every stage change re-sends the order.",
             ("order_id",), (
                 C("order_id", "text", True, "Order id."),
                 C("oms_customer_id", "text", True, "Customer id in the order system."),
                 C("buyer_phone", "text", False, "Buyer phone as typed (mixed formats)."),
                 C("crm_lead_id", "text", False, "CRM lead the order came from, when the advisor linked it."),
                 C("store_id", "text", True, "Selling store."),
                 C("advisor_id", "text", False, "Selling advisor."),
                 C("model_code", "text", True, "Ordered model."),
                 C("order_status", "text", True, "Status code: INTENT (小订), DEPOSIT (大定), LOCKED (锁单), CANCELLED (退订), DELIVERED."),
                 C("intent_fee", "decimal", False, "Refundable intent fee, CNY."),
                 C("deposit_amount", "decimal", False, "Firm deposit, CNY."),
                 C("vehicle_price", "decimal", True, "Transaction price, CNY."),
                 C("created_at", "timestamp", True, "Order creation (UTC, Z)."),
                 C("updated_at", "timestamp", True, "Time of this version (UTC, Z)."),
                 CDC_OP, LOADED_AT,
             ), cdc=True, event_time="updated_at"),
    RawTable("oms", "merchandise_orders", "Merchandise (精品/周边) orders from the APP mall.", ("merch_order_id",), (
        C("merch_order_id", "text", True, "Merchandise order id."),
        C("member_id", "text", True, "APP member who ordered."),
        C("sku_category", "text", True, "charging, accessory, lifestyle."),
        C("amount", "decimal", True, "Paid amount, CNY."),
        C("order_status", "text", True, "paid, refunded."),
        C("ordered_at", "timestamp", True, "Order time (UTC, Z)."),
        LOADED_AT,
    ), event_time="ordered_at"),
    RawTable("oms", "deliveries", "Vehicle handovers (交车).", ("delivery_id",), (
        C("delivery_id", "text", True, "Delivery id."),
        C("order_id", "text", True, "Delivered order."),
        C("vin", "text", True, "Vehicle identification number."),
        C("store_id", "text", True, "Delivering store."),
        C("delivered_at", "timestamp", True, "Handover time (UTC, Z)."),
        LOADED_AT,
    ), event_time="delivered_at"),
    RawTable("oms", "production_milestones", "Vehicle production milestones per order.", ("order_id", "milestone"), (
        C("order_id", "text", True, "Order the vehicle is built for."),
        C("vin", "text", False, "VIN, assigned once built."),
        C("milestone", "text", True, "scheduled, built, shipped, delivered."),
        C("milestone_at", "timestamp", True, "When reached (UTC, Z)."),
        LOADED_AT,
    ), event_time="milestone_at"),
    RawTable("oms", "sales_targets", "Monthly sales targets (deliveries) per store and series.",
             ("target_month", "store_id", "series_code"), (
                 C("target_month", "date", True, "First day of the month."),
                 C("store_id", "text", True, "Store."),
                 C("series_code", "text", True, "Series."),
                 C("target_units", "int", True, "Target deliveries."),
             )),
    # ---------------------------------------------------------------- CRM
    RawTable("crm", "leads", "Leads / prospects (潜客), one row per CDC version: every status change re-sends the lead.",
             ("lead_id",), (
                 C("lead_id", "text", True, "Lead id."),
                 C("crm_customer_id", "text", True, "Customer id in the CRM."),
                 C("phone", "text", False, "Prospect phone as typed (mixed formats)."),
                 C("source_channel", "text", True, "Source code: APP, WEB, NET_PHONE (网电), OUTREACH (外拓), REFERRAL, WALK_IN, AUTO_MEDIA, EVENT."),
                 C("store_id", "text", True, "Store the lead is assigned to."),
                 C("advisor_id", "text", False, "Assigned advisor."),
                 C("series_code", "text", False, "Series of interest."),
                 C("lead_status", "text", True, "NEW, FOLLOWING, DORMANT (休眠), DEFEATED (战败), CONVERTED."),
                 C("card_created_at", "timestamp", False, "When the customer card was created (建卡), local time."),
                 C("created_at", "timestamp", True, "Lead creation, local time (Asia/Shanghai)."),
                 C("updated_at", "timestamp", True, "Time of this version, local time."),
                 CDC_OP, LOADED_AT,
             ), cdc=True, large=True, event_time="updated_at"),
    RawTable("crm", "follow_ups", "Advisor follow-up records on leads.", ("follow_up_id",), (
        C("follow_up_id", "text", True, "Follow-up id."),
        C("lead_id", "text", True, "Lead followed up."),
        C("advisor_id", "text", False, "Advisor."),
        C("follow_up_channel", "text", True, "phone, wechat, sms, visit."),
        C("follow_up_result", "text", False, "Free-text outcome code."),
        C("followed_up_at", "timestamp", True, "Local time."),
        LOADED_AT,
    ), large=True, event_time="followed_up_at"),
    RawTable("crm", "invitations", "Store-visit invitations: online/phone (网电) and outreach (外拓).", ("invitation_id",), (
        C("invitation_id", "text", True, "Invitation id."),
        C("lead_id", "text", True, "Invited lead."),
        C("advisor_id", "text", False, "Inviting advisor."),
        C("store_id", "text", True, "Store the lead is invited to."),
        C("invitation_type", "text", True, "NET_PHONE or OUTREACH."),
        C("invited_at", "timestamp", True, "Local time."),
        C("appointment_date", "date", False, "Date the visit is booked for."),
        LOADED_AT,
    ), event_time="invited_at"),
    RawTable("crm", "test_drives", "Test drives (试乘试驾).", ("test_drive_id",), (
        C("test_drive_id", "text", True, "Test drive id."),
        C("lead_id", "text", True, "Lead who drove."),
        C("store_id", "text", True, "Store."),
        C("advisor_id", "text", False, "Accompanying advisor."),
        C("model_code", "text", True, "Model driven."),
        C("drive_started_at", "timestamp", True, "Local time."),
        C("duration_minutes", "int", False, "Duration."),
        LOADED_AT,
    ), event_time="drive_started_at"),
    # ---------------------------------------------------------------- smart showroom
    RawTable("showroom", "store_visits", "Store visits (到店客流) recognised by the smart showroom.", ("visit_id",), (
        C("visit_id", "text", True, "Visit id."),
        C("store_id", "text", True, "Store."),
        C("crm_lead_id", "text", False, "Lead recognised at the door, when known."),
        C("visitor_phone", "text", False, "Phone left at reception (mixed formats)."),
        C("visit_purpose", "text", True, "01 purchase, 02 after-sales, 03 other."),
        C("is_first_visit", "bool", True, "First visit of this visitor (Y/N)."),
        C("card_created", "bool", False, "A customer card was created during the visit (Y/N)."),
        C("invitation_type", "text", False, "NET_PHONE or OUTREACH when the visit was invited."),
        C("party_size", "int", False, "People in the party."),
        C("visited_at", "timestamp", True, "Arrival, local time; some devices send UTC (Z)."),
        LOADED_AT,
    ), large=True, event_time="visited_at"),
    # ---------------------------------------------------------------- APP and community
    RawTable("app", "members", "APP members (会员), one row per CDC version (tier changes).", ("member_id",), (
        C("member_id", "text", True, "Member id."),
        C("phone", "text", False, "Registered phone (mixed formats)."),
        C("member_tier", "text", True, "normal, silver, gold, black."),
        C("province_name", "text", False, "Province from the profile."),
        C("city_name", "text", False, "City from the profile."),
        C("registered_at", "timestamp", True, "Registration, ISO-8601 with offset."),
        C("updated_at", "timestamp", True, "Time of this version, ISO-8601 with offset."),
        CDC_OP, LOADED_AT,
    ), cdc=True, event_time="updated_at"),
    RawTable("app", "events", "APP behaviour events.", ("event_id",), (
        C("event_id", "text", True, "Event id."),
        C("member_id", "text", True, "Member."),
        C("session_id", "text", True, "App session."),
        C("event_type", "text", True, "app_open, article_read, article_share, poster_read, poster_share, model_page_click, configurator_step, post_create."),
        C("section", "text", False, "Community section: circles (圈子), news (资讯), posts (发帖)."),
        C("series_code", "text", False, "Series of a model page or configurator."),
        C("configurator_step", "int", False, "Configurator step reached (1-6)."),
        C("dwell_seconds", "int", False, "Time on the screen."),
        C("event_at", "timestamp", True, "ISO-8601 with offset (+08:00 or Z)."),
        LOADED_AT,
    ), large=True, event_time="event_at"),
    RawTable("app", "referrals", "Referral purchases (推荐购车): an owner recommends a friend.", ("referral_id",), (
        C("referral_id", "text", True, "Referral id."),
        C("referrer_member_id", "text", True, "Recommending member."),
        C("referee_phone", "text", False, "Friend's phone (mixed formats)."),
        C("crm_lead_id", "text", False, "Lead created for the friend."),
        C("referred_at", "timestamp", True, "ISO-8601 with offset."),
        LOADED_AT,
    ), event_time="referred_at"),
    RawTable("app", "trade_in_gifts", "Trade-in gift claims (置换有礼).", ("claim_id",), (
        C("claim_id", "text", True, "Claim id."),
        C("member_id", "text", True, "Member."),
        C("old_vehicle_brand", "text", False, "Brand of the car traded in."),
        C("claimed_at", "timestamp", True, "ISO-8601 with offset."),
        LOADED_AT,
    ), event_time="claimed_at"),
    RawTable("app", "insurance_consultations", "Insurance consultations (保险咨询).", ("consultation_id",), (
        C("consultation_id", "text", True, "Consultation id."),
        C("member_id", "text", True, "Member."),
        C("topic", "text", False, "new_policy, renewal, claim."),
        C("consulted_at", "timestamp", True, "ISO-8601 with offset."),
        LOADED_AT,
    ), event_time="consulted_at"),
    # ---------------------------------------------------------------- after-sales
    RawTable("aftersales", "service_tickets",
             "After-sales tickets: maintenance appointments, emergency rescues, complaints, suggestions, accident estimates.",
             ("ticket_id",), (
                 C("ticket_id", "text", True, "Ticket id."),
                 C("as_customer_id", "text", True, "Customer id in the after-sales system."),
                 C("owner_phone", "text", False, "Owner phone (mixed formats)."),
                 C("vin", "text", False, "Vehicle."),
                 C("store_id", "text", True, "Service store."),
                 C("ticket_type", "text", True, "MAINT, RESCUE, COMPLAINT, SUGGESTION, ACCIDENT_EST."),
                 C("ticket_status", "text", True, "OPEN, HANDLED, CLOSED."),
                 C("created_at", "timestamp", True, "Local time."),
                 C("handled_at", "timestamp", False, "Local time, when handled."),
                 LOADED_AT,
             ), event_time="created_at"),
    RawTable("aftersales", "customer_reviews", "Customer reviews (直评) after a delivery or a service.", ("review_id",), (
        C("review_id", "text", True, "Review id."),
        C("as_customer_id", "text", True, "Customer id in the after-sales system."),
        C("store_id", "text", True, "Reviewed store."),
        C("rating", "int", True, "1-5 stars."),
        C("would_recommend", "bool", False, "Would recommend the brand to a friend (Y/N)."),
        C("reviewed_at", "timestamp", True, "Local time."),
        LOADED_AT,
    ), event_time="reviewed_at"),
    # ---------------------------------------------------------------- market
    RawTable("market", "registrations", "Monthly new-vehicle registrations by city, brand and series (manual import).",
             ("registration_month", "city_code", "brand", "series_name"), (
                 C("registration_month", "date", True, "First day of the month."),
                 C("city_code", "text", True, "City."),
                 C("brand", "text", True, "Brand."),
                 C("series_name", "text", True, "Series."),
                 C("is_own_brand", "bool", True, "Our brand (Y/N)."),
                 C("registrations", "int", True, "New registrations."),
             )),
)

BY_NAME = {t.name: t for t in TABLES}
