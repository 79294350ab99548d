"""python -m datagen: write the raw source data.

python -m datagen                         # the committed demo seeds (CSV) into seeds/
python -m datagen --scale 1 --out data/raw/sf1   # Parquet by landing day, for benchmarks
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from . import tile, writer
from .config import DEMO_EVENT_SAMPLE, DEMO_SCALE, Config
from .tables import generate

MIN_DAYS = 60


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m datagen", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--scale",
        type=float,
        default=None,
        help=f"scale factor (1 = one year at ~150k cars); default: the demo, {DEMO_SCALE}",
    )
    p.add_argument("--seed", type=int, default=Config.seed, help="random seed (default %(default)s)")
    p.add_argument("--days", type=int, default=None, help="days of data (default: 730 for the demo, 365 otherwise)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: seeds/ for CSV)")
    p.add_argument(
        "--format",
        choices=["csv", "parquet"],
        default=None,
        help="csv (dbt seeds) or parquet; default csv for the demo, parquet with --scale",
    )
    a = p.parse_args(argv)

    if a.days is not None and a.days < MIN_DAYS:
        p.error(
            f"--days {a.days}: at least {MIN_DAYS}, so that orders have time to reach delivery "
            "(a shorter window leaves the delivery tables empty)"
        )
    demo = a.scale is None
    copies = 1 if demo else tile.copies_for(a.scale)
    simulated = a.scale / copies if not demo else DEMO_SCALE
    cfg = Config(
        scale=simulated,
        seed=a.seed,
        days=a.days or (730 if demo else 365),
        event_sample=DEMO_EVENT_SAMPLE if demo else 1.0,
    )
    fmt = a.format or ("csv" if demo else "parquet")
    out = a.out or (Path("seeds") if fmt == "csv" else Path(f"data/raw/sf{a.scale:g}"))
    if copies > 1 and fmt != "parquet":
        p.error(f"--scale {a.scale:g} is tiled from copies of a base world: use --format parquet")
    target = out
    if copies > 1:
        out = target / "_base"
        print(f"datagen: scale {a.scale:g} = {copies} disjoint copies of a simulated scale {cfg.scale:g}", flush=True)
    print(
        f"datagen: scale {cfg.scale:g}, {cfg.days} days from {cfg.start}, seed {cfg.seed} -> {out} ({fmt})", flush=True
    )
    t0 = time.perf_counter()
    total = 0
    for table, df in generate(cfg):
        path = writer.write_csv(table, df, out) if fmt == "csv" else writer.write_parquet(table, df, out)
        total += len(df)
        print(f"  {table.name:<40} {len(df):>12,} rows  {path}", flush=True)
    if copies > 1:
        print(f"datagen: tiling {copies} copies into {target}", flush=True)
        total = sum(tile.tile(out, target, copies, log=lambda m: print(m, flush=True)).values())
        shutil.rmtree(out)
    print(f"datagen: {total:,} rows in {time.perf_counter() - t0:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
