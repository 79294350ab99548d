"""The boards and the metrics HTTP API in one process, on one warm semantic layer.

  python -m products serve [--host 127.0.0.1] [--port 8050]     (make serve / make dashboard)

Boards (HTML, a token in ?token= or 'Authorization: Bearer'):
  /boards/store?store=S001   门店看板, phone layout; a store-bound token sees its own store only
  /boards/c-level            经营大屏, 1920x1080, refreshes itself every minute (head office)
  /boards/dealer?month=YYYY-MM   经销商月报, with /boards/dealer.csv (UTF-8 with BOM) and .xlsx
API (JSON, or CSV with ?format=csv):
  /api/metrics               every metric: name, label, description, type, owner
  /api/metrics/{name}        one metric and the dimensions it can be cut by (404 names an unknown one)
  /api/query?metrics=a,b&group_by=metric_time__month&where=...&order=-a&limit=10
                             MetricFlow's answer; 400 with MetricFlow's message for a bad query,
                             404 for an unknown metric, 503 when the warehouse is being written and
                             no earlier answer to the same query is cached
  /healthz                   the warehouse version, data as of, and the last quality gates
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from orchestration.lock import WarehouseBusy

from .access import Access, Denied, Reader
from .boards import Boards, dealer_table, is_rate
from .semantic import BadQuery, Query, SemanticLayer, UnknownMetric

TEMPLATES = Path(__file__).parent / "templates"
MAX_LIMIT = 100_000


def fmt(value, metric: str = "") -> str:
    """A figure as a board shows it: rates in %, counts with separators, '–' for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_rate(metric):
        return f"{value * 100:.1f}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def fmt_change(value) -> str:
    if value is None:
        return "–"
    return f"{'▲' if value > 0 else '▼' if value < 0 else '·'} {abs(value) * 100:.1f}%"


def create_app(layer: SemanticLayer | None = None, access: Access | None = None) -> Starlette:
    layer = layer or SemanticLayer()
    access = access or Access()
    boards = Boards(layer)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["fmt"] = fmt
    templates.env.filters["change"] = fmt_change

    def reader(request: Request) -> Reader:
        token = request.query_params.get("token")
        header = request.headers.get("authorization", "")
        if not token and header.lower().startswith("bearer "):
            token = header[7:].strip()
        return access.reader(token)

    def error(request: Request, status: int, message: str, **extra) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message, **extra}, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request, reader(request))
            except Denied as e:
                return error(request, e.status, str(e))
            except UnknownMetric as e:
                return error(request, 404, str(e), metrics=e.names)
            except BadQuery as e:
                return error(request, 400, str(e))
            except WarehouseBusy as e:
                return error(request, 503, f"the warehouse is being written; try again shortly ({e})")
            except ValueError as e:
                return error(request, 400, str(e))

        return endpoint

    def page(request: Request, name: str, data: dict, reader_: Reader) -> Response:
        token = request.query_params.get("token", "")
        return templates.TemplateResponse(request, name, {**data, "reader": reader_, "token": token})

    # --- boards -----------------------------------------------------------------------------
    async def index(request: Request, who: Reader) -> Response:
        return page(request, "index.html", {}, who)

    async def store_board(request: Request, who: Reader) -> Response:
        store = who.check_store(request.query_params.get("store"))
        if not store:
            raise ValueError("which store? add ?store=<store id>")
        return page(request, "store.html", boards.store(store), who)

    async def c_level_board(request: Request, who: Reader) -> Response:
        if who.store:
            raise Denied(f"the national board is for head office; this token is bound to store {who.store}")
        return page(request, "c_level.html", boards.c_level(), who)

    def dealer_data(request: Request, who: Reader) -> dict:
        month = request.query_params.get("month")
        chosen = dt.date.fromisoformat(month + "-01") if month else None
        return boards.dealer(chosen, who.check_store(request.query_params.get("store")))

    async def dealer_board(request: Request, who: Reader) -> Response:
        return page(request, "dealer.html", dealer_data(request, who), who)

    async def dealer_csv(request: Request, who: Reader) -> Response:
        data = dealer_data(request, who)
        header, rows = dealer_table(data, layer)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        # UTF-8 with a byte-order mark: Excel on a Chinese Windows reads it as UTF-8, not GBK
        return Response(
            ("\ufeff" + out.getvalue()).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="dealer_sales_full_cycle_{data["month"]}.csv"'},
        )

    async def dealer_xlsx(request: Request, who: Reader) -> Response:
        from openpyxl import Workbook

        data = dealer_data(request, who)
        header, rows = dealer_table(data, layer)
        book = Workbook()
        sheet = book.active
        sheet.title = data["month"]
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return Response(
            out.getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="dealer_sales_full_cycle_{data["month"]}.xlsx"'},
        )

    # --- API --------------------------------------------------------------------------------
    def respond(request: Request, columns: list[str], rows: list, extra: dict) -> Response:
        if request.query_params.get("format") == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows(rows)
            return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=extra.get("headers", {}))
        body = {"columns": columns, "rows": [dict(zip(columns, r, strict=True)) for r in rows], **extra.get("body", {})}
        return JSONResponse(body, headers=extra.get("headers", {}))

    async def api_metrics(request: Request, who: Reader) -> Response:
        metrics = layer.metrics()
        columns = ["name", "label", "description", "type", "owner"]
        return respond(request, columns, [[m[c] for c in columns] for m in metrics], {})

    async def api_metric(request: Request, who: Reader) -> Response:
        return JSONResponse(layer.metric(request.path_params["name"]))

    def listed(request: Request, name: str) -> tuple[str, ...]:
        values = []
        for v in request.query_params.getlist(name):
            values += [p.strip() for p in v.split(",") if p.strip()]
        return tuple(values)

    async def api_query(request: Request, who: Reader) -> Response:
        metrics = listed(request, "metrics")
        if not metrics:
            raise ValueError("metrics is required: /api/query?metrics=lead_count&group_by=metric_time__month")
        limit = request.query_params.get("limit")
        if limit is not None and (not limit.isdigit() or not 0 < int(limit) <= MAX_LIMIT):
            raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
        where = tuple(request.query_params.getlist("where")) + tuple(who.store_filter())
        query = Query(
            metrics, listed(request, "group_by"), where, listed(request, "order"), int(limit) if limit else None
        )
        try:
            answer = layer.query(query)
        except BadQuery as e:
            if who.store and "store" in str(e):
                raise Denied(
                    f"this token is bound to store {who.store}: these metrics cannot be cut by store ({e})"
                ) from e
            raise
        headers = {"X-Warehouse-Version": answer.version, "X-Stale": "true" if answer.stale else "false"}
        body = {"stale": answer.stale, "warehouse_version": answer.version}
        return respond(request, answer.columns, answer.rows, {"headers": headers, "body": body})

    async def healthz(request: Request) -> Response:
        try:
            as_of = layer.data_as_of()
        except WarehouseBusy:
            as_of = None
        return JSONResponse({"warehouse_version": layer.version(), "data_as_of": as_of, "gates": layer.gates()})

    routes = [
        Route("/", guarded(index)),
        Route("/boards/store", guarded(store_board)),
        Route("/boards/c-level", guarded(c_level_board)),
        Route("/boards/dealer", guarded(dealer_board)),
        Route("/boards/dealer.csv", guarded(dealer_csv)),
        Route("/boards/dealer.xlsx", guarded(dealer_xlsx)),
        Route("/api/metrics", guarded(api_metrics)),
        Route("/api/metrics/{name}", guarded(api_metric)),
        Route("/api/query", guarded(api_query)),
        Route("/healthz", healthz),
    ]
    return Starlette(routes=routes)
