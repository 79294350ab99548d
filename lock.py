"""One writer at a time on the DuckDB warehouse file.

DuckDB lets one process open a file read-write, or any number of processes open it read-only, but
never both at once: a reader started while dbt writes fails with "Could not set lock on file". So
every step that touches the warehouse (dbt runs, GX checks, metric exports, `mf` from a shell)
takes this advisory lock first and waits its turn instead of failing. The lock file beside the
warehouse says who holds it.

  python -m lock -- .venv/bin/mf query --metrics lead_count --group-by metric_time__month

A plain `dbt build` takes it too: profiles.yml loads this module as a dbt-duckdb plugin (`Plugin`
below), which takes the lock before dbt opens the file read-write and lets it go when that
connection closes. A process started under the lock (the Makefile's targets, Dagster's dbt steps)
finds its ancestor's hold in NEV_WAREHOUSE_LOCK_HELD and does not wait for itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import subprocess
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import settings

DEFAULT_TIMEOUT_SECONDS = 30 * 60
# "<lock file>|<pid>" while that process holds the lock: its children run under its hold.
HELD = "NEV_WAREHOUSE_LOCK_HELD"


class WarehouseBusy(TimeoutError):
    """The warehouse lock was not free within the timeout."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def acquire(
    database: Path,
    holder: str = "",
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    log: Callable[[str], None] = lambda message: None,
    poll: float = 0.2,
) -> IO[str]:
    """Take the warehouse's lock, waiting (logging every 10 s) while another holds it: the open lock
    file, whose closing (release) lets it go."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held until release()
    started = time.monotonic()
    next_log = 0.0
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            waited = time.monotonic() - started
            handle.seek(0)
            current = handle.read().strip() or "another process"
            if waited >= timeout:
                handle.close()
                raise WarehouseBusy(
                    f"{database} is busy: held by {current}; gave up after {waited:.0f} s (lock file {path})"
                ) from None
            if waited >= next_log:
                log(f"waiting for the warehouse lock on {database}, held by {current} ({waited:.0f} s)")
                next_log += 10
            time.sleep(poll)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} ({holder or ' '.join(sys.argv)}) since {time.strftime('%H:%M:%S')}\n")
    handle.flush()
    return handle


def release(handle: IO[str]) -> None:
    if handle.closed:
        return
    handle.seek(0)
    handle.truncate()
    handle.flush()
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


@contextlib.contextmanager
def warehouse_lock(
    database: Path | None = None,
    holder: str = "",
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    log: Callable[[str], None] = lambda message: None,
    poll: float = 0.2,
) -> Iterator[Path]:
    """Hold the warehouse's lock for the block; wait (logging every 10 s) while another holds it."""
    database = Path(database) if database else settings.warehouse_path()
    handle = acquire(database, holder, timeout, log, poll)
    before = os.environ.get(HELD)
    os.environ[HELD] = f"{lock_path(database.resolve())}|{os.getpid()}"
    try:
        yield database
    finally:
        if before is None:
            os.environ.pop(HELD, None)
        else:
            os.environ[HELD] = before
        release(handle)


def held_by_this_process_or_an_ancestor(database: Path) -> bool:
    held, _, pid = os.environ.get(HELD, "").rpartition("|")
    if held != str(lock_path(database.resolve())) or not pid.isdigit():
        return False
    current, seen = os.getpid(), set()
    while current > 1 and current not in seen:
        if current == int(pid):
            return True
        seen.add(current)
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
        except OSError:
            return False
        current = int(stat.rsplit(")", 1)[1].split()[1])  # the parent's pid
    return False


def __getattr__(name: str):
    # dbt-duckdb loads `Plugin` from the module profiles.yml names; made on first use, so that the
    # readers that import this module (the server, GX) do not import dbt for it.
    if name == "Plugin":
        return _plugin_class()
    raise AttributeError(name)


@functools.cache
def _plugin_class():
    from dbt.adapters.duckdb.plugins import BasePlugin

    class Plugin(BasePlugin):
        """dbt-duckdb plugin: take the warehouse lock before the file opens read-write (a read-only,
        in-memory or already held file is left alone); let it go when the connection closes."""

        def initialize(self, plugin_config):
            self._handle = None

        def update_connection_config(self, creds, config):
            database = Path(creds.path)
            read_only = str(config.get("access_mode", "")).upper() == "READ_ONLY"
            if (
                self._handle is not None
                or read_only
                or creds.path in ("", ":memory:")
                or held_by_this_process_or_an_ancestor(database)
            ):
                return
            self._handle = acquire(
                database, holder=f"dbt {' '.join(sys.argv[1:3])}", log=lambda m: print(m, file=sys.stderr, flush=True)
            )
            weakref.finalize(self, release, self._handle)

        def configure_connection(self, conn):
            if self._handle is not None:
                handle, self._handle = self._handle, None
                weakref.finalize(conn, release, handle)

    return Plugin


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    with warehouse_lock(holder=" ".join(argv), log=lambda m: print(m, file=sys.stderr, flush=True)):
        return subprocess.call(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
