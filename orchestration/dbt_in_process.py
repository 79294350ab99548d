"""dbt Core inside the run's own process, the project parsed once per run.

dagster-dbt starts a dbt process for every command: for the real-time job's four layer ops that is
four Python start-ups and four loads of the parsed project, about 3.5 s each against 0.7 s for a
second command in a warm process. Here the first op of a run parses (from the deployed partial parse,
about 1.5 s) and every op of the run builds on that parsed project with dbt's programmatic runner.
dagster-dbt reads the command through `InProcessDbt`, which has the side of a `subprocess.Popen` it
reads: dbt's events arrive as the JSON lines `dbt --log-format json` prints, so that materialisations,
check results and errors reach Dagster as they do from a dbt process.

Environment variables are read when dbt starts each command, so a batch window set by the op reaches
dbt as it would reach a new process. The parsed project records the variables it was parsed with;
a run that changes one of them parses again.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

PARTIAL_PARSE = "partial_parse.msgpack"
_END = object()
_parsed: dict[str, Any] = {}  # the one parsed project kept: {"key": ..., "manifest": ...}


class DbtParseFailed(RuntimeError):
    pass


def deployed_target_path(project_dir: Path) -> Path:
    """The target folder a deployment parsed into (`make manifest`): DBT_TARGET_PATH, else target/."""
    path = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return path if path.is_absolute() else project_dir / path


def parsed_project(key: str, project_args: list[str], target_path: Path, project_dir: Path):
    """dbt's parsed project for this run (key), parsing it on the first call: the deployment's partial
    parse is copied into the run's target folder first, so that only what changed is parsed."""
    from dbt.cli.main import dbtRunner

    environment = {name: os.environ.get(name) for name in _parsed.get("env_vars", [])}
    if _parsed.get("key") == key and _parsed.get("environment") == environment:
        return _parsed["manifest"]
    _parsed.clear()
    deployed = deployed_target_path(project_dir) / PARTIAL_PARSE
    if deployed.exists() and not (target_path / PARTIAL_PARSE).exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copy(deployed, target_path / PARTIAL_PARSE)
    result = dbtRunner().invoke(["parse", "--quiet", "--no-write-json", *project_args])
    if not result.success:
        raise DbtParseFailed(f"dbt could not parse the project: {result.exception}")
    manifest = result.result
    names = sorted(manifest.env_vars)
    _parsed.update(
        key=key,
        manifest=manifest,
        env_vars=names,
        environment={name: os.environ.get(name) for name in names},
    )
    return manifest


class _Lines:
    """dbt's events as the bytes lines of a process's stdout, ending when the command ends."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue()
        self.closed = False

    def put(self, line: str) -> None:
        self._queue.put(line.encode())

    def end(self) -> None:
        self._queue.put(_END)

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._queue.get()) is not _END:
            yield line

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True


class InProcessDbt:
    """One dbt command run by dbt's programmatic runner in a thread of this process, seen as the
    `subprocess.Popen` dagster-dbt's DbtCliInvocation expects (args, stdout, wait, returncode,
    send_signal). The exit code is dbt's: 0 success, 1 a node failed, 2 dbt itself failed."""

    def __init__(self, args: Sequence[str], manifest: Any) -> None:
        self.args = ["dbt", *args]
        self.stdout = _Lines()
        self.returncode: int | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._invoke, args=(list(args), manifest), daemon=True)
        self._thread.start()

    def _event(self, msg) -> None:
        from dbt_common.events.functions import msg_to_dict

        if msg.info.level != "debug":  # what a dbt process prints at its default log level
            self.stdout.put(json.dumps(msg_to_dict(msg), default=str))

    def _invoke(self, args: list[str], manifest: Any) -> None:
        from dbt.cli.main import dbtRunner

        try:
            result = dbtRunner(manifest=manifest, callbacks=[self._event]).invoke(args)
            if result.exception is not None:
                self.stdout.put(error_line(f"dbt stopped: {result.exception}"))
            self.returncode = 0 if result.success else (2 if result.exception is not None else 1)
        except BaseException as error:  # noqa: BLE001 (the thread's end must reach the reader)
            self.stdout.put(error_line(f"dbt stopped: {error!r}"))
            self.returncode = 2
        finally:
            release_duckdb()
            self._done.set()
            self.stdout.end()

    def wait(self, timeout: float | None = None) -> int | None:
        self._done.wait(timeout)
        return self.returncode

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, sig: int) -> None:  # noqa: ARG002 (Popen's signature)
        """An interrupted op: cancel the queries dbt has running, so that its command ends."""
        from dbt.adapters.factory import FACTORY

        for adapter in list(FACTORY.adapters.values()):
            adapter.cancel_open_connections()


def error_line(message: str) -> str:
    """An error as a dbt JSON log line (dagster-dbt collects their messages for the op's error)."""
    return json.dumps({"info": {"name": "InProcessError", "level": "error", "msg": message}, "data": {}})


def release_duckdb() -> None:
    """Close the warehouse file dbt-duckdb keeps open for the process (its profiles keep the database
    open between commands, which in a process of its own ends at exit): the op's next reader, GX or
    the findings of a failed test, opens it read-only, which DuckDB refuses while this process holds
    it read-write."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = DuckDBConnectionManager._ENV  # noqa: SLF001 (dbt-duckdb keeps it on the class)
    DuckDBConnectionManager.close_all_connections()
    if environment is not None:
        environment.close()
