"""Saved-query exports: dbt-core does not run them (only dbt's hosted platform does), so each saved
query is run through MetricFlow's Python API and written as Parquet and CSV files, outside the
warehouse file so that an export never needs the writer's lock."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

import settings

from .manifest import MANIFEST


def saved_queries(path: Path = MANIFEST) -> list[str]:
    return sorted(q["name"] for q in json.loads(path.read_text())["saved_queries"])


def metric_names(saved_query: str, path: Path = MANIFEST) -> list[str]:
    (query,) = [q for q in json.loads(path.read_text())["saved_queries"] if q["name"] == saved_query]
    return list(query["query_params"]["metrics"])


def run(engine, out_dir: Path | None = None, names: list[str] | None = None) -> dict[str, int]:
    """Rows written per saved query (all of them unless names are given), into out_dir (default
    NEV_EXPORT_DIR, else state/exports)."""
    out_dir = out_dir or settings.exports_dir()
    from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in names or saved_queries():
        table = engine.query(MetricFlowQueryRequest.create(saved_query_name=name)).result_df
        frame = pd.DataFrame([list(r) for r in table.rows], columns=list(table.column_names))
        # Rows in the order of the query's group-by columns (time first), as a reader scans them.
        keys = [c for c in frame.columns if c not in metric_names(name)]
        frame = frame.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)
        # UTF-8 with a byte-order mark: Excel on a Chinese Windows otherwise reads the file as GBK.
        frame.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8-sig")
        with duckdb.connect() as con:
            con.register("frame", frame)
            con.execute(f"copy frame to '{out_dir / f'{name}.parquet'}' (format parquet)")
        written[name] = len(frame)
    return written
