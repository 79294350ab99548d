"""python -m indicators: the indicator dictionary and the governance check.

python -m indicators check     every metric follows the governance rules (exit 1 otherwise)
python -m indicators catalog   write target/indicators/indicators.csv and index.html
python -m indicators export    run every saved query, write state/exports/<name>.parquet and .csv
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

import settings
from lock import warehouse_lock

from . import catalog, governance
from .manifest import load


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m indicators", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("command", choices=["check", "catalog", "export"])
    p.add_argument("--out", default=str(settings.ROOT / "target" / "indicators"), help="catalog folder")
    a = p.parse_args(argv)
    indicators = load()
    if a.command == "check":
        problems = governance.check(indicators)
        for line in problems:
            print(line)
        print(f"indicators: {len(indicators)} metrics, {len(problems)} governance violations")
        return 1 if problems else 0
    start = time.perf_counter()
    from .engine import metricflow_session

    # On DuckDB, wait for a writer (dbt, Dagster) to finish instead of failing on the file's lock.
    lock = (
        warehouse_lock(holder=f"indicators {a.command}", log=lambda m: print(m, file=sys.stderr, flush=True))
        if settings.dbt_target() == "duckdb"
        else contextlib.nullcontext()
    )
    with lock, metricflow_session() as engine:
        if a.command == "export":
            from . import export

            for name, rows in export.run(engine).items():
                print(f"  {name:<40} {rows:>8,} rows  {settings.exports_dir() / name}.parquet")
            print(f"indicators: exports written in {time.perf_counter() - start:.1f}s")
            return 0
        out = catalog.build(engine, indicators, Path(a.out))
    print(
        f"indicators: {len(indicators)} metrics written to {out / 'index.html'} and {out / 'indicators.csv'} "
        f"in {time.perf_counter() - start:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
