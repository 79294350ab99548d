"""python -m products: the boards and the metrics API (see products/server.py).

python -m products serve [--host 127.0.0.1] [--port 8050] [--busy-timeout 5]
python -m products tokens      write (or show) the access file: one head-office token, one per store
"""

from __future__ import annotations

import argparse
import os
import sys

import settings

from . import access


def store_list(layer) -> list[tuple[str, str]]:
    answer = layer.query(
        __import__("products.semantic", fromlist=["Query"]).Query(
            ("store_visit_count",), ("store", "store__store_name"), order=("store",)
        )
    )
    return [(str(r[0]), str(r[1])) for r in answer.rows]


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
    sub.add_parser("tokens", help="write the demo access file if missing and print its tokens")
    a = p.parse_args(argv)
    database = settings.warehouse_path()
    if not database.exists():
        print(f"products: no warehouse at {database}: run `make demo` first", file=sys.stderr)
        return 2
    from .semantic import SemanticLayer

    layer = SemanticLayer(database, busy_timeout=getattr(a, "busy_timeout", 5.0))
    data = access.write_demo_file(access.access_file(), store_list(layer))
    tokens = data["tokens"]
    if a.command == "tokens":
        for token, who in tokens.items():
            print(f"{token}\t{who.get('store') or 'all stores'}\t{who.get('name', '')}")
        return 0
    import uvicorn

    from .server import create_app

    base = f"http://{a.host}:{a.port}"
    print(f"products: serving {database} on {base} (tokens in {access.access_file()})")
    hq = next((t for t, who in tokens.items() if not who.get("store")), None)
    bound = next(((t, who["store"]) for t, who in tokens.items() if who.get("store")), None)
    if bound:
        print(f"  门店看板   {base}/boards/store?token={bound[0]}   (bound to {bound[1]})")
    if hq:
        print(f"  经营大屏   {base}/boards/c-level?token={hq}")
        print(f"  经销商月报 {base}/boards/dealer?token={hq}")
        print(f"  API        {base}/api/metrics?token={hq}")
    sys.stdout.flush()
    uvicorn.run(create_app(layer), host=a.host, port=a.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
