"""Who may read what: bearer tokens, each bound to one store or to all of them (head office).

The access file (NEV_ACCESS_FILE, else state/access.json) maps a token to its holder:

  {"tokens": {"<token>": {"name": "上海浦东店 店长", "store": "S001"},
              "<token>": {"name": "总部", "store": null}}}

A store-bound token is checked on the server for every board and API request: its queries always
carry a filter on its store, and a request for another store is refused. `python -m products
tokens` writes a demo file with one head-office token and one token per store.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import settings


class Denied(PermissionError):
    """The request's token may not see what it asked for (or there is no valid token)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Reader:
    name: str
    store: str | None  # None: every store

    def store_filter(self) -> list[str]:
        """The where constraints that keep a store-bound reader to its store's rows."""
        return [f"{{{{ Entity('store') }}}} = '{self.store}'"] if self.store else []

    def check_store(self, requested: str | None) -> str | None:
        """The store this reader reads: its own when bound (another is refused), else the one asked."""
        if self.store and requested and requested != self.store:
            raise Denied(f"this token is bound to store {self.store}; store {requested} is not readable with it")
        return self.store or requested


def access_file() -> Path:
    return Path(os.environ.get("NEV_ACCESS_FILE") or settings.state_dir() / "access.json")


class Access:
    def __init__(self, path: Path | None = None):
        self.path = path or access_file()
        self._mtime = None
        self._tokens: dict[str, Reader] = {}

    def _load(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            self._tokens = {}
            return
        if mtime != self._mtime:
            data = json.loads(self.path.read_text())
            self._tokens = {t: Reader(v.get("name", ""), v.get("store")) for t, v in data.get("tokens", {}).items()}
            self._mtime = mtime

    def reader(self, token: str | None) -> Reader:
        self._load()
        if not token:
            raise Denied("a token is required: ?token=... or the header 'Authorization: Bearer ...'", 401)
        reader = self._tokens.get(token)
        if reader is None:
            raise Denied(f"unknown token (see {self.path})", 401)
        return reader


def write_demo_file(path: Path, stores: list[tuple[str, str]]) -> dict:
    """One head-office token and one per store (store_id, store_name); keeps an existing file."""
    if path.exists():
        return json.loads(path.read_text())
    tokens = {"hq-" + secrets.token_urlsafe(12): {"name": "总部 (all stores)", "store": None}}
    for store_id, store_name in stores:
        tokens[f"{store_id.lower()}-" + secrets.token_urlsafe(12)] = {"name": store_name, "store": store_id}
    data = {"tokens": tokens}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    return data
