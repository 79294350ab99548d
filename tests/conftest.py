"""Shared fixtures: run dbt against scratch DuckDB files and scratch copies of the project."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

import settings

ROOT = Path(__file__).resolve().parents[1]
DBT = str(settings.dbt_executable("duckdb"))
SPARK_DBT = str(settings.dbt_executable("spark"))
# What a run takes in (macros/incremental.sql), set per test, never inherited: settings.BATCH_VARIABLES.
# The raw-to-ODS reconciliation, all its passes (macros/tests/raw_reconciliation.sql).
RECONCILIATION = "assert_every_raw_row_reaches_ods_or_rejects*"
# Never copied into a scratch project: environments (.venv, and .venv-spark once `make test-spark` has
# made it: 600 MB), build output, caches, and the temporary home a plain `dagster dev` keeps in the
# folder it starts in while it runs (a test starts one: copying it could race its removal).
COPY_IGNORE = shutil.ignore_patterns(
    ".venv*",
    ".git",
    "state",
    "target",
    "logs",
    "data",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "dbt_packages",
    ".tmp_dagster_home_*",
)


# The modules that build whole warehouses, longest first (as `pytest --durations=0` measured them).
# pytest-xdist (--dist loadfile --no-loadscope-reorder; by default it orders modules by their number
# of tests) hands each worker the modules in collection order, so starting with these keeps one long
# module from running alone at the end while the other workers idle. Only the order changes, never
# what runs.
LONGEST_FIRST = [
    "test_bench.py",
    "test_incremental.py",
    "test_incremental_late.py",
    "test_orchestration.py",
    "test_cross_engine.py",
    "test_runbook.py",
    "test_data_tests_fail_on_bad_data.py",
    "test_ci.py",
    "test_bad_input.py",
]


# Tests that build, copy or serve a warehouse (marked `warehouse`; `make check` runs the others).
WAREHOUSE_FIXTURES = {"built_warehouse", "project_copy", "warehouse_copy", "damage_site"}
WAREHOUSE_MODULES = {
    "test_orchestration.py",
    "test_bench.py",
    "test_runbook.py",
    "test_dagster_ui.py",
    "test_cross_engine.py",
    "test_cross_engine_spark.py",
    "test_boards.py",
    "test_api.py",
    "test_lint.py",
    "test_ci.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the tests of a module keep their order
    for item in items:
        if WAREHOUSE_FIXTURES & set(getattr(item, "fixturenames", ())) or item.path.name in WAREHOUSE_MODULES:
            item.add_marker(pytest.mark.warehouse)


@dataclass
class DbtResult:
    returncode: int
    output: str


@dataclass
class Project:
    """A dbt project directory and the DuckDB file its runs write to."""

    path: Path
    database: Path
    env: dict[str, str] = field(default_factory=dict)  # more settings for dbt (another target's server)
    parse_from: Path | None = None  # a target folder of this project whose parse a new one starts from

    def dbt(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> DbtResult:
        """Run dbt on this project and file; env: more variables (a batch window, say)."""
        work = self.database.parent
        work.mkdir(parents=True, exist_ok=True)
        if self.path == ROOT:  # not a copy: see start_from_shared_parse
            start_from_shared_parse(self.target)
        elif self.parse_from:
            continue_parse(self.target, self.parse_from)
        if self.env or args[0] == "parse":  # another engine's server; the parse's written files
            proc = run_dbt(self.path, work, self.database.name, args, {**self.env, **(env or {})})
            result = DbtResult(proc.returncode, proc.stdout + proc.stderr)
        else:
            # the session's parse fits only a call that sets nothing read while parsing
            shared = self.path == ROOT and not env and "--vars" not in args
            result = run_dbt_in_process(self.path, work, self.database.name, args, env or {}, shared)
        if check and result.returncode != 0:
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.output[-4000:]}")
        return result

    @property
    def target(self) -> Path:
        """dbt's target folder of this project's runs."""
        return self.database.parent / "target"

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql).fetchall()


def run_dbt(project: Path, work: Path, database: str, args, more_env: dict[str, str]) -> subprocess.CompletedProcess:
    """dbt on `project`, run in `work` on the DuckDB file `database` there.

    dbt parses a project again in full (about 5 s of CPU more than a partial parse) whenever the
    profile's connection changes, and the DuckDB file's path is part of it. So the file and its spill
    folder are named relative to `work`, the folder dbt runs in: every test's profile is then the same,
    whatever folder its file is in, and a test's first dbt call on the repository's project
    reuses the session's shared parse."""
    env = dbt_environment(project, database, more_env)
    dbt = SPARK_DBT if "spark" in [b for a, b in zip(args, args[1:], strict=False) if a == "--target"] else DBT
    return subprocess.run([dbt, *args, *dbt_folders(project, work)], cwd=work, env=env, capture_output=True, text=True)


def dbt_environment(project: Path, database: str, more_env: dict[str, str]) -> dict[str, str]:
    # DBT_TARGET: a developer's own setting must not send the tests' builds to another engine.
    # The batch variables of the developer's shell must not leak into a test's build either.
    base = {k: v for k, v in os.environ.items() if k not in settings.BATCH_VARIABLES}
    return dict(
        base,
        NEV_DUCKDB_PATH=database,
        DBT_PROFILES_DIR=str(project),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_TARGET="duckdb",
        NEV_DUCKDB_TEMP_DIR="duckdb_tmp",
        **more_env,
    )


def dbt_folders(project: Path, work: Path) -> list[str]:
    return ["--project-dir", str(project), "--target-path", str(work / "target"), "--log-path", str(work / "logs")]


# The repository's project as dbt parsed it in this worker (see run_dbt_in_process).
PARSED: list = []


def run_dbt_in_process(
    project: Path, work: Path, database: str, args, more_env: dict[str, str], shared: bool
) -> DbtResult:
    """dbt on `project` inside this worker (dbt's programmatic runner), on the file `database` in
    `work`: a call skips the interpreter's start and dbt's imports (about 2.5 s of CPU). With `shared`
    (the repository's project, nothing set that is read while parsing) it also skips the parse: the
    project is parsed once per worker. Otherwise dbt parses as its command line does, from the
    target folder's partial_parse.msgpack. The output is the text of dbt's events, as its console
    shows them."""
    from dbt.cli.main import dbtRunner

    lines: list[str] = []

    def keep(event) -> None:
        if event.info.level != "debug":
            lines.append(event.info.msg)

    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.clear()
    os.environ.update(dbt_environment(project, database, more_env))
    os.chdir(work)
    try:
        manifest = None
        if shared:
            if not PARSED:
                parsed = dbtRunner().invoke(["parse", "--quiet", *dbt_folders(ROOT, work)])
                assert parsed.success, f"dbt parse failed: {parsed.exception}"
                PARSED.append(parsed.result)
            manifest = PARSED[0]
        result = dbtRunner(manifest=manifest, callbacks=[keep]).invoke([*args, *dbt_folders(project, work)])
    finally:
        # dbt-duckdb keeps its DuckDB connection for the next call with the same profile (the same
        # relative file name): close it, so that the file is free for the test (and the next copy).
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
        DuckDBConnectionManager.close_all_connections()
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    if result.exception is not None:
        lines.append(f"{type(result.exception).__name__}: {result.exception}")
    return DbtResult(0 if result.success else 1, "\n".join(lines))


# Where the session's shared parse is made, once for every xdist worker (set when the session starts).
SHARED_PARSE: list[Path] = []


@pytest.fixture(autouse=True)
def servers_can_be_stopped():
    """Dagster restores the interrupt handlers after an in-process run by giving SIGTERM whatever
    SIGINT has (dagster/_utils/interrupts.py). Where SIGINT is ignored, as in a shell's background
    job, that leaves SIGTERM ignored in this process, and every server a later test starts inherits
    it and outlives terminate(): put SIGTERM back to its default after each test."""
    yield
    if signal.getsignal(signal.SIGTERM) == signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture(scope="session", autouse=True)
def shared_parse_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.getbasetemp()
    # xdist workers have folders of their own under one folder of the session's
    SHARED_PARSE.append((base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "dbt-parse")


def start_from_shared_parse(target: Path) -> None:
    """Give a new dbt target folder the repository's project parsed once for the session (dbt's
    partial_parse.msgpack), so that its first run parses only the files that differ. For the
    repository's own project only: a seed's node keeps the folder it was parsed in, and dbt hashes a
    seed over 1 MB by its relative path, so a copy whose large seed a test changed would load the
    repository's file instead."""
    if not SHARED_PARSE or (target / "partial_parse.msgpack").exists():
        return
    shared = SHARED_PARSE[0]
    shared.mkdir(parents=True, exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker parses, the others wait and reuse it
        if not (shared / "target" / "partial_parse.msgpack").exists():
            proc = run_dbt(ROOT, shared, "warehouse.duckdb", ["parse", "--quiet"], {})
            assert proc.returncode == 0, f"dbt parse failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
    continue_parse(target, shared / "target")


def parse_repository() -> Path:
    """The repository's own target/ with a manifest and semantic manifest of the current files, parsed
    once for the session; returns that folder. Other workers read these files meanwhile (the Dagster
    webserver loads its definitions from them), and dbt writes them in place: a reader caught half-way
    fails (JSONDecodeError in 44 of 1,460 reads during four parses). So the parse writes into a folder
    of its own, and each file is moved into target/ whole."""
    import tempfile

    target = ROOT / "target"
    target.mkdir(exist_ok=True)
    shared = SHARED_PARSE[0]
    shared.mkdir(parents=True, exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (shared / "repository-parsed").exists():
            return target
        staging = Path(tempfile.mkdtemp(prefix=".parse-", dir=target))
        try:
            if (target / "partial_parse.msgpack").exists():
                shutil.copy(target / "partial_parse.msgpack", staging)
            proc = subprocess.run(
                [DBT, "parse", "--quiet", "--project-dir", str(ROOT), "--target-path", str(staging)],
                cwd=ROOT,
                env=dict(os.environ, DBT_PROFILES_DIR=str(ROOT)),
                capture_output=True,
                text=True,
            )
            assert proc.returncode == 0, f"dbt parse failed:\n{(proc.stdout + proc.stderr)[-4000:]}"
            for written in staging.iterdir():
                if written.is_file():
                    os.replace(written, target / written.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        (shared / "repository-parsed").touch()
    return target


def continue_parse(target: Path, parsed: Path) -> None:
    """Start a new dbt target folder from the parse in another of the same project (dbt's
    partial_parse.msgpack): its first run parses only the files that differ."""
    if (target / "partial_parse.msgpack").exists():
        return
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(parsed / "partial_parse.msgpack", target)


def parsed_rows(db: Path) -> dict[str, int]:
    """Rows in each raw table's parsed batch (ods.*_parsed)."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'ods' and table_name like '%\\_parsed' escape '\\'"
        ).fetchall()
        return {n: con.execute(f"select count(*) from ods.{n}").fetchone()[0] for (n,) in names}


def copy_project(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
    return dest


@pytest.fixture
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A scratch copy of the project whose files a test may change. The copy is made anew at one
    place per worker, and dbt runs on it in one folder there: each test's parse continues from the
    test before, so dbt parses again only the files that differ (a seed over 1 MB, which dbt knows by
    its path only, is read from that same path when it is loaded). The DuckDB file starts empty."""
    base = tmp_path_factory.getbasetemp()
    shutil.rmtree(base / "project", ignore_errors=True)
    work = base / "project-work"
    shutil.rmtree(work / "duckdb_tmp", ignore_errors=True)
    for stale in work.glob("warehouse.duckdb*"):
        stale.unlink()
    return Project(copy_project(base / "project"), work / "warehouse.duckdb")


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The repository's project fully built once (dbt build, every data test passing) into a scratch
    DuckDB file. `make test` has just done that build: NEV_TEST_BUILT_WAREHOUSE names its file, which
    is copied instead of built again."""
    work = tmp_path_factory.mktemp("built")
    project = Project(ROOT, work / "warehouse.duckdb")
    prebuilt = os.environ.get("NEV_TEST_BUILT_WAREHOUSE")
    if prebuilt:
        shutil.copy(prebuilt, project.database)
    else:
        project.dbt("build", "--full-refresh", "--quiet")
    return project


def start_from(built: Project, project: Project) -> Project:
    """A project whose DuckDB file begins as a copy of the built warehouse (seeds and models as on main)."""
    project.database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(built.database, project.database)
    return project


@pytest.fixture(scope="module")
def damage_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a module's damaged copies go, each in turn at the same path: one file's worth of disk, and
    one dbt target folder, whose parse each case continues from the case before."""
    return tmp_path_factory.mktemp("damaged")


@pytest.fixture
def warehouse_copy(built_warehouse: Project, damage_site: Path) -> Project:
    """A fresh copy of the built warehouse that a test may damage."""
    db = damage_site / "warehouse.duckdb"
    db.with_name(db.name + ".wal").unlink(missing_ok=True)
    shutil.copy(built_warehouse.database, db)
    return Project(ROOT, db)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave artefacts for a person to look at (screenshots): state/test-output/."""
    path = Path(os.environ.get("NEV_TEST_OUTPUT", ROOT / "state" / "test-output"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Server:
    """`python -m products serve` as a real process, on a copy of the built warehouse."""

    url: str
    database: Path
    access: Path
    hq: str  # a head-office token
    store: str  # a store and its bound token
    store_token: str
    other_store: str
    log: Path

    def get(self, path: str, token: str | None = None, timeout: float = 30):
        """(status, headers, body bytes) of a GET, errors included."""
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()


def wait_until_serving(url: str, proc: subprocess.Popen, log: Path, what: str, timeout: float = 120) -> None:
    """Wait until a server process answers `url`; if it exits or the time runs out, fail with its log."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"{what} did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.3)


def start_products_server(built: Project, work: Path, busy_timeout: float = 2.0):
    """Start the server on a copy of the built warehouse; returns (Server, process)."""
    import socket

    from products.access import issue

    database = work / "warehouse.duckdb"
    shutil.copy(built.database, database)
    with duckdb.connect(str(database), read_only=True) as con:
        (store, _), (other, _) = con.execute(
            "select store_id, store_name from dwd.dwd_dim_store order by 1 limit 2"
        ).fetchall()
    access = work / "access.json"
    hq, store_token = issue(access, "总部", None), issue(access, "店长", store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = work / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "products", "serve", "--port", str(port), "--busy-timeout", str(busy_timeout)],
        cwd=ROOT,
        env=dict(
            os.environ,
            NEV_DUCKDB_PATH=str(database),
            NEV_ACCESS_FILE=str(access),
            PYTHONPATH=str(ROOT),
            DBT_PROFILES_DIR=str(ROOT),
        ),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(f"{url}/healthz", proc, log, "the products server")
    return Server(url, database, access, hq, store, store_token, other, log), proc


@pytest.fixture(scope="module")
def products_server(built_warehouse: Project, tmp_path_factory: pytest.TempPathFactory):
    server, proc = start_products_server(built_warehouse, tmp_path_factory.mktemp("products"))
    yield server
    proc.terminate()
    proc.wait(timeout=30)


def run_status_context(instance, run_id: str, sensor_name: str = "alert_on_run_failure"):
    """A run-status sensor's context for a finished run (in-process or through execute_job): for the
    failure alert, the run's failure; for another sensor (the recovery alert), its success."""
    import dagster as dg

    failure = sensor_name == "alert_on_run_failure"
    status = dg.DagsterEventType.RUN_FAILURE if failure else dg.DagsterEventType.RUN_SUCCESS
    records = instance.get_records_for_run(run_id).records
    event = next(r.event_log_entry.dagster_event for r in records if r.event_log_entry.dagster_event_type == status)
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor_name,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run_id),
        dagster_event=event,
    )
    return context.for_run_failure() if failure else context
