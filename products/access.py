"""Who may read what: bearer tokens, each bound to one store or to all of them (head office).

The access file (NEV_ACCESS_FILE, else state/access.json) keeps each token's SHA-256, never the
token itself, with its holder:

  {"tokens": {"sha256:9f86d0...": {"name": "上海浦东店 店长", "store": "ST0001"},
              "sha256:60303a...": {"name": "总部", "store": null}}}

A token is shown once, when it is issued (`python -m products tokens issue`), and revoked by its
hash's first characters (`python -m products tokens revoke`). A store-bound token is held to its
store on the server for every board and API request: every query it makes carries a filter on its
store that no parameter can remove, and a request for another store is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import settings

PREFIX = "sha256:"
# What a store id looks like (ST0001); a board parameter that does not is malformed, not unknown.
STORE_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class Denied(PermissionError):
    """The request's token may not see what it asked for (or there is no valid token)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Reader:
    name: str
    store: str | None  # None: every store

    def check_store(self, requested: str | None) -> str | None:
        """The store this reader reads: its own when bound (another is refused), else the one asked."""
        if self.store and requested and requested != self.store:
            raise Denied(f"this token is bound to store {self.store}; it cannot read another store")
        return self.store or requested


def token_hash(token: str) -> str:
    return PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


def access_file() -> Path:
    return Path(os.environ.get("NEV_ACCESS_FILE") or settings.state_dir() / "access.json")


def read_file(path: Path) -> dict[str, dict]:
    """The file's entries by token hash ({} when there is no file)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("tokens", {})
    except FileNotFoundError:
        return {}


def write_file(path: Path, entries: dict[str, dict]) -> None:
    """Write the entries (by hash) so that only the file's owner can read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"tokens": entries}, f, indent=1, ensure_ascii=False)
    temporary.replace(path)


def issue(path: Path, name: str, store: str | None, token: str | None = None) -> str:
    """Add a token for `store` (None: head office) and return it; only its hash is kept."""
    token = token or (f"{store.lower()}-" if store else "hq-") + secrets.token_urlsafe(24)
    entries = read_file(path)
    entries[token_hash(token)] = {"name": name, "store": store}
    write_file(path, entries)
    return token


def revoke(path: Path, prefix: str) -> list[str]:
    """Remove the tokens whose hash starts with `prefix` (at least 8 hex digits); the hashes removed."""
    key = prefix if prefix.startswith(PREFIX) else PREFIX + prefix
    if len(key) < len(PREFIX) + 8:
        raise ValueError("give at least 8 characters of the token's hash (python -m products tokens list)")
    entries = read_file(path)
    gone = [h for h in entries if h.startswith(key)]
    if len(gone) > 1:
        raise ValueError(f"{len(gone)} tokens start with {prefix}: give more of the hash")
    for h in gone:
        del entries[h]
    write_file(path, entries)
    return gone


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
            entries = read_file(self.path)
            plain = [h for h in entries if not h.startswith(PREFIX)]
            if plain:  # an old file with tokens in the clear: they are not honoured
                print(
                    f"products: {len(plain)} token(s) in {self.path} are kept in the clear and are refused: "
                    "run `python -m products tokens list` to hash them",
                    file=sys.stderr,
                )
            self._tokens = {
                h: Reader(v.get("name", ""), v.get("store")) for h, v in entries.items() if h.startswith(PREFIX)
            }
            self._mtime = mtime

    def reader(self, token: str | None) -> Reader:
        self._load()
        if not token:
            raise Denied("a token is required: ?token=... or the header 'Authorization: Bearer ...'", 401)
        reader = self._tokens.get(token_hash(token))
        if reader is None:
            raise Denied("unknown or revoked token", 401)
        return reader


def hash_plain_tokens(path: Path) -> int:
    """Replace tokens an older file keeps in the clear by their hashes; how many were replaced."""
    entries = read_file(path)
    plain = [t for t in entries if not t.startswith(PREFIX)]
    if plain:
        write_file(path, {(h if h.startswith(PREFIX) else token_hash(h)): v for h, v in entries.items()})
    return len(plain)


def write_demo_file(path: Path, stores: list[tuple[str, str]]) -> dict[str, dict] | None:
    """A new access file with one head-office token and one per store (store_id, store_name): the
    tokens by holder, to show once. None when the file exists (its tokens cannot be shown again)."""
    if path.exists():
        return None
    shown = {issue(path, "总部 (all stores)", None): {"name": "总部 (all stores)", "store": None}}
    for store_id, store_name in stores:
        shown[issue(path, store_name, store_id)] = {"name": store_name, "store": store_id}
    return shown
