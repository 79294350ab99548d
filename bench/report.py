"""The bench's report: a table of this run's figures, printed and appended to the run log
(docs/benchmark-history.md), and the "current figures against targets" table at the top of
BENCHMARKS.md, where this run's scale factor's column is replaced by its figures. BENCHMARKS.md
holds the current figures and their analysis only."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

import settings

from . import measure

BEGIN, END = "<!-- current figures: written by the bench -->", "<!-- end of current figures -->"
# measure -> target by scale factor (the targets the project holds itself to)
TARGETS = {
    "15-minute slice: file written -> ADS and a metric show it": {"1": 20, "10": 60},
    "one whole day as a micro-batch": {"1": 20, "10": 200},
    "micro-batch / full build": {"1": 0.07, "10": None},
    "full build": {"1": 240, "10": 2700},
    "full build peak memory (GiB)": {"1": 6, "10": 16},
    "largest warehouse file, full build (GB)": {"1": None, "10": 40},
    "rows the ODS models took in / rows landed": {"1": None, "10": None},
    "slowest metric query": {"1": 0.5, "10": 1.5},
    "slowest board page, answers recomputed": {"1": 0.5, "10": 1.5},
}


@dataclass
class Results:
    """The figures the summary is made of (None: not measured in this run)."""

    freshness: float | None = None
    micro_batch: float | None = None
    micro_share: float | None = None
    full_build: float | None = None
    full_peak: int | None = None
    full_disk: int | None = None  # the warehouse file and its WAL at their largest, in bytes
    took_in: int | None = None
    landed: int | None = None
    slowest_query: float | None = None
    slowest_board: float | None = None
    failed: list[str] = field(default_factory=list)


def seconds(x: float) -> str:
    return f"{x:,.0f} s" if x >= 100 else f"{x:.1f} s"


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return " (met)" if value <= target else f" (**missed** by {value / target:.1f}x)"


def current(results: Results, sf: str) -> dict[str, str]:
    """This run's cells of the summary, with whether each target was met."""
    targets = {name: by_sf.get(sf) for name, by_sf in TARGETS.items()}
    cells = {}
    r = results

    def put(name: str, text: str, value: float) -> None:
        cells[name] = text + verdict(value, targets[name])

    if r.freshness is not None:
        put("15-minute slice: file written -> ADS and a metric show it", seconds(r.freshness), r.freshness)
    if r.micro_batch is not None:
        put("one whole day as a micro-batch", seconds(r.micro_batch), r.micro_batch)
    if r.micro_share is not None:
        put("micro-batch / full build", f"{r.micro_share:.1%}", r.micro_share)
    if r.full_build is not None:
        put("full build", seconds(r.full_build), r.full_build)
    if r.full_peak is not None:
        put("full build peak memory (GiB)", f"{r.full_peak / 2**30:.2f}", r.full_peak / 2**30)
    if r.full_disk:
        put("largest warehouse file, full build (GB)", f"{r.full_disk / 1e9:.1f}", r.full_disk / 1e9)
    if r.took_in is not None and r.landed:
        cells["rows the ODS models took in / rows landed"] = (
            f"{r.took_in:,} / {r.landed:,} ({r.took_in / r.landed:.2f}x)"
        )
    if r.slowest_query is not None:
        put("slowest metric query", seconds(r.slowest_query), r.slowest_query)
    if r.slowest_board is not None:
        put("slowest board page, answers recomputed", seconds(r.slowest_board), r.slowest_board)
    for failure in r.failed:
        cells.setdefault(failure, "FAILED")
    return cells


def target_text(name: str, target: float | None) -> str:
    if target is None:
        return "about 1x" if name.startswith("rows") else "-"
    if name.endswith(("(GiB)", "(GB)")):
        return f"<= {target:g}"
    if name.startswith("micro-batch /"):
        return f"<= {target:.0%}"
    return f"<= {target:g} s"


def summary_table(existing: str, sf: str, cells: dict[str, str], stamp: str) -> str:
    """The summary with this scale factor's column replaced (the other one kept as it was)."""
    kept: dict[tuple[str, str], str] = {}
    for line in existing.splitlines():
        parts = [p.strip() for p in line.strip().strip("|").split("|")]
        if len(parts) == 5 and parts[0] in TARGETS:
            kept[(parts[0], "1")], kept[(parts[0], "10")] = parts[2], parts[4]
    stamps = dict(re.findall(r"SF (\d+): ([^;)]+)", existing.split("\n")[0] if existing else ""))
    stamps[sf] = stamp
    lines = [
        "Current figures ("
        + "; ".join(f"SF {k}: {v}" for k, v in sorted(stamps.items(), key=lambda kv: float(kv[0])))
        + ")",
        "",
        "| measure | target SF 1 | SF 1 | target SF 10 | SF 10 |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, by_sf in TARGETS.items():
        row = {s: cells.get(name, "") if s == sf else kept.get((name, s), "") for s in ("1", "10")}
        lines.append(
            f"| {name} | {target_text(name, by_sf['1'])} | {row['1'] or 'not measured'} "
            f"| {target_text(name, by_sf['10'])} | {row['10'] or 'not measured'} |"
        )
    return "\n".join(lines)


def header(sf: float, days: int, spark: bool, threads: int, code: str) -> str:
    cores = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if spark:  # pyspark is in the Spark environment only (settings.SPARK_VENV)
        try:
            version = subprocess.run(
                [str(settings.SPARK_VENV / "bin" / "python"), "-c", "import pyspark; print(pyspark.__version__)"],
                capture_output=True,
                text=True,
            ).stdout.strip()
        except OSError:  # no Spark environment (yet): the run itself will say `make spark-up`
            version = ""
        engine = (
            f"on Spark {version or '?'} (local standalone cluster: "
            f"{os.environ.get('NEV_SPARK_WORKERS', '2')} workers x {os.environ.get('NEV_SPARK_WORKER_CORES', '1')} core, "
            f"executor memory {os.environ.get('NEV_SPARK_EXECUTOR_MEMORY', '5g')})"
        )
    else:
        engine = f"on DuckDB {duckdb.__version__} (memory_limit {settings.duckdb_memory_limit()})"
    return (
        f"## SF {sf:g} ({days} days) {engine}, {dt.date.today()}: {cores} cores, {measure.gib(mem)} memory, "
        f"{platform.machine()}, dbt threads {threads}, code {code}"
    )


def table(head: str, figures: list[tuple[str, str, str]]) -> str:
    lines = [head, "", "| measure | value | note |", "| --- | ---: | --- |"]
    lines += [f"| {m} | {v} | {n} |" for m, v, n in figures]
    return "\n".join(lines) + "\n"


def print_figures(figures: list[tuple[str, str, str]]) -> None:
    width = max(len(m) for m, _, _ in figures)
    print()
    for m, v, n in figures:
        print(f"  {m:<{width}}  {v:>12}  {n}")


def write(report: Path, log: Path, text: str, sf: float, results: Results | None, stamp: str) -> None:
    """Append the run's table to the log; for SF 1 and SF 10 on DuckDB, also refresh the summary at
    the top of the report."""
    if not log.exists():
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(
            "# Benchmark history\n\nEach run of `make bench SF=<n>` (python -m bench) appends its table, newest last.\n"
        )
    log.write_text(log.read_text().rstrip("\n") + "\n\n" + text)
    if not report.exists():
        report.write_text(f"# Benchmarks\n\n{BEGIN}\n{END}\n\nEvery run's table: {log.name}.\n")
    body = report.read_text()
    key = f"{sf:g}"
    if results is not None and key in ("1", "10") and BEGIN in body and END in body:
        before, rest = body.split(BEGIN, 1)
        existing, after = rest.split(END, 1)
        summary = summary_table(existing.strip(), key, current(results, key), stamp)
        report.write_text(f"{before}{BEGIN}\n{summary}\n{END}{after}")
