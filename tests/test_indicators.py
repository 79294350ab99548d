"""Indicator governance and the dictionary: the real metrics pass every rule, and a metric that
breaks a rule is reported with its name and the rule."""

from __future__ import annotations

import csv
import dataclasses
import re

import pytest
from conftest import ROOT, parse_repository

from indicators import catalog, governance
from indicators.manifest import Indicator, load


@pytest.fixture(scope="module")
def indicators() -> list[Indicator]:
    parse_repository()
    return load()


def test_every_metric_follows_the_governance_rules(indicators):
    assert len(indicators) >= 100
    assert governance.check(indicators) == []


GOOD = Indicator(
    name="store_visit_count",
    label="到店客流数",
    description="Store visits recognised by the showroom.",
    type="simple",
    owner="sales-operations",
    stage="store_traffic",
    kind="atomic",
)

BROKEN = {
    "naming": dataclasses.replace(GOOD, name="StoreVisits"),
    "naming ": dataclasses.replace(GOOD, name="store_visit_total"),
    "label": dataclasses.replace(GOOD, label=""),
    "description": dataclasses.replace(GOOD, description="visits"),
    "meta.owner": dataclasses.replace(GOOD, owner=""),
    "meta.stage": dataclasses.replace(GOOD, stage="somewhere"),
    "meta.kind": dataclasses.replace(GOOD, kind="basic"),
    "kind_matches_type": dataclasses.replace(GOOD, name="test_drive_rate", type="ratio", kind="atomic"),
    "naming  ": dataclasses.replace(GOOD, name="test_drive_count", type="ratio", kind="composite"),
    "portable_division": dataclasses.replace(
        GOOD,
        name="delivery_mom_rate",
        type="derived",
        kind="derived",
        formula="(current - previous) / nullif(previous, 0) where current = "
        "delivery_count, previous = delivery_count (offset 1 month)",
    ),
}


def test_a_good_metric_passes():
    assert governance.violations(GOOD) == []


@pytest.mark.parametrize("rule", list(BROKEN))
def test_each_rule_fails_with_the_metric_and_the_rule(rule):
    broken = BROKEN[rule]
    problems = governance.violations(broken)
    assert problems, rule
    assert all(p.startswith(f"metric {broken.name}: ") for p in problems)
    assert any(p.split(": ")[1] == rule.strip() for p in problems), problems


def test_a_missing_indicator_is_reported(indicators):
    without = [i for i in indicators if i.label != "试乘试驾率"]
    assert governance.check(without) == ["indicator 试乘试驾率 (rates): missing: no metric carries this label"]


def test_a_label_used_twice_is_reported():
    twin = dataclasses.replace(GOOD, name="store_traffic_count")
    assert governance.check([GOOD, twin], required={}) == [
        "metric store_traffic_count: label: '到店客流数' is also the label of store_visit_count"
    ]


def test_the_dictionary_has_every_metric_with_its_binding(indicators, tmp_path):
    records = catalog.rows(indicators, {}, {})
    catalog.write_csv(records, tmp_path / "indicators.csv")
    catalog.write_html(records, tmp_path / "index.html")
    with (tmp_path / "indicators.csv").open(encoding="utf-8") as f:
        rows = {r["name"]: r for r in csv.DictReader(f)}
    assert set(rows) == {i.name for i in indicators}
    rate = rows["test_drive_rate"]
    assert rate["label"] == "试乘试驾率" and rate["kind"] == "composite"
    assert rate["formula"] == "lead_test_driven_count / lead_visited_count"
    visits = rows["store_visit_count"]
    assert visits["source_model"] == "dws.dws_sales_funnel_daily"
    assert visits["source_expression"] == "store_visits: sum(store_visits)"
    assert "'maintenance'" in rows["maintenance_booked_count"]["filter"]
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(i.label in page for i in indicators)


# ADS columns that do not add up across rows by their nature: ratios, averages, distinct counts,
# stocks, running totals and totals repeated on every row of a group.
NOT_ADDITIVE = re.compile(
    r"(_rate$|^avg_|^distinct_|_share$|^held_prospects_(current|opening)$|active_members$|^retention_|^stickiness$|^historical_"
    r"|^city_(own_)?registrations$)"
)


def test_ads_columns_that_do_not_add_up_say_so():
    """A dashboard re-aggregating ADS must know what it may not sum: every such column carries
    meta.additive false and the reason (and nothing else does)."""
    import yaml

    checked = 0
    for path in sorted((ROOT / "models" / "ads").glob("*/_*.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            for column in model.get("columns", []):
                meta = column.get("meta", {})
                if NOT_ADDITIVE.search(column["name"]):
                    checked += 1
                    assert meta.get("additive") is False and meta.get("not_additive"), (model["name"], column["name"])
                else:
                    assert meta.get("additive", True) is True, (model["name"], column["name"])
    assert checked >= 30
