"""Indicators as plain records, read from dbt's semantic manifest (target/semantic_manifest.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import settings

MANIFEST = settings.ROOT / "target" / "semantic_manifest.json"


@dataclass(frozen=True)
class Indicator:
    name: str
    label: str
    description: str
    type: str
    owner: str
    stage: str
    kind: str
    formula: str = ""
    inputs: tuple[str, ...] = ()
    filter: str = ""
    bindings: tuple[dict, ...] = field(default_factory=tuple)  # model, column/expression, aggregation


def _formula(metric: dict) -> tuple[str, tuple[str, ...]]:
    tp = metric["type_params"]
    kind = metric["type"]
    if kind == "ratio":
        return f"{tp['numerator']['name']} / {tp['denominator']['name']}", (
            tp["numerator"]["name"],
            tp["denominator"]["name"],
        )
    if kind == "derived":
        inputs = tuple(
            m["name"]
            + (
                f" (offset {m['offset_window']['count']} {m['offset_window']['granularity']})"
                if m.get("offset_window")
                else ""
            )
            for m in tp["metrics"]
        )
        aliases = ", ".join(f"{m.get('alias') or m['name']} = {i}" for m, i in zip(tp["metrics"], inputs, strict=False))
        return f"{tp['expr']} where {aliases}", tuple(m["name"] for m in tp["metrics"])
    if kind == "conversion":
        c = tp["conversion_type_params"]
        window = c.get("window") or {}
        return (
            f"{c['conversion_measure']['name']} within {window.get('count')} {window.get('granularity')} of "
            f"{c['base_measure']['name']}, on {c['entity']}"
        ), ()
    if kind == "cumulative":
        c = tp.get("cumulative_type_params") or {}
        window = c.get("window") or tp.get("window")
        span = (
            f"over the {window['count']} {window['granularity']}s ending on the period" if window else "since the start"
        )
        return f"sum of {tp['measure']['name']} {span}", ()
    return "", ()


def load(path: Path = MANIFEST) -> list[Indicator]:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `dbt parse` first")
    manifest = json.loads(path.read_text())
    measures = {}
    for sm in manifest["semantic_models"]:
        relation = f"{sm['node_relation']['schema_name']}.{sm['node_relation']['alias']}"
        for m in sm["measures"]:
            measures[m["name"]] = {"model": relation, "expression": m.get("expr") or m["name"], "aggregation": m["agg"]}
    out = []
    for metric in manifest["metrics"]:
        meta = (metric.get("config") or {}).get("meta") or {}
        formula, inputs = _formula(metric)
        bindings = tuple(
            measures[m["name"]] | {"measure": m["name"]}
            for m in metric["type_params"].get("input_measures") or []
            if m["name"] in measures
        )
        where = (metric.get("filter") or {}).get("where_filters") or []
        out.append(
            Indicator(
                name=metric["name"],
                label=metric.get("label") or "",
                description=metric.get("description") or "",
                type=metric["type"],
                owner=meta.get("owner", ""),
                stage=meta.get("stage", ""),
                kind=meta.get("kind", ""),
                formula=formula,
                inputs=inputs,
                filter=" and ".join(w["where_sql_template"] for w in where),
                bindings=bindings,
            )
        )
    return sorted(out, key=lambda i: (i.stage, i.name))


def saved_query_relations(path: Path = MANIFEST) -> dict[str, set[str]]:
    """The relations (schema.table) each saved query reads, through its metrics' measures."""
    metrics = {i.name: i for i in load(path)}
    out = {}
    for query in json.loads(path.read_text())["saved_queries"]:
        names = query["query_params"]["metrics"]
        out[query["name"]] = {b["model"] for name in names for b in metrics[name].bindings}
    return out
