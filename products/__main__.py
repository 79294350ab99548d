"""python -m products: the boards and the metrics API (see products/server.py), and their tokens.

python -m products serve [--host 127.0.0.1] [--port 8050] [--busy-timeout 5]
python -m products tokens                           list the tokens: hash prefix, store, holder
python -m products tokens issue --store ST0001 --name "上海浦东店 店长"   a store-bound token, shown once
python -m products tokens issue --hq --name "总部 分析"                 a head-office token (every store)
python -m products tokens revoke 9f86d081                             revoke by the first characters of its hash
"""

from __future__ import annotations

import argparse
import os
import sys

import settings

from . import access


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m products", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the boards and the API")
    s.add_argument("--host", default=os.environ.get("NEV_SERVE_HOST", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("NEV_SERVE_PORT", "8050")))
    s.add_argument(
        "--busy-timeout",
        type=float,
        default=5.0,
        help="seconds a query waits for a writer before a 503 (default %(default)s)",
    )
    t = sub.add_parser("tokens", help="list, issue or revoke the tokens of the access file")
    t.add_argument("action", nargs="?", choices=["list", "issue", "revoke"], default="list")
    t.add_argument("hash", nargs="?", help="revoke: the first 8 or more characters of the token's hash")
    t.add_argument("--store", help="issue: the store the token is bound to")
    t.add_argument("--hq", action="store_true", help="issue: a head-office token, every store")
    t.add_argument("--name", default="", help="issue: who holds it")
    a = p.parse_args(argv)
    path = access.access_file()
    if a.command == "tokens":
        return tokens(a, path)

    database = settings.warehouse_path()
    if not database.exists():
        print(f"products: no warehouse at {database}: run `make demo` first", file=sys.stderr)
        return 2
    import uvicorn

    from .boards import Boards
    from .semantic import SemanticLayer
    from .server import create_app

    layer = SemanticLayer(database, busy_timeout=a.busy_timeout)
    hashed = access.hash_plain_tokens(path)
    if hashed:
        print(f"products: {hashed} token(s) kept in the clear in {path} are now kept as hashes")
    shown = access.write_demo_file(path, sorted(Boards(layer).stores().items()))
    base = f"http://{a.host}:{a.port}"
    print(f"products: serving {database} on {base} (tokens in {path})")
    if shown:  # a new access file: its tokens can be shown this once
        hq = next(t for t, who in shown.items() if not who["store"])
        bound = next(((t, who["store"]) for t, who in shown.items() if who["store"]), None)
        print("  new access file: these tokens are shown once (python -m products tokens issue makes more)")
        if bound:
            print(f"  门店看板   {base}/boards/store?token={bound[0]}   (bound to {bound[1]})")
        print(f"  经营大屏   {base}/boards/c-level?token={hq}")
        print(f"  经销商月报 {base}/boards/dealer?token={hq}")
        print(f"  API        {base}/api/metrics?token={hq}")
    else:
        print("  a token for a board: python -m products tokens issue --hq (or --store <id>)")
    sys.stdout.flush()
    from .cli import serving

    with serving(base, database) as secret:  # tells bin/mf where a warm engine answers, while it runs
        uvicorn.run(create_app(layer, cli_secret=secret), host=a.host, port=a.port, log_level="warning")
    return 0


def tokens(a: argparse.Namespace, path) -> int:
    if a.action == "issue":
        if bool(a.store) == a.hq:
            print("products tokens issue: give --store <store id> or --hq", file=sys.stderr)
            return 2
        if a.store and not access.STORE_ID.fullmatch(a.store):
            print("products tokens issue: a store id is letters, digits, - and _", file=sys.stderr)
            return 2
        token = access.issue(path, a.name or (a.store or "总部"), a.store)
        print(f"{token}\t{access.token_hash(token)[len(access.PREFIX) :][:12]}\t{a.store or 'all stores'}")
        print(f"products: issued; {path} keeps only its hash, so copy the token now", file=sys.stderr)
        return 0
    if a.action == "revoke":
        try:
            gone = access.revoke(path, a.hash or "")
        except ValueError as e:
            print(f"products tokens revoke: {e}", file=sys.stderr)
            return 2
        if not gone:
            print(f"products tokens revoke: no token's hash starts with {a.hash}", file=sys.stderr)
            return 1
        print(f"revoked {gone[0][len(access.PREFIX) :][:12]}")
        return 0
    hashed = access.hash_plain_tokens(path)
    if hashed:
        print(f"products: {hashed} token(s) kept in the clear in {path} are now kept as hashes", file=sys.stderr)
    for h, who in access.read_file(path).items():
        print(f"{h[len(access.PREFIX) :][:12]}\t{who.get('store') or 'all stores'}\t{who.get('name', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
