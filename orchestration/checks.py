"""Great Expectations suites as Dagster asset checks, one op per layer.

Raw, ODS and DWD suites block: a failure stops every asset downstream of the table it guards.
ADS gating suites only warn: the dashboards' tables are built, the failure shows on them; the
reconciliations block. The set-aside suite is a warning check: it fails (WARN) when any row was set
aside on the batch day, and the run goes on.
(dagster-ge supports GX < 1.0 only, so the checks call the project's own runner, quality.run.)
"""

import datetime as dt
from itertools import groupby
from pathlib import Path

import dagster as dg

import settings
from lock import warehouse_lock
from quality.suites import Suite, suites

from .assets import MICRO_BATCH_JOB, WAREHOUSE_POOL, relation_key


def check_name(suite: str) -> str:
    """A suite's asset check: gx_ and the suite's name."""
    return f"gx_{suite}"


def check_spec(suite: Suite) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=check_name(suite.name),
        asset=relation_key(suite.table),
        blocking=suite.severity == "blocking",
        description=f"Great Expectations suite {suite.name} ({suite.severity}): {suite.what}",
    )


def docs_links(outcome) -> dict:
    """The result's Data Docs page: its address under `make data-docs`, and its file."""
    from quality import data_docs
    from quality.batch_readers import DATA_DOCS

    page = outcome.docs_page
    if page is None or not page.is_relative_to(DATA_DOCS["duckdb"]):
        return {}
    return {
        "data_docs": dg.MetadataValue.url(data_docs.served_url(page, DATA_DOCS["duckdb"])),
        "data_docs_file": dg.MetadataValue.path(str(page)),
    }


def layer_checks(project_dir: Path) -> list[dg.AssetChecksDefinition]:
    ordered = sorted(suites(), key=lambda s: s.layer)
    return [
        layer_check(project_dir, layer, list(members)) for layer, members in groupby(ordered, key=lambda s: s.layer)
    ]


def layer_check(project_dir: Path, layer: str, members: list[Suite]) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        name=f"gx_{layer}_suites",
        specs=[check_spec(s) for s in members],
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suites on the {layer} layer",
    )
    def _checks(context: dg.AssetCheckExecutionContext):
        from quality import context as gx_context
        from quality import run as gx_run

        wanted = {k.name for k in context.selected_asset_check_keys}
        selected = [s for s in members if check_name(s.name) in wanted]
        # The batch the suites validate is the run's partition (the landing day it was launched
        # for); a run without one (a full refresh from the UI) validates the newest landed day.
        partition = context.run.tags.get("dagster/partition")
        with warehouse_lock(holder=f"dagster gx {layer} suites", log=context.log.info):
            # Dagster runs on the DuckDB file, whatever DBT_TARGET says.
            day, outcomes = gx_run.run(
                str(settings.warehouse_path()),
                day=dt.date.fromisoformat(partition) if partition else None,
                context=gx_context.get_context(project_dir),
                selected=selected,
                target="duckdb",
                # every 15 minutes, the Data Docs page of a suite that passed would say what it said
                pages_of_passed=context.run.job_name != MICRO_BATCH_JOB,
            )
        for o in outcomes:
            failures = [f"{e} [{c}] {d}" for e, c, d in o.failed] + o.exceptions
            yield dg.AssetCheckResult(
                asset_key=relation_key(o.suite.table),
                check_name=check_name(o.suite.name),
                passed=o.success and not o.warnings,  # a warning suite's findings show as a WARN check
                severity=dg.AssetCheckSeverity.ERROR if o.suite.severity == "blocking" else dg.AssetCheckSeverity.WARN,
                metadata={
                    "batch_day": str(day),
                    "rows": o.rows,
                    "expectations": o.evaluated,
                    "failed": len(o.failed),
                    "errors": len(o.exceptions),
                    "failures": dg.MetadataValue.md("\n".join(f"- {f}" for f in failures) or "none"),
                    **docs_links(o),
                },
            )

    return _checks
