"""What a caller may ask of the semantic layer, parsed from text into structure, and the MetricFlow
where clauses the server writes from that structure. No text a caller sends ever reaches a where
clause: a filter names a field the semantic manifest declares for the metrics asked, an operator
from OPERATORS, and literal values that pass LITERAL (or are dates, for a time field); the clause is
written here, each literal quoted.

  filter=store__region:eq:华东大区
  filter=metric_time__month:between:2026-01-01,2026-06-01
  filter=store__war_zone:in:东部战区,南部战区
  filter=advisor:is_null
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# operator as a caller writes it -> (name, how many values: 1, 2, -1 for one or more, 0 for none)
OPERATORS: dict[str, tuple[str, int]] = {
    "eq": ("=", 1),
    "ne": ("!=", 1),
    "lt": ("<", 1),
    "le": ("<=", 1),
    "gt": (">", 1),
    "ge": (">=", 1),
    "in": ("in", -1),
    "between": ("between", 2),
    "is_null": ("is null", 0),
}
# the symbols are accepted too: filter=store__region:=:华东大区
OPERATORS.update({sql: (sql, n) for sql, n in list(OPERATORS.values()) if sql not in ("in", "between", "is null")})

# A literal: letters of any script (so 华东大区), digits, space and . : / - _ ·, at most 64 of them.
# No quote, brace, bracket, parenthesis, backslash, semicolon, comment or percent sign can pass.
LITERAL = re.compile(r"[\w .:/·\-]{1,64}")
# A name (metric, dimension, entity): lowercase snake_case with dunder links.
NAME = re.compile(r"[a-z][a-z0-9_]{0,127}")
GRAINS = ("day", "week", "month", "quarter", "year")
MAX_VALUES = 100
MAX_FILTERS = 20


class BadParameter(ValueError):
    """A request parameter that does not parse, or names what the manifest does not declare. The
    message says which parameter and why, and never repeats more of the caller's text than a name
    that passed NAME."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Field:
    """A field a metric can be cut or filtered by, as the manifest declares it."""

    name: str  # the dunder name a caller writes: store, store__region, metric_time__month
    kind: str  # "entity", "dimension" or "time"
    base: str = ""  # a time field's name without its grain (metric_time)
    grain: str = ""  # a time field's grain


@dataclass(frozen=True)
class Filter:
    field: str
    op: str  # an SQL operator, one of OPERATORS' values
    values: tuple[str, ...] = ()


def name(parameter: str, text: str) -> str:
    if not NAME.fullmatch(text):
        raise BadParameter(parameter, "names are lowercase letters, digits and underscores")
    return text


def parse_filter(text: str) -> Filter:
    """'field:op[:value,value...]' -> Filter, checked for shape only (see Fields.check)."""
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise BadParameter("filter", "write it as <dimension>:<operator>:<value>[,<value>...]")
    field, op = name("filter", parts[0].strip()), parts[1].strip().lower()
    if op not in OPERATORS:
        raise BadParameter("filter", "the operator is one of " + ", ".join(sorted(OPERATORS)))
    sql, count = OPERATORS[op]
    raw = parts[2] if len(parts) == 3 else ""
    values = tuple(v.strip() for v in raw.split(",")) if raw.strip() else ()
    if count == 0 and values:
        raise BadParameter("filter", f"{op} takes no value")
    if count > 0 and len(values) != count:
        raise BadParameter("filter", f"{op} takes {count} value{'s' if count > 1 else ''}")
    if count < 0 and not 0 < len(values) <= MAX_VALUES:
        raise BadParameter("filter", f"{op} takes 1 to {MAX_VALUES} values")
    for v in values:
        if not LITERAL.fullmatch(v):
            raise BadParameter("filter", "a value is 1 to 64 letters, digits, spaces or . : / - _ ·")
    return Filter(field, sql, values)


def render(f: Filter, field: Field) -> str:
    """A MetricFlow where clause for a checked filter on a declared field."""
    if field.kind == "entity":
        ref = f"{{{{ Entity('{field.name}') }}}}"
    elif field.kind == "time":
        ref = f"{{{{ TimeDimension('{field.base}', '{field.grain}') }}}}"
    else:  # a dimension reached through more than one entity names the path before its own entity
        *path, entity, dimension = field.name.split("__")
        through = f", entity_path={path!r}" if path else ""
        ref = f"{{{{ Dimension('{entity}__{dimension}'{through}) }}}}"
    values = [_literal(v, field) for v in f.values]
    if f.op == "is null":
        return f"{ref} is null"
    if f.op == "in":
        return f"{ref} in ({', '.join(values)})"
    if f.op == "between":
        return f"{ref} between {values[0]} and {values[1]}"
    return f"{ref} {f.op} {values[0]}"


def _literal(value: str, field: Field) -> str:
    if field.kind == "time":
        try:
            value = dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise BadParameter("filter", f"{field.name} takes dates as YYYY-MM-DD") from None
    elif not LITERAL.fullmatch(value):  # a filter made in code is held to the same rule
        raise BadParameter("filter", "a value is 1 to 64 letters, digits, spaces or . : / - _ ·")
    return f"'{value}'"


def time_fields(base: str, smallest: str) -> list[Field]:
    """A time dimension at its own grain and every coarser one (metric_time__day ... __year)."""
    start = GRAINS.index(smallest) if smallest in GRAINS else 0
    return [Field(f"{base}__{g}", "time", base, g) for g in GRAINS[start:]]


def on(field: str, op: str, *values) -> Filter:
    """A filter made in code (the boards'): the same checks as a caller's."""
    sql, _ = OPERATORS[op]
    return Filter(field, sql, tuple(v.isoformat() if isinstance(v, dt.date) else str(v) for v in values))
