"""The governance rules every indicator must follow (indicator governance in MISSION.md).

Naming: atomic indicator + business qualifier(s) + statistical dimension, in snake_case, e.g.
`store_visit` + `first_with_card` + `count`. The statistical dimension is the last word(s) and
comes from STATISTICS. Each indicator carries a label (its Chinese name), a description, an owner,
a stage and a kind, and the kind agrees with the metric type.
"""

from __future__ import annotations

import re

from .manifest import Indicator
from .required import REQUIRED

STATISTICS = ("distinct_count", "count", "rate", "avg", "amount", "sum")
KINDS = ("atomic", "derived", "composite")
STAGES = (
    "store_traffic",
    "prospect_sources",
    "prospect_stock",
    "orders",
    "conversion_rates",
    "acquisition",
    "activation",
    "retention",
    "revenue",
    "referral_service",
    "market_sand_table",
    "building_block",
)
# kind that each metric type may have
KIND_OF_TYPE = {
    "simple": ("atomic", "derived"),
    "ratio": ("composite",),
    "conversion": ("composite",),
    "cumulative": ("derived",),
    "derived": ("derived", "composite"),
}
NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
# A derived metric's expression is SQL that MetricFlow passes through: PostgreSQL divides integers
# as integers (DuckDB does not), so a division needs a double precision operand.
DOUBLE = re.compile(r"cast\(.+ as double precision\)", re.IGNORECASE)


def violations(indicator: Indicator) -> list[str]:
    """Every rule the indicator breaks, as 'metric <name>: <rule>: <detail>'."""
    found = []

    def rule(name: str, detail: str) -> None:
        found.append(f"metric {indicator.name}: {name}: {detail}")

    if not NAME.match(indicator.name):
        rule("naming", "not snake_case words joined by '_' (atomic indicator + qualifier + statistic)")
    elif not any(indicator.name.endswith("_" + s) for s in STATISTICS):
        rule("naming", f"does not end in a statistical dimension ({', '.join(STATISTICS)})")
    if not re.search(r"[\u4e00-\u9fff]|[A-Z]{2,}", indicator.label):
        rule("label", "missing or not the indicator's Chinese name")
    if len(indicator.description) < 20:
        rule("description", "missing or shorter than 20 characters (say numerator, denominator and filters)")
    if not indicator.owner:
        rule("meta.owner", "missing")
    if indicator.stage not in STAGES:
        rule("meta.stage", f"{indicator.stage!r} is not one of {', '.join(STAGES)}")
    if indicator.kind not in KINDS:
        rule("meta.kind", f"{indicator.kind!r} is not one of {', '.join(KINDS)}")
    elif indicator.kind not in KIND_OF_TYPE.get(indicator.type, KINDS):
        rule("kind_matches_type", f"a {indicator.type} metric cannot be {indicator.kind}")
    if indicator.type == "derived":
        expr = indicator.formula.split(" where ")[0]
        if "/" in expr and not DOUBLE.search(expr):
            rule(
                "portable_division",
                f"'{expr}' divides without casting to double precision (PostgreSQL truncates integer division)",
            )
    if indicator.type in ("ratio",) and not indicator.name.endswith(("_rate", "_avg", "_amount")):
        rule("naming", "a ratio is named for what it is: _rate, _avg or _amount")
    return found


def check(indicators: list[Indicator], required: dict[str, list[str]] = REQUIRED) -> list[str]:
    problems = [v for i in indicators for v in violations(i)]
    present = {i.label for i in indicators}
    problems += [
        f"indicator {label} ({section}): missing: no metric carries this label"
        for section, labels in required.items()
        for label in labels
        if label not in present
    ]
    labels = {}
    for i in indicators:
        if i.label in labels:
            problems.append(f"metric {i.name}: label: {i.label!r} is also the label of {labels[i.label]}")
        labels.setdefault(i.label, i.name)
    return problems
