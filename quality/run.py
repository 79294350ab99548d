"""Run the suites on one landing day of the warehouse (the run's partition; by default the newest
day of the real-time events): DuckDB (read-only) or PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import settings

from . import batch_readers, data_docs
from .suites import SET_ASIDE_SUITE, Suite, newest_event_day_sql, suites


@dataclass
class Outcome:
    suite: Suite
    rows: int
    evaluated: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (expectation, column, detail)
    exceptions: list[str] = field(default_factory=list)
    seconds: float = 0.0
    docs_page: Path | None = None  # this result's Data Docs page (quality/data_docs.py)
    unexpected: int = 0  # the rows the failed expectations found

    @property
    def success(self) -> bool:
        """Nothing failed; a warning suite's findings are warnings, never a failure."""
        return not self.exceptions and (not self.failed or self.suite.severity == "warning")

    @property
    def warnings(self) -> list[str]:
        return [d for _, _, d in self.failed] if self.suite.severity == "warning" else []


def describe_failure(result) -> tuple[str, str, str]:
    cfg = result.expectation_config
    column = cfg.kwargs.get("column") or cfg.kwargs.get("column_A") or ",".join(cfg.kwargs.get("column_list", []))
    r = result.result or {}
    if r.get("partial_unexpected_list"):
        detail = f"{r.get('unexpected_count')} unexpected, e.g. {r['partial_unexpected_list'][:5]}"
    elif "observed_value" in r:
        detail = f"observed {r['observed_value']}"
    else:
        detail = ""
    return cfg.type, column or "", detail


def run(
    database: str | None = None,
    day: dt.date | None = None,
    layers: set[str] | None = None,
    context=None,
    selected: list[Suite] | None = None,
    target: str | None = None,
    pages_of_passed: bool = True,
) -> tuple[dt.date, list[Outcome]]:
    """Validate every suite (or those named in `selected`) on the warehouse of the dbt target: DuckDB's
    file (`database`, else NEV_DUCKDB_PATH) or the PostgreSQL database (quality/batch_readers.py).
    Every result is stored; its Data Docs page is written for each suite, or with pages_of_passed off
    (the 15-minute micro-batch: about 0.7 s a layer) only for a suite someone must look at (a failure,
    a warning or an error), and the pages of the others stay as the last run that wrote them."""
    source = batch_readers.batches(target or batch_readers.default_target(), context, database)
    chosen = {s.name for s in selected} if selected else None
    outcomes = []
    validated = []  # the identifiers of this run's results and of their suites: the Data Docs pages to write
    result_of = {}  # outcome -> the identifier of its validation result
    started = time.time()
    try:
        day = day or source.scalar(newest_event_day_sql(source.dialect))
        if day is None:
            raise FileNotFoundError(f"{source.where}: no APP events have landed to date the batch: pass --day")
        for suite in sorted(suites(source.dialect), key=lambda s: settings.LAYERS.index(s.layer)):
            if (layers and suite.layer not in layers) or (chosen is not None and suite.name not in chosen):
                continue
            start = time.perf_counter()
            rows, result = source.validate(suite, suite.batch_sql.format(day=day.isoformat()), {})
            outcome = Outcome(suite, rows)
            keys = list(result.run_results)
            for validation in result.run_results.values():
                for r in validation.results:
                    outcome.evaluated += 1
                    if r.exception_info and r.exception_info.get("raised_exception"):
                        outcome.exceptions.append(
                            f"{r.expectation_config.type}: {r.exception_info.get('exception_message')}"
                        )
                    elif not r.success:
                        outcome.failed.append(describe_failure(r))
                        outcome.unexpected += (r.result or {}).get("unexpected_count") or 0
            outcome.seconds = time.perf_counter() - start
            outcomes.append(outcome)
            if pages_of_passed or not outcome.success or outcome.warnings:
                for key in keys:
                    validated += [key, key.expectation_suite_identifier]
                    result_of[id(outcome)] = key
        # Once per run, not per suite: each build also rewrites the index, which reads stored results.
        if validated:
            source.context.build_data_docs(resource_identifiers=validated)
            for site in data_docs.sites(source.context):
                data_docs.localise(site, since=started)
            for outcome in outcomes:
                if id(outcome) in result_of:
                    outcome.docs_page = data_docs.page_of(source.context, result_of[id(outcome)])
    finally:
        source.close()
    if source.dialect == "duckdb":
        record_gates(Path(database) if database else settings.warehouse_path(), day, outcomes)
    return day, outcomes


def gates_path(database: Path) -> Path:
    """Where the last quality-gate result of each layer of a DuckDB warehouse is kept, beside it."""
    return database.with_name(database.name + ".gates.json")


def record_gates(database: Path, day: dt.date, outcomes: list[Outcome]) -> None:
    """Keep each checked layer's result (passed, when, the batch day, what failed) for the boards,
    which show the last gate and warn when the ADS gate failed."""
    path = gates_path(database)
    try:
        gates = json.loads(path.read_text())
    except (OSError, ValueError):
        gates = {}
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    for layer in {o.suite.layer for o in outcomes}:
        mine = [o for o in outcomes if o.suite.layer == layer]
        failed = [f"{o.suite.name}: {e} [{c}] {d}" for o in mine if not o.warnings for e, c, d in o.failed] + [
            f"{o.suite.name}: {x}" for o in mine for x in o.exceptions
        ]
        gates[layer] = {"passed": not failed, "checked_at": now, "day": day.isoformat(), "failed": failed[:5]}
        # each suite's verdict (passed, warned, failed), which the demo's record in Dagster shows as its check
        gates[layer]["suites"] = {o.suite.name: outcome_verdict(o) for o in mine}
        warned = [o for o in mine if o.suite.severity == "warning"]
        if warned:  # rows set aside on the batch day: the count the boards show, and what they were
            gates[layer]["set_aside"] = sum(o.unexpected for o in warned)
            gates[layer]["warnings"] = [w for o in warned for w in o.warnings][:5]
    path.write_text(json.dumps(gates, indent=1, ensure_ascii=False))


def outcome_verdict(outcome: Outcome) -> str:
    if not outcome.success:
        return "failed"
    return "warned" if outcome.warnings else "passed"


# Where a person finds the rows the warning suite counted: said by the summary and the gate line.
WHERE_SET_ASIDE_ROWS_ARE = (
    "see ods.ods_quality__rejected_rows and ods.ods_quality__quarantined_values, "
    f"or the Dagster check gx_{SET_ASIDE_SUITE}"
)

# The layers whose gate stands for what the boards and the API publish: DWS (its reconciliation)
# and ADS.
PUBLISHED_LAYERS = ("dws", "ads")


def published_gate(gates: dict) -> dict | None:
    """The gate of what is published: passed only if the last run of each published layer passed
    (None when none ran). Its day and time are the newest of them; `failed` lists both."""
    ran = [gates[layer] for layer in PUBLISHED_LAYERS if gates.get(layer)]
    if not ran:
        return None
    newest = max(ran, key=lambda g: g.get("checked_at") or "")
    return {
        "passed": all(g.get("passed") for g in ran),
        "checked_at": newest.get("checked_at"),
        "day": newest.get("day"),
        "failed": [f for g in ran for f in g.get("failed", [])][:5],
    }


def gates_line(gates: dict) -> str:
    """The last gates in a sentence, as the boards' gate line says them."""
    published = published_gate(gates)
    if published is None:
        said = "no published gate has run yet"
    elif published["passed"]:
        said = f"published gate passed (batch day {published['day']}, {published['checked_at']})"
    else:
        said = f"published gate FAILED (batch day {published['day']}): " + "; ".join(published["failed"][:2])
    ods = gates.get("ods") or {}
    if ods.get("set_aside"):
        said += f"; {ods['set_aside']} row(s) set aside on {ods['day']}: {WHERE_SET_ASIDE_ROWS_ARE}"
    return said


def read_gates(database: Path) -> dict:
    try:
        return json.loads(gates_path(database).read_text())
    except (OSError, ValueError):
        return {}


def summary(day: dt.date, outcomes: list[Outcome]) -> str:
    lines = [
        f"Data quality on batch day {day}",
        "",
        f"{'suite':<46} {'severity':<9} {'rows':>7} {'checked':>7} {'failed':>6} {'errors':>6}",
    ]
    for o in outcomes:
        lines.append(
            f"{o.suite.name:<46} {o.suite.severity:<9} {o.rows:>7} {o.evaluated:>7} "
            f"{len(o.failed):>6} {len(o.exceptions):>6}"
        )
        for expectation, column, detail in o.failed:
            lines.append(f"    {'WARNING' if o.warnings else 'FAILED'} {expectation} [{column}] {detail}")
        for e in o.exceptions:
            lines.append(f"    ERROR  {e}")
    total = sum(o.evaluated for o in outcomes)
    failed = sum(len(o.failed) for o in outcomes if not o.warnings)
    errors = sum(len(o.exceptions) for o in outcomes)
    lines += ["", f"{len(outcomes)} suites, {total} expectations, {failed} failed, {errors} errors"]
    set_aside = sum(o.unexpected for o in outcomes if o.warnings)
    if set_aside:
        lines.append(
            f"{set_aside} row(s) set aside on {day} (rejected, or a value quarantined; under the flood threshold): "
            + WHERE_SET_ASIDE_ROWS_ARE
        )
    return "\n".join(lines)
