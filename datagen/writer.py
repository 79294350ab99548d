"""Writes raw tables as the sources deliver them: CSV dbt seeds (the committed demo) or Parquet
in the landing zone's layout (contract.landing), partitioned by landing day (scale runs)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

import contract
from contract.landing import read_landing

__all__ = ["read_landing", "write_csv", "write_parquet"]


def write_csv(table: contract.RawTable, df: pd.DataFrame, seeds_dir: Path) -> Path:
    path = seeds_dir / table.system / f"{table.name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n")
    return path


def write_parquet(table: contract.RawTable, df: pd.DataFrame, out_dir: Path) -> Path:
    """Tables with a landing time are partitioned by landing day (load_date=YYYY-MM-DD)."""
    path = out_dir / table.name
    con = duckdb.connect()
    con.register("df", df)
    if table.landed:
        con.execute(f"""copy (select *, substr(_loaded_at, 1, 10) as load_date from df)
                        to '{path}' (format parquet, partition_by (load_date), overwrite_or_ignore)""")
    else:
        path.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy df to '{path / 'data.parquet'}' (format parquet)")
    con.close()
    return path
