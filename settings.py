"""Where things are, and the business settings, for every Python part of the warehouse (Dagster,
Great Expectations, MetricFlow, the bench, the boards and the API).

Nothing here is a second copy of what dbt reads: the warehouse connection comes from rendering
profiles.yml the way dbt does (its env_var defaults included), and the business time zone and the
layer order from dbt_project.yml's vars. The environment variables, all optional:

  DBT_TARGET              the dbt target, also the profile's default (duckdb, postgres, spark)
  NEV_DUCKDB_PATH         the DuckDB warehouse file (profiles.yml: state/warehouse.duckdb)
  NEV_DUCKDB_MEMORY_LIMIT DuckDB's memory limit; it spills beyond it (profiles.yml: 5.5GB)
  NEV_RAW_SOURCE          what dbt reads as raw: seeds (the demo CSVs) or landing (dbt_project.yml)
  NEV_LANDING_DIR         where raw files land: <table>/load_date=YYYY-MM-DD/ (state/landing)
  NEV_EXPORT_DIR          the saved queries' exports (state/exports)
  NEV_ALERT_LOG           failure and recovery alerts, one JSON line each (state/alerts.log)
  NEV_PROD_ARTIFACTS      the last successful daily run's dbt artifacts, for slim CI (state/prod-artifacts)
  NEV_ACCESS_FILE         the boards' and the API's tokens (state/access.json; products/access.py)
  NEV_SERVE_HOST, NEV_SERVE_PORT   where `make serve` listens (127.0.0.1:8050)
  NEV_NOW                 the business wall-clock time the freshness checks and boards judge by (ISO,
                          for replays and tests); unset: the demo's own clock on the demo seeds (the
                          morning after its last day), the real clock in Asia/Shanghai otherwise
  NEV_CLOCK=real          the real clock on the demo seeds too (the demo's data then shows as late)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import yaml

ROOT = Path(__file__).resolve().parent
# The Spark target's packages (pyspark, dbt-spark) live in their own environment (Makefile:
# SPARK_VENV), never in the one Dagster, GX and MetricFlow import.
SPARK_VENV = ROOT / ".venv-spark"


@functools.cache
def project_vars() -> dict:
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


BUSINESS_TIME_ZONE: str = project_vars()["business_time_zone"]
# raw (the landing tables and seeds), then the layers dbt builds, in build order.
LAYERS: tuple[str, ...] = ("raw", *project_vars()["layers"])
# The batch the incremental models take in, set in the environment (macros/incremental.sql): a
# tool that starts dbt on its own window clears these first, so that a shell's batch cannot leak in.
BATCH_VARIABLES = ("NEV_BATCH_LANDED_FROM", "NEV_BATCH_LANDED_BEFORE", "NEV_RAW_LOADED_BEFORE", "NEV_TEST_SCOPE")
# The first landing day of the demo data: Dagster's daily partitions start here.
PARTITIONS_START = "2024-11-01"


def business_utc_offset() -> dt.timedelta:
    """The business time zone's offset from UTC (Asia/Shanghai keeps no daylight saving time)."""
    return ZoneInfo(BUSINESS_TIME_ZONE).utcoffset(dt.datetime(2026, 1, 1))


# The same offset in whole hours, as the SQL that turns a UTC landing time into business time adds it.
BUSINESS_UTC_OFFSET_HOURS: int = int(business_utc_offset().total_seconds() // 3600)


@contextlib.contextmanager
def environment(values: dict[str, str | None]) -> Iterator[None]:
    """os.environ with these variables set (None: unset) for the block, as they were after it."""

    def put(variables: dict[str, str | None]) -> None:
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    saved = {name: os.environ.get(name) for name in values}
    put(values)
    try:
        yield
    finally:
        put(saved)


def raw_source() -> str:
    """What dbt reads as raw: `seeds` (the demo CSVs) or `landing` (dbt_project.yml, NEV_RAW_SOURCE)."""
    return _render(str(project_vars()["raw_source"])).strip()


def demo_clock() -> dt.datetime | None:
    """The demo's own clock: the morning after its last day of data (09:00, when that day is due),
    so that the demo's data is judged as a warehouse that is up to date. None when the warehouse
    reads real landings (NEV_RAW_SOURCE=landing) or NEV_CLOCK=real asks for the real clock."""
    if os.environ.get("NEV_CLOCK", "").strip().lower() == "real" or raw_source() != "seeds":
        return None
    from datagen.config import Config

    return dt.datetime.combine(Config().end + dt.timedelta(days=1), dt.time(9))


def business_now() -> dt.datetime:
    """The wall-clock time in the business time zone (naive, as the warehouse keeps times): NEV_NOW
    if pinned, else the demo's clock on the demo, else the real clock."""
    pinned = os.environ.get("NEV_NOW")
    if pinned:
        return dt.datetime.fromisoformat(pinned).replace(tzinfo=None)
    return demo_clock() or dt.datetime.now(ZoneInfo(BUSINESS_TIME_ZONE)).replace(tzinfo=None)


def _render(text: str) -> str:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["as_number"] = lambda v: float(v) if "." in str(v) else int(v)
    env.filters["as_bool"] = lambda v: str(v).strip().lower() in ("true", "1", "yes")
    return env.from_string(text).render(env_var=lambda name, default=None: os.environ.get(name, default))


def profile() -> dict:
    """profiles.yml's profile, rendered with the current environment as dbt renders it."""
    profiles = yaml.safe_load(_render((ROOT / "profiles.yml").read_text(encoding="utf-8")))
    return profiles["nev_warehouse"]


def dbt_executable(target: str) -> Path:
    """The dbt that can load the target's adapter: the Spark environment's for spark, else this one's."""
    import sys

    return (SPARK_VENV / "bin" / "dbt") if target == "spark" else Path(sys.executable).with_name("dbt")


def dbt_target() -> str:
    return profile()["target"]


def output(target: str | None = None) -> dict:
    return profile()["outputs"][target or dbt_target()]


def _in_project(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def warehouse_path() -> Path:
    """The DuckDB warehouse file (the duckdb target's path)."""
    return _in_project(output("duckdb")["path"])


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit (profiles.yml; NEV_DUCKDB_MEMORY_LIMIT)."""
    return output("duckdb")["settings"]["memory_limit"]


def duckdb_temp_dir() -> Path:
    """Where DuckDB spills (profiles.yml; NEV_DUCKDB_TEMP_DIR)."""
    return _in_project(output("duckdb")["config_options"]["temp_directory"])


def postgres_params() -> dict:
    """The postgres target's connection."""
    o = output("postgres")
    return {
        "host": o["host"],
        "port": int(o["port"]),
        "user": o["user"],
        "password": o["password"],
        "dbname": o["dbname"],
    }


def state_dir() -> Path:
    """Everything a run leaves behind: the warehouse, the landing zone, exports, alerts, Dagster."""
    return ROOT / "state"


def landing_dir() -> Path:
    return Path(os.environ.get("NEV_LANDING_DIR") or state_dir() / "landing")


def exports_dir() -> Path:
    return Path(os.environ.get("NEV_EXPORT_DIR") or state_dir() / "exports")


def alert_log() -> Path:
    return Path(os.environ.get("NEV_ALERT_LOG") or state_dir() / "alerts.log")


def prod_artifacts_dir() -> Path:
    return Path(os.environ.get("NEV_PROD_ARTIFACTS") or state_dir() / "prod-artifacts")
