"""Every metric by month, as JSON: python tests/metric_values.py SEMANTIC_MANIFEST OUT_JSON

One process per engine (dbt's adapter for the profile's target, DBT_TARGET, is process-wide); the
semantic manifest must be the one parsed for that target (its relations name the database).
Values: {metric: [[month, value], ...]}, numbers as floats (PostgreSQL returns numeric as Decimal).
The metrics are asked for a few at a time (one query plans and runs faster than one per metric): a
metric's rows are then every month any of them has, the same on each engine for the same query.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.engine import metricflow_engine  # noqa: E402

PER_QUERY = 16  # metrics in one query


def main(manifest: str, out: str) -> None:
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    engine, _ = metricflow_engine(Path(manifest))
    names = sorted(m.name for m in engine.list_metrics())
    values = {}
    for group in (names[i : i + PER_QUERY] for i in range(0, len(names), PER_QUERY)):
        df = engine.query(
            MetricFlowQueryRequest.create(metric_names=group, group_by_names=["metric_time__month"])
        ).result_df
        month = df.column_names.index("metric_time__month")
        for metric in group:
            value = df.column_names.index(metric)
            values[metric] = sorted(
                [str(r[month])[:10], None if r[value] is None else float(r[value])] for r in df.rows
            )
    Path(out).write_text(json.dumps(values))


if __name__ == "__main__":
    main(*sys.argv[1:])
