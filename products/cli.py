"""bin/mf's warm path: `mf query` answered by the running metrics server's warm engine.

`mf` spends 3 to 8 s starting (imports, the manifest, the engine) for a query the server answers
in milliseconds. When `make serve` runs on the same warehouse, bin/mf sends it the query instead:

    bin/mf query --metrics lead_count --group-by metric_time__month --order metric_time__month

and prints what mf prints (the success line, then MetricFlow's own table, or the CSV file for
--csv). Only structured options take this path: --metrics, --group-by, --order, --limit,
--start-time, --end-time, --decimals, --csv, --quiet, and a --where made of comparisons of a
Dimension, TimeDimension or Entity with a quoted literal joined by `and`, which goes to the server
as structured filters (never as SQL text; products/filters.py checks them as it does the API's).
Anything else (another where clause, --explain, --saved-query, another command), no server, or a
server on another warehouse, and bin/mf runs mf itself, under the warehouse lock, as before.

The server, while it runs, keeps a file beside the access file (`serve.json`, mode 600) with its
URL, its warehouse and a secret; only this machine's user who can read it is answered.
This module imports nothing heavy: its start is the interpreter's.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import settings

SERVER_FILE = "serve.json"
# mf query's options this path answers, as mf spells them -> how many values each takes
OPTIONS = {
    "--metrics": 1,
    "--group-by": 1,
    "--order": 1,
    "--limit": 1,
    "--start-time": 1,
    "--end-time": 1,
    "--decimals": 1,
    "--csv": 1,
    "--quiet": 0,
    "--where": 1,
}
# A where clause this path can send as structure: comparisons of one field with one quoted literal,
# joined by `and` (the form the docs' queries use). Any other clause is mf's to run.
CLAUSE = re.compile(
    r"\{\{\s*(Dimension|TimeDimension|Entity)\(\s*'([a-z][a-z0-9_]*)'\s*(?:,\s*'([a-z]+)'\s*)?\)\s*\}\}"
    r"\s*(<=|>=|!=|=|<|>)\s*'([^',]{1,64})'"
)


def server_file() -> Path:
    return Path(os.environ.get("NEV_ACCESS_FILE") or settings.state_dir() / "access.json").with_name(SERVER_FILE)


@contextlib.contextmanager
def serving(url: str, database: Path):
    """While the server runs: the file that tells bin/mf where it is, readable by its owner only."""
    path = server_file()
    secret = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": url, "database": str(Path(database).resolve()), "secret": secret, "pid": os.getpid()}, f)
    try:
        yield secret
    finally:
        with contextlib.suppress(FileNotFoundError):
            if json.loads(path.read_text()).get("secret") == secret:
                path.unlink()


def parse(argv: list[str]) -> argparse.Namespace | None:
    """mf's query options, when every one given is one this path answers; else None. A value is
    the next word as it is (an order of `-delivery_count` is a value, not an option)."""
    if not argv or argv[0] != "query":
        return None
    found = dict.fromkeys((o[2:].replace("-", "_") for o in OPTIONS), None)
    rest = argv[1:]
    i = 0
    while i < len(rest):
        option, equals, value = rest[i].partition("=")
        if option not in OPTIONS:
            return None  # an option mf has and this path does not: mf itself
        key = option[2:].replace("-", "_")
        if found[key] is not None:
            return None  # an option given twice: mf decides what that means
        if OPTIONS[option] == 0:
            found[key] = True
            i += 1
            continue
        if not equals:
            if i + 1 >= len(rest):
                return None
            value = rest[i + 1]
        found[key] = value
        i += 1 if equals else 2
    if found["where"] is not None:
        found["filter"] = where_filters(found["where"])
        if found["filter"] is None:
            return None
    return argparse.Namespace(**found) if found["metrics"] else None


def where_filters(text: str) -> list[str] | None:
    """A where clause as the server's structured filters (field:op:value), or None if it is not
    one this path can send."""
    out = []
    for clause in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        m = CLAUSE.fullmatch(clause.strip())
        if m is None:
            return None
        kind, name, grain, op, value = m.groups()
        if (kind == "TimeDimension") != (grain is not None):
            return None
        out.append(f"{name}__{grain}:{op}:{value}" if grain else f"{name}:{op}:{value}")
    return out


def names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def ask(a: argparse.Namespace, timeout: float = 60.0) -> dict | None:
    """The server's answer, or None when there is no server for this warehouse or it refused."""
    try:
        found = json.loads(server_file().read_text())
        os.kill(int(found["pid"]), 0)  # a file left by a server that died
    except (OSError, ValueError, KeyError):
        return None
    if found.get("database") != str(settings.warehouse_path().resolve()):
        return None
    try:
        body = {
            "metrics": names(a.metrics),
            "group_by": names(a.group_by),
            "order": names(a.order),
            "filter": getattr(a, "filter", None) or [],
            "limit": int(a.limit) if a.limit is not None else None,
            "decimals": int(a.decimals) if a.decimals is not None else None,
            "start_time": a.start_time,
            "end_time": a.end_time,
        }
    except ValueError:
        return None
    request = urllib.request.Request(
        found["url"] + "/cli/query",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Serve-Secret": found["secret"]},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def main(argv: list[str]) -> int:
    """Answer through the server and exit 0, or exit 3: the caller then runs mf itself."""
    start = time.perf_counter()
    a = parse(argv)
    answer = ask(a) if a else None
    if answer is None:
        return 3
    say = (lambda text: None) if a.quiet else print
    say(f"✔ Success 🦄 - query completed after {time.perf_counter() - start:.2f} seconds")
    if answer["empty"]:
        say("🕳 Query returned an empty result set")
    elif a.csv:
        Path(a.csv).write_text(answer["csv"])
        say(f"🖨 Wrote query output to {a.csv}")
    else:
        print(answer["text"])
    if os.environ.get("NEV_MF_VERBOSE"):
        print("bin/mf: answered by the metrics server's warm engine", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
