"""One writer at a time on the DuckDB warehouse file.

DuckDB lets one process open a file read-write, or any number of processes open it read-only, but
never both at once: a reader started while dbt writes fails with "Could not set lock on file". So
every step that touches the warehouse (dbt runs, GX checks, metric exports, `mf` from a shell)
takes this advisory lock first and waits its turn instead of failing. The lock file beside the
warehouse says who holds it.

  python -m orchestration.lock -- .venv/bin/mf query --metrics lead_count --group-by metric_time__month
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import settings

DEFAULT_TIMEOUT_SECONDS = 30 * 60


class WarehouseBusy(TimeoutError):
    """The warehouse lock was not free within the timeout."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


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
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
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
        try:
            yield database
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


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
