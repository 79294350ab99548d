"""python -m contract [--check]: write the dbt files generated from the landing contract
(macros/raw_contract.sql, the seeds' properties, the landing source); --check only lists the
generated files that are out of date and exits 1 if there are any."""

from __future__ import annotations

import argparse
import sys

import settings

from .generate import stale, write


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m contract", description=__doc__)
    p.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    a = p.parse_args(argv)
    if a.check:
        out_of_date = stale(settings.ROOT)
        for path in out_of_date:
            print(
                f"contract: {path.relative_to(settings.ROOT)} is out of date: run `python -m contract`", file=sys.stderr
            )
        return 1 if out_of_date else 0
    for path in write(settings.ROOT):
        print(f"contract: wrote {path.relative_to(settings.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
