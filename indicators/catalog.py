"""The indicator dictionary (指标字典): CSV and a browsable static HTML page, generated from the
semantic manifest, so it can never drift from the metrics."""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

from .manifest import Indicator

COLUMNS = [
    "name",
    "label",
    "description",
    "kind",
    "stage",
    "owner",
    "type",
    "formula",
    "filter",
    "source_model",
    "source_expression",
    "aggregation",
    "dimensions",
    "monthly_sql",
]


def rows(indicators: list[Indicator], dimensions: dict[str, list[str]], sql: dict[str, str]) -> list[dict]:
    out = []
    for i in indicators:
        out.append(
            {
                "name": i.name,
                "label": i.label,
                "description": i.description,
                "kind": i.kind,
                "stage": i.stage,
                "owner": i.owner,
                "type": i.type,
                "formula": i.formula,
                "filter": i.filter,
                "source_model": "; ".join(sorted({b["model"] for b in i.bindings})),
                "source_expression": "; ".join(
                    f"{b['measure']}: {b['aggregation']}({b['expression']})" for b in i.bindings
                ),
                "aggregation": "; ".join(sorted({b["aggregation"] for b in i.bindings})),
                "dimensions": ", ".join(dimensions.get(i.name, [])),
                "monthly_sql": sql.get(i.name, ""),
            }
        )
    return out


def write_csv(records: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(records)


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>指标字典 · Indicator dictionary</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
input {{ font-size: 1rem; padding: .4rem; width: 28rem; }}
h2 {{ margin-top: 2rem; border-bottom: 1px solid #ccc; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9rem; }}
th, td {{ text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eee; }}
code {{ font-size: .8rem; }} details pre {{ white-space: pre-wrap; font-size: .75rem; background: #f6f6f6; }}
.kind {{ font-size: .75rem; padding: .1rem .3rem; border-radius: .2rem; background: #eef; }}
</style></head><body>
<h1>指标字典 · Indicator dictionary</h1>
<p>{count} indicators, generated from the semantic manifest. Search by name, Chinese name, model or column.</p>
<input id="q" placeholder="搜索 / search" autofocus>
{sections}
<script>
document.getElementById('q').addEventListener('input', e => {{
  const q = e.target.value.toLowerCase();
  document.querySelectorAll('tr[data-text]').forEach(r => {{ r.hidden = !r.dataset.text.includes(q); }});
}});
</script></body></html>
"""


def write_html(records: list[dict], path: Path) -> None:
    stages = {}
    for r in records:
        stages.setdefault(r["stage"], []).append(r)
    sections = []
    for stage, items in sorted(stages.items()):
        body = []
        for r in items:
            text = html.escape(
                json.dumps(
                    [r[c] for c in ("name", "label", "source_model", "source_expression")], ensure_ascii=False
                ).lower()
            )
            body.append(
                f'<tr data-text="{text}"><td><b>{html.escape(r["label"])}</b><br><code>{html.escape(r["name"])}</code></td>'
                f"<td><span class=kind>{html.escape(r['kind'])}</span> {html.escape(r['type'])}<br>{html.escape(r['owner'])}</td>"
                f"<td>{html.escape(r['description'])}<br><code>{html.escape(r['formula'])}</code>"
                f"{'<br>filter: <code>' + html.escape(r['filter']) + '</code>' if r['filter'] else ''}</td>"
                f"<td><code>{html.escape(r['source_model'])}</code><br><code>{html.escape(r['source_expression'])}</code></td>"
                f"<td><details><summary>dimensions, SQL</summary><p>{html.escape(r['dimensions'])}</p>"
                f"<pre>{html.escape(r['monthly_sql'])}</pre></details></td></tr>"
            )
        sections.append(
            f"<h2>{html.escape(stage)}</h2><table><tr><th>indicator</th><th>kind · type · owner</th>"
            f"<th>definition</th><th>bound to</th><th></th></tr>{''.join(body)}</table>"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(count=len(records), sections="".join(sections)), encoding="utf-8")


def build(engine, indicators: list[Indicator], out: Path) -> Path:
    """The dictionary for every indicator: its dimensions and monthly SQL asked of MetricFlow."""
    from .engine import dimensions, monthly_sql

    dims = {i.name: dimensions(engine, i.name) for i in indicators}
    sql = {i.name: monthly_sql(engine, i.name) for i in indicators}
    records = rows(indicators, dims, sql)
    write_csv(records, out / "indicators.csv")
    write_html(records, out / "index.html")
    return out
