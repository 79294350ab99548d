"""The environment Dagster, GX and MetricFlow import is whole: every entry point imports in a fresh
process and says so, and the Spark packages stay in their own environment (.venv-spark).

pyspark ends the importing process with exit code 0 and no output when its optional packages are
missing (`sys.exit` in pyspark.sql.connect), so a run that imports it dies without a cause; only a
separate process can see that."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from conftest import ROOT

ENTRY_POINTS = ["quality.run", "orchestration.definitions", "indicators.engine", "products.server", "bench.builds"]


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_each_entry_point_imports_in_a_fresh_process(module: str):
    done = "imported " + module
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}; print({done!r})"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "DBT_PROFILES_DIR": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 0 and result.stdout.strip().endswith(done), (
        f"importing {module} ended with code {result.returncode} and printed {result.stdout[-500:]!r} "
        f"{result.stderr[-1500:]}"
    )


def test_the_spark_packages_are_not_in_this_environment():
    for package in ("pyspark", "dbt.adapters.spark"):
        try:
            found = importlib.util.find_spec(package) is not None
        except ModuleNotFoundError:
            found = False
        assert not found, f"{package} is installed in {sys.prefix}: it belongs in .venv-spark (Makefile SPARK_VENV)"


@pytest.mark.parametrize("goal", ["build", "bench", "manifest", "lint", "docs"])
def test_each_target_on_spark_runs_dbt_from_the_environment_that_has_its_adapter(goal: str):
    """Under TARGET=spark, a dbt command from .venv (no Spark adapter) must name a target it can load:
    `make bench TARGET=spark` once stopped at its first line with "Could not find adapter type spark"."""
    dry = subprocess.run(
        ["make", "-n", goal, "TARGET=spark"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    for line in dry.stdout.splitlines():
        if ".venv/bin/dbt " in line and "dbt-score" not in line:
            assert "--target duckdb" in line or "--target ci" in line, f"make {goal} TARGET=spark runs: {line}"
