"""The landing contract: every raw table the sources send, column by column.

For each column: its logical type, whether the source must send it, and the values it may take.
ODS parses every raw column by this contract (macros/raw_contract.sql is generated from it); the
seeds' properties, the landing source and the Great Expectations suites are generated from it too.

Logical types: text, code (one of a code set), phone (a mainland mobile number as typed), int,
decimal, timestamp, date, bool.

What happens to a value the contract does not admit (it cannot be parsed, it is not one of the
column's codes' spellings, or it lies outside the column's bounds):
- a required column: the whole row is rejected, with the column and the reason
  (ods_quality__rejected_rows);
- an optional column: the row is kept with that value null, and the value and the reason are
  recorded (ods_quality__quarantined_values).
A code outside the code set is the exception: it is kept as 'unknown' and counted, because a
source adds codes before it documents them.

Rules across tables, checked where the row enters ODS, with the same outcome (a required column
rejects the row, an optional one is quarantined):
- `references`: the column names a row of another table by its key. A reference table (sent whole)
  must know the key: a visit at a store that raw_ref__stores does not list is refused. A landed
  table may send the parent later (a follow-up before its lead, within var late_arrival_days), so
  only a parent that was itself rejected, and has no accepted version, refuses its children: the
  APP events of a member whose registration was rejected go with it, under their own reason.
- `follows`: the time may not be before a time of the row's parent (a handover before its order
  was created).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """A bound taken from another column of the same row (a time), shifted by days and minutes."""

    column: str
    days: int = 0
    minutes: int = 0


Bound = float | int | str | Ref | None  # a number, a date 'YYYY-MM-DD', or another column


@dataclass(frozen=True)
class Parent:
    """A time of the row's parent: `column` of the row that the column `via` (which `references` the
    parent table) names."""

    via: str
    column: str


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str
    codes: dict[str, tuple[str, ...]] | None = None  # code: canonical -> accepted spellings (case, blanks ignored)
    min: Bound = None
    max: Bound = None
    references: str | None = None  # the raw table whose (one-column) key this column holds
    follows: Parent | None = None  # a time that may not be before its parent's


@dataclass(frozen=True)
class RawTable:
    system: str
    entity: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    cdc: bool = False  # several versions of a row (by the source's updated_at): every one is kept
    large: bool = False  # real-time volumes, validated one landing day at a time
    event_time: str | None = None  # the column that dates a row
    # A row is never edited: a copy landed again is the same row, so each key keeps its event_time
    # (ODS looks for a key's earlier copies only within the batch's range of it: macros/incremental.sql).
    immutable: bool = False
    # Landed tables: a new batch is expected at least this often (the landing SLA). The real-time
    # sources send all day; others send when something happens, which at a small maker's volumes
    # can be days apart.
    landing_hours: int | None = None

    @property
    def name(self) -> str:
        return f"raw_{self.system}__{self.entity}"

    @property
    def key_dated_by(self) -> str | None:
        """The column every copy of a key carries unchanged: an immutable row's event time."""
        return self.event_time if self.immutable else None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def landed(self) -> bool:
        """The table records when each row landed (_loaded_at): it arrives in daily batches."""
        return LOADED_AT.name in self.column_names

    def bounds(self, column: Column) -> tuple[Bound, Bound]:
        """A column's effective bounds: times are never before EARLIEST nor after the row landed
        (reference data, which has no landing time: nor after LATEST)."""
        low, high = column.min, column.max
        if column.type in ("timestamp", "date") and column.name != LOADED_AT.name:
            low = EARLIEST if low is None else low
            high = (
                (Ref(LOADED_AT.name, minutes=CLOCK_SKEW_MINUTES) if self.landed else LATEST) if high is None else high
            )
        return low, high


def C(name: str, type_: str, required: bool, description: str, **rules) -> Column:
    return Column(name, type_, required, description, **rules)


def codes(**canonical: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """A code set: each canonical code with the spellings the sources send for it."""
    return {
        code: (spellings,) if isinstance(spellings, str) else tuple(spellings) for code, spellings in canonical.items()
    }


# No business event predates the company; reference dates are never after this.
EARLIEST = "2000-01-01"
LATEST = "2099-12-31"
# A source's clock may run this far ahead of the landing zone's.
CLOCK_SKEW_MINUTES = 10
# The share of a landing day's rows that may be rejected (or of a column's values quarantined)
# before the quality gate stops the batch; a day with no more than MIN_BAD_ROWS such rows passes
# whatever its share (one bad row of a handful is not a broken source).
MAX_REJECT_SHARE = 0.05
MAX_QUARANTINE_SHARE = 0.2
MIN_BAD_ROWS = 3

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

INVITATION_TYPES = codes(net_phone="NET_PHONE", outreach="OUTREACH")

TABLES: tuple[RawTable, ...] = (
    # ---------------------------------------------------------------- reference
    RawTable(
        "ref",
        "cities",
        "Cities with province, city tier and the sales region that covers them.",
        ("city_code",),
        (
            C("city_code", "text", True, "City code."),
            C("city_name", "text", True, "City name (Chinese)."),
            C("province_name", "text", True, "Province name (Chinese)."),
            C("city_tier", "int", False, "City tier 1-4.", min=1, max=4),
            C("region_code", "text", True, "Sales region code."),
            C("region_name", "text", True, "Sales region name."),
            C("war_zone", "text", True, "War zone (战区) the region belongs to."),
        ),
    ),
    RawTable(
        "ref",
        "stores",
        "Stores: direct-sales centres and partner dealers.",
        ("store_id",),
        (
            C("store_id", "text", True, "Store id."),
            C("store_name", "text", True, "Store name."),
            C(
                "store_type",
                "code",
                True,
                "direct (直营) or partner (授权).",
                codes=codes(direct=("DIRECT", "直营"), partner=("PARTNER", "授权")),
            ),
            C("city_code", "text", True, "City of the store.", references="raw_ref__cities"),
            C("opened_on", "date", True, "Opening date."),
            C("closed_on", "date", False, "Closing date, if closed.", min=Ref("opened_on")),
        ),
    ),
    RawTable(
        "ref",
        "advisors",
        "Sales advisors (销售顾问) and their store.",
        ("advisor_id",),
        (
            C("advisor_id", "text", True, "Advisor id."),
            C("advisor_name", "text", True, "Advisor display name."),
            C("store_id", "text", True, "Home store.", references="raw_ref__stores"),
            C("hired_on", "date", True, "Hire date."),
            C("left_on", "date", False, "Leave date, if left.", min=Ref("hired_on")),
        ),
    ),
    RawTable(
        "ref",
        "vehicle_models",
        "Vehicle models and the series (车系) they belong to.",
        ("model_code",),
        (
            C("model_code", "text", True, "Model code."),
            C("model_name", "text", True, "Model name."),
            C("series_code", "text", True, "Series code."),
            C("series_name", "text", True, "Series name."),
            C("powertrain", "code", True, "BEV or EREV.", codes=codes(bev="BEV", erev="EREV")),
            C("msrp", "decimal", True, "List price, CNY.", min=50_000, max=2_000_000),
            C("launched_on", "date", True, "Launch date."),
        ),
    ),
    # ---------------------------------------------------------------- order system
    RawTable(
        "oms",
        "vehicle_orders",
        "Vehicle orders, one row per CDC version: every stage change re-sends the order.",
        ("order_id",),
        (
            C("order_id", "text", True, "Order id."),
            C("oms_customer_id", "text", True, "Customer id in the order system."),
            C("buyer_phone", "phone", False, "Buyer phone as typed (mixed formats)."),
            C("crm_lead_id", "text", False, "CRM lead the order came from, when the advisor linked it."),
            C("store_id", "text", True, "Selling store.", references="raw_ref__stores"),
            C("advisor_id", "text", False, "Selling advisor.", references="raw_ref__advisors"),
            C("model_code", "text", True, "Ordered model.", references="raw_ref__vehicle_models"),
            C(
                "order_status",
                "code",
                True,
                "Status code: INTENT (小订), DEPOSIT (大定), LOCKED (锁单), CANCELLED (退订), DELIVERED.",
                codes=codes(
                    intent="INTENT", deposit="DEPOSIT", locked="LOCKED", cancelled="CANCELLED", delivered="DELIVERED"
                ),
            ),
            C("intent_fee", "decimal", False, "Refundable intent fee, CNY.", min=0, max=50_000),
            C("deposit_amount", "decimal", False, "Firm deposit, CNY.", min=0, max=200_000),
            C("vehicle_price", "decimal", True, "Transaction price, CNY.", min=50_000, max=2_000_000),
            C("created_at", "timestamp", True, "Order creation (UTC, Z)."),
            C("updated_at", "timestamp", True, "Time of this version (UTC, Z).", min=Ref("created_at")),
            CDC_OP,
            LOADED_AT,
        ),
        cdc=True,
        event_time="updated_at",
        landing_hours=48,
    ),
    RawTable(
        "oms",
        "merchandise_orders",
        "Merchandise (精品/周边) orders from the APP mall.",
        ("merch_order_id",),
        (
            C("merch_order_id", "text", True, "Merchandise order id."),
            C("member_id", "text", True, "APP member who ordered.", references="raw_app__members"),
            C(
                "sku_category",
                "code",
                True,
                "charging, accessory, lifestyle.",
                codes=codes(charging="CHARGING", accessory="ACCESSORY", lifestyle="LIFESTYLE"),
            ),
            C("amount", "decimal", True, "Paid amount, CNY.", min=0, max=100_000),
            C("order_status", "code", True, "paid, refunded.", codes=codes(paid="PAID", refunded="REFUNDED")),
            C("ordered_at", "timestamp", True, "Order time (UTC, Z)."),
            LOADED_AT,
        ),
        event_time="ordered_at",
        landing_hours=168,
    ),
    RawTable(
        "oms",
        "deliveries",
        "Vehicle handovers (交车).",
        ("delivery_id",),
        (
            C("delivery_id", "text", True, "Delivery id."),
            C("order_id", "text", True, "Delivered order.", references="raw_oms__vehicle_orders"),
            C("vin", "text", True, "Vehicle identification number."),
            C("store_id", "text", True, "Delivering store.", references="raw_ref__stores"),
            C(
                "delivered_at",
                "timestamp",
                True,
                "Handover time (UTC, Z).",
                follows=Parent("order_id", "created_at"),
            ),
            LOADED_AT,
        ),
        event_time="delivered_at",
        landing_hours=336,
    ),
    RawTable(
        "oms",
        "production_milestones",
        "Vehicle production milestones per order.",
        ("order_id", "milestone"),
        (
            C("order_id", "text", True, "Order the vehicle is built for."),
            C("vin", "text", False, "VIN, assigned once built."),
            C(
                "milestone",
                "code",
                True,
                "scheduled, built, shipped, delivered.",
                codes=codes(scheduled="SCHEDULED", built="BUILT", shipped="SHIPPED", delivered="DELIVERED"),
            ),
            C("milestone_at", "timestamp", True, "When reached (UTC, Z)."),
            LOADED_AT,
        ),
        event_time="milestone_at",
        landing_hours=96,
    ),
    RawTable(
        "oms",
        "sales_targets",
        "Monthly sales targets (deliveries) per store and series.",
        ("target_month", "store_id", "series_code"),
        (
            C("target_month", "date", True, "First day of the month."),
            C("store_id", "text", True, "Store.", references="raw_ref__stores"),
            C("series_code", "text", True, "Series."),
            C("target_units", "int", True, "Target deliveries.", min=0, max=10_000),
        ),
    ),
    # ---------------------------------------------------------------- CRM
    RawTable(
        "crm",
        "leads",
        "Leads / prospects (潜客), one row per CDC version: every status change re-sends the lead.",
        ("lead_id",),
        (
            C("lead_id", "text", True, "Lead id."),
            C("crm_customer_id", "text", True, "Customer id in the CRM."),
            C("phone", "phone", False, "Prospect phone as typed (mixed formats)."),
            C(
                "source_channel",
                "code",
                True,
                "Source code: APP, WEB, NET_PHONE (网电), OUTREACH (外拓), REFERRAL, WALK_IN, AUTO_MEDIA, EVENT.",
                codes=codes(
                    app="APP",
                    web="WEB",
                    net_phone=("NET_PHONE", "网电"),
                    outreach=("OUTREACH", "外拓"),
                    referral="REFERRAL",
                    walk_in=("WALK_IN", "WALK-IN", "WALKIN"),
                    auto_media="AUTO_MEDIA",
                    event="EVENT",
                ),
            ),
            C("store_id", "text", True, "Store the lead is assigned to.", references="raw_ref__stores"),
            C("advisor_id", "text", False, "Assigned advisor.", references="raw_ref__advisors"),
            C("series_code", "text", False, "Series of interest."),
            C(
                "lead_status",
                "code",
                True,
                "NEW, FOLLOWING, DORMANT (休眠), DEFEATED (战败), CONVERTED.",
                codes=codes(
                    new="NEW", following="FOLLOWING", dormant="DORMANT", defeated="DEFEATED", converted="CONVERTED"
                ),
            ),
            C(
                "card_created_at",
                "timestamp",
                False,
                "When the customer card was created (建卡), local time.",
                min=Ref("created_at"),
            ),
            C("created_at", "timestamp", True, "Lead creation, local time (Asia/Shanghai)."),
            C("updated_at", "timestamp", True, "Time of this version, local time.", min=Ref("created_at")),
            CDC_OP,
            LOADED_AT,
        ),
        cdc=True,
        large=True,
        event_time="updated_at",
        landing_hours=24,
    ),
    RawTable(
        "crm",
        "follow_ups",
        "Advisor follow-up records on leads.",
        ("follow_up_id",),
        (
            C("follow_up_id", "text", True, "Follow-up id."),
            C("lead_id", "text", True, "Lead followed up.", references="raw_crm__leads"),
            C("advisor_id", "text", False, "Advisor.", references="raw_ref__advisors"),
            C(
                "follow_up_channel",
                "code",
                True,
                "phone, wechat, sms, visit.",
                codes=codes(phone="PHONE", wechat="WECHAT", sms="SMS", visit="VISIT"),
            ),
            C("follow_up_result", "text", False, "Free-text outcome code."),
            C("followed_up_at", "timestamp", True, "Local time."),
            LOADED_AT,
        ),
        large=True,
        event_time="followed_up_at",
        landing_hours=24,
    ),
    RawTable(
        "crm",
        "invitations",
        "Store-visit invitations: online/phone (网电) and outreach (外拓).",
        ("invitation_id",),
        (
            C("invitation_id", "text", True, "Invitation id."),
            C("lead_id", "text", True, "Invited lead.", references="raw_crm__leads"),
            C("advisor_id", "text", False, "Inviting advisor.", references="raw_ref__advisors"),
            C("store_id", "text", True, "Store the lead is invited to.", references="raw_ref__stores"),
            C("invitation_type", "code", True, "NET_PHONE or OUTREACH.", codes=INVITATION_TYPES),
            C("invited_at", "timestamp", True, "Local time."),
            C(
                "appointment_date",
                "date",
                False,
                "Date the visit is booked for (after the invitation).",
                min=Ref("invited_at"),
                max=Ref("invited_at", days=90),
            ),
            LOADED_AT,
        ),
        event_time="invited_at",
        landing_hours=72,
    ),
    RawTable(
        "crm",
        "test_drives",
        "Test drives (试乘试驾).",
        ("test_drive_id",),
        (
            C("test_drive_id", "text", True, "Test drive id."),
            C("lead_id", "text", True, "Lead who drove.", references="raw_crm__leads"),
            C("store_id", "text", True, "Store.", references="raw_ref__stores"),
            C("advisor_id", "text", False, "Accompanying advisor.", references="raw_ref__advisors"),
            C("model_code", "text", True, "Model driven.", references="raw_ref__vehicle_models"),
            C("drive_started_at", "timestamp", True, "Local time."),
            C("duration_minutes", "int", False, "Duration.", min=1, max=480),
            LOADED_AT,
        ),
        event_time="drive_started_at",
        landing_hours=72,
    ),
    # ---------------------------------------------------------------- smart showroom
    RawTable(
        "showroom",
        "store_visits",
        "Store visits (到店客流) recognised by the smart showroom.",
        ("visit_id",),
        (
            C("visit_id", "text", True, "Visit id."),
            C("store_id", "text", True, "Store.", references="raw_ref__stores"),
            C("crm_lead_id", "text", False, "Lead recognised at the door, when known.", references="raw_crm__leads"),
            C("visitor_phone", "phone", False, "Phone left at reception (mixed formats)."),
            C(
                "visit_purpose",
                "code",
                True,
                "01 purchase, 02 after-sales, 03 other.",
                codes=codes(
                    purchase=("01", "1", "PURCHASE"), after_sales=("02", "2", "AFTER_SALES"), other=("03", "3", "OTHER")
                ),
            ),
            C("is_first_visit", "bool", True, "First visit of this visitor (Y/N)."),
            C("card_created", "bool", False, "A customer card was created during the visit (Y/N)."),
            C(
                "invitation_type",
                "code",
                False,
                "NET_PHONE or OUTREACH when the visit was invited.",
                codes=INVITATION_TYPES,
            ),
            C("party_size", "int", False, "People in the party.", min=1, max=50),
            C("visited_at", "timestamp", True, "Arrival, local time; some devices send UTC (Z)."),
            LOADED_AT,
        ),
        large=True,
        event_time="visited_at",
        landing_hours=48,
    ),
    # ---------------------------------------------------------------- APP and community
    RawTable(
        "app",
        "members",
        "APP members (会员), one row per CDC version (tier changes).",
        ("member_id",),
        (
            C("member_id", "text", True, "Member id."),
            C("phone", "phone", False, "Registered phone (mixed formats)."),
            C(
                "member_tier",
                "code",
                True,
                "normal, silver, gold, black.",
                codes=codes(normal="NORMAL", silver="SILVER", gold="GOLD", black="BLACK"),
            ),
            C("province_name", "text", False, "Province from the profile."),
            C("city_name", "text", False, "City from the profile."),
            C("registered_at", "timestamp", True, "Registration, ISO-8601 with offset."),
            C("updated_at", "timestamp", True, "Time of this version, ISO-8601 with offset.", min=Ref("registered_at")),
            CDC_OP,
            LOADED_AT,
        ),
        cdc=True,
        event_time="updated_at",
        landing_hours=48,
    ),
    RawTable(
        "app",
        "events",
        "APP behaviour events.",
        ("event_id",),
        (
            C("event_id", "text", True, "Event id."),
            C("member_id", "text", True, "Member.", references="raw_app__members"),
            C("session_id", "text", True, "App session."),
            C(
                "event_type",
                "code",
                True,
                "app_open, article_read, article_share, poster_read, poster_share, model_page_click, configurator_step, "
                "post_create.",
                codes=codes(
                    app_open="APP_OPEN",
                    article_read="ARTICLE_READ",
                    article_share="ARTICLE_SHARE",
                    poster_read="POSTER_READ",
                    poster_share="POSTER_SHARE",
                    model_page_click="MODEL_PAGE_CLICK",
                    configurator_step="CONFIGURATOR_STEP",
                    post_create="POST_CREATE",
                ),
            ),
            C(
                "section",
                "code",
                False,
                "Community section: circles (圈子), news (资讯), posts (发帖).",
                codes=codes(circles="CIRCLES", news="NEWS", posts="POSTS"),
            ),
            C("series_code", "text", False, "Series of a model page or configurator."),
            C("configurator_step", "int", False, "Configurator step reached (1-6).", min=1, max=6),
            C("dwell_seconds", "int", False, "Time on the screen.", min=0, max=86_400),
            C("event_at", "timestamp", True, "ISO-8601 with offset (+08:00 or Z)."),
            LOADED_AT,
        ),
        large=True,
        event_time="event_at",
        immutable=True,
        landing_hours=24,
    ),
    RawTable(
        "app",
        "referrals",
        "Referral purchases (推荐购车): an owner recommends a friend.",
        ("referral_id",),
        (
            C("referral_id", "text", True, "Referral id."),
            C("referrer_member_id", "text", True, "Recommending member.", references="raw_app__members"),
            C("referee_phone", "phone", False, "Friend's phone (mixed formats)."),
            C("crm_lead_id", "text", False, "Lead created for the friend.", references="raw_crm__leads"),
            C("referred_at", "timestamp", True, "ISO-8601 with offset."),
            LOADED_AT,
        ),
        event_time="referred_at",
        landing_hours=336,
    ),
    RawTable(
        "app",
        "trade_in_gifts",
        "Trade-in gift claims (置换有礼).",
        ("claim_id",),
        (
            C("claim_id", "text", True, "Claim id."),
            C("member_id", "text", True, "Member.", references="raw_app__members"),
            C("old_vehicle_brand", "text", False, "Brand of the car traded in."),
            C("claimed_at", "timestamp", True, "ISO-8601 with offset."),
            LOADED_AT,
        ),
        event_time="claimed_at",
        landing_hours=720,
    ),
    RawTable(
        "app",
        "insurance_consultations",
        "Insurance consultations (保险咨询).",
        ("consultation_id",),
        (
            C("consultation_id", "text", True, "Consultation id."),
            C("member_id", "text", True, "Member.", references="raw_app__members"),
            C(
                "topic",
                "code",
                False,
                "new_policy, renewal, claim.",
                codes=codes(new_policy="NEW_POLICY", renewal="RENEWAL", claim="CLAIM"),
            ),
            C("consulted_at", "timestamp", True, "ISO-8601 with offset."),
            LOADED_AT,
        ),
        event_time="consulted_at",
        landing_hours=504,
    ),
    # ---------------------------------------------------------------- after-sales
    RawTable(
        "aftersales",
        "service_tickets",
        "After-sales tickets: maintenance appointments, emergency rescues, complaints, suggestions, accident estimates.",
        ("ticket_id",),
        (
            C("ticket_id", "text", True, "Ticket id."),
            C("as_customer_id", "text", True, "Customer id in the after-sales system."),
            C("owner_phone", "phone", False, "Owner phone (mixed formats)."),
            C("vin", "text", False, "Vehicle."),
            C("store_id", "text", True, "Service store.", references="raw_ref__stores"),
            C(
                "ticket_type",
                "code",
                True,
                "MAINT, RESCUE, COMPLAINT, SUGGESTION, ACCIDENT_EST.",
                codes=codes(
                    maintenance=("MAINT", "MAINTENANCE"),
                    rescue="RESCUE",
                    complaint="COMPLAINT",
                    suggestion="SUGGESTION",
                    accident_estimate="ACCIDENT_EST",
                ),
            ),
            C(
                "ticket_status",
                "code",
                True,
                "OPEN, HANDLED, CLOSED.",
                codes=codes(open="OPEN", handled="HANDLED", closed="CLOSED"),
            ),
            C("created_at", "timestamp", True, "Local time."),
            # Sent with the ticket when it is opened: a booked handling time, after the landing.
            C(
                "handled_at",
                "timestamp",
                False,
                "Local time, when handled (or booked to be).",
                min=Ref("created_at"),
                max=Ref("created_at", days=30),
            ),
            LOADED_AT,
        ),
        event_time="created_at",
        landing_hours=48,
    ),
    RawTable(
        "aftersales",
        "customer_reviews",
        "Customer reviews (直评) after a delivery or a service.",
        ("review_id",),
        (
            C("review_id", "text", True, "Review id."),
            C("as_customer_id", "text", True, "Customer id in the after-sales system."),
            C("store_id", "text", True, "Reviewed store.", references="raw_ref__stores"),
            C("rating", "int", True, "1-5 stars.", min=1, max=5),
            C("would_recommend", "bool", False, "Would recommend the brand to a friend (Y/N)."),
            C("reviewed_at", "timestamp", True, "Local time."),
            LOADED_AT,
        ),
        event_time="reviewed_at",
        landing_hours=168,
    ),
    # ---------------------------------------------------------------- market
    RawTable(
        "market",
        "registrations",
        "Monthly new-vehicle registrations by city, brand and series (manual import).",
        ("registration_month", "city_code", "brand", "series_name"),
        (
            C("registration_month", "date", True, "First day of the month."),
            C("city_code", "text", True, "City."),
            C("brand", "text", True, "Brand."),
            C("series_name", "text", True, "Series."),
            C("is_own_brand", "bool", True, "Our brand (Y/N)."),
            C("registrations", "int", True, "New registrations.", min=0, max=1_000_000),
        ),
    ),
)

BY_NAME = {t.name: t for t in TABLES}
