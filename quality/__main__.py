"""python -m quality: Great Expectations checks on the warehouse (DuckDB or PostgreSQL).

python -m quality sync          write suites, validation definitions and checkpoints into gx/
python -m quality run [--day D] [--layer raw ...]   run the checkpoints, print a summary,
                                write Data Docs; exit 1 if any expectation fails
python -m quality gates         the last gates of the DuckDB warehouse: published (DWS + ADS) and the
                                rows set aside on the last ODS batch day
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import sys
import time
import warnings

import settings
from lock import WarehouseBusy, warehouse_lock

from . import batch_readers, context, run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m quality", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("sync", help="write the GX file context from quality/suites.py")
    sub.add_parser("gates", help="print the last gates the boards show: published, and rows set aside")
    r = sub.add_parser("run", help="run every checkpoint")
    r.add_argument("--day", type=dt.date.fromisoformat, help="landing day to validate (default: newest event day)")
    r.add_argument("--layer", action="append", choices=list(settings.LAYERS), help="only these layers")
    r.add_argument(
        "--target",
        choices=batch_readers.TARGETS,
        default=batch_readers.default_target(),
        help="dbt target whose warehouse to check (default: DBT_TARGET or duckdb); postgres runs "
        "the expectations in the database through GX's SQL data source",
    )
    r.add_argument("--database", help="DuckDB file (default: the profile's, NEV_DUCKDB_PATH or state/warehouse.duckdb)")
    a = p.parse_args(argv)
    warnings.filterwarnings("ignore")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    if a.command == "sync":
        names = context.sync()
        print(f"quality: {len(names)} suites, validation definitions and checkpoints written to gx/")
        return 0
    if a.command == "gates":
        print(run.gates_line(run.read_gates(settings.warehouse_path())))
        return 0
    start = time.perf_counter()
    # On DuckDB the runner waits for a writer (dbt, Dagster) to finish instead of failing on its lock.
    lock = (
        warehouse_lock(a.database, holder="quality run", log=lambda m: print(m, file=sys.stderr, flush=True))
        if a.target == "duckdb"
        else contextlib.nullcontext()
    )
    try:
        with lock:
            day, outcomes = run.run(a.database, a.day, set(a.layer) if a.layer else None, target=a.target)
    except (FileNotFoundError, ConnectionError, WarehouseBusy) as e:
        print(f"quality: {e}", file=sys.stderr)
        return 2
    print(run.summary(day, outcomes))
    print(f"Data Docs: {batch_readers.DATA_DOCS[a.target] / 'index.html'}")
    print(f"quality: {time.perf_counter() - start:.1f}s")
    return 0 if all(o.success for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
