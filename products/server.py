"""The boards and the metrics HTTP API in one process, on one warm semantic layer.

  python -m products serve [--host 127.0.0.1] [--port 8050]     (make serve / make dashboard)

Boards (HTML, a token in ?token= or 'Authorization: Bearer'):
  /boards/store?store=S001&date=YYYY-MM-DD&series=..   门店看板, phone layout; a store-bound token sees
                             its own store only (series=<车系>, channel=<渠道 code>: on every board)
  /boards/c-level?month=YYYY-MM   经营大屏, 1920x1080, refreshes itself every minute (head office)
  /boards/dealer?month=YYYY-MM&region=..&war_zone=..   经销商月报, with /boards/dealer.csv (UTF-8 with
                             BOM) and .xlsx; a store row opens that store's board
  /static/charts/<file>      the charts' pinned Vega-Lite scripts (make data-docs-assets keeps them)
API (JSON, or CSV with ?format=csv):
  /api/metrics               every metric: name, label, description, type, owner
  /api/metrics/{name}        one metric and the dimensions it can be cut by (404 names an unknown one)
  /api/query?metrics=a,b&group_by=metric_time__month&filter=store__region:eq:华东大区&order=-a&limit=10
                             MetricFlow's answer, with the ADS gate's state and `stale`; filters are
                             structured (products/filters.py), never SQL. 400 names the parameter at
                             fault, 404 an unknown metric, 403 a metric a store token cannot read, 503
                             when the warehouse is being written and no earlier answer is cached
  /healthz                   the warehouse version, data as of, and the last quality gates
  POST /cli/query            bin/mf's warm path (products/cli.py): a structured `mf query` from this
                             machine, with the secret of the server file only its owner can read

Every answer carries an X-Request-Id. An error tells the caller what kind of error and which
parameter; what MetricFlow or the database said goes to the server's log under that id, never to
the caller (it can hold SQL or values).
"""

from __future__ import annotations

import csv
import datetime as dt
import hmac
import io
import logging
import math
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

import settings
from lock import WarehouseBusy
from quality import data_docs
from quality.run import published_gate

from .access import Access, Denied, Reader
from .boards import DEALER_FILTERS, HIGHER_IS_WORSE, Boards, NotFound, dealer_table, is_rate
from .filters import NAME, BadParameter, name, on, parse_filter
from .semantic import BadQuery, Query, SemanticLayer, UnknownMetric

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("json", "csv")
CLI_FIELDS = {"metrics", "group_by", "order", "filter", "limit", "start_time", "end_time", "decimals"}
# the query parameters each route reads; any other is refused, so a typo is not silently ignored
API_PARAMETERS = {"metrics", "group_by", "filter", "order", "limit", "format", "token"}
log = logging.getLogger("products.server")


def fmt(value, metric: str = "") -> str:
    """A figure as a board shows it: rates in %, counts with separators, '–' for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_rate(metric):
        return f"{value * 100:.1f}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def fmt_change(value, metric: str = "") -> str:
    """A change as a board shows it: a rate's in percentage points, any other figure's in %."""
    if value is None:
        return "–"
    unit = "pp" if is_rate(metric) else "%"
    return f"{'▲' if value > 0 else '▼' if value < 0 else '·'} {abs(value) * 100:.1f}{unit}"


def change_class(value, metric: str = "") -> str:
    """good or bad news: a rise is good unless the figure is one where less is better."""
    if not value:
        return ""
    return "up" if (value > 0) != (metric in HIGHER_IS_WORSE) else "down"


ZONE = ZoneInfo(settings.BUSINESS_TIME_ZONE)
ZONE_LABEL = f"{settings.BUSINESS_TIME_ZONE} (UTC+{settings.BUSINESS_UTC_OFFSET_HOURS})"


def business_time(value) -> str:
    """A time in the business time zone, to the minute: one zone on every board (the warehouse keeps
    business times without a zone; the gates and the server stamp times with their offset)."""
    if not value:
        return "–"
    try:
        t = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if t.tzinfo is not None:
        t = t.astimezone(ZONE)
    return t.strftime("%Y-%m-%d %H:%M")


def chart_scripts() -> dict[str, Path]:
    """The charts' scripts (file name -> path), from the pinned npm packages the Data Docs also use."""
    root = data_docs.assets_dir()
    return {
        Path(inside).name: root / data_docs.folder_of(package, version) / "package" / inside
        for (package, version), files in data_docs.PACKAGES.items()
        if package.startswith("vega")
        for inside in files.values()
    }


def parse_time(value, parameter: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 32:
        raise BadParameter(parameter, "an ISO date or time")
    return dt.datetime.fromisoformat(value)


def create_app(
    layer: SemanticLayer | None = None, access: Access | None = None, cli_secret: str | None = None
) -> Starlette:
    """cli_secret: what bin/mf must send to be answered here (products/cli.py); None: no warm path."""
    layer = layer or SemanticLayer()
    access = access or Access()
    boards = Boards(layer)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["fmt"] = fmt
    templates.env.filters["change"] = fmt_change
    templates.env.filters["change_class"] = change_class
    templates.env.filters["biz"] = business_time
    templates.env.globals["published_gate"] = published_gate
    templates.env.globals["zone_label"] = ZONE_LABEL
    templates.env.globals["chart_scripts"] = sorted(chart_scripts(), key=lambda n: ("lite" in n) + 2 * ("embed" in n))

    def reader(request: Request) -> Reader:
        token = request.query_params.get("token")
        header = request.headers.get("authorization", "")
        if not token and header.lower().startswith("bearer "):
            token = header[7:].strip()
        return access.reader(token)

    def error(request: Request, status: int, message: str, request_id: str, **extra) -> Response:
        headers = {"X-Request-Id": request_id}
        if request.url.path.startswith("/api/"):
            body = {"error": message, "request_id": request_id, **extra}
            return JSONResponse(body, status_code=status, headers=headers)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "message": message, "request_id": request_id},
            status_code=status,
            headers=headers,
        )

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            request_id = uuid.uuid4().hex[:16]
            try:
                response = await handler(request, reader(request))
            except Denied as e:
                return error(request, e.status, str(e), request_id)
            except UnknownMetric as e:
                return error(request, 404, str(e), request_id, metrics=e.names)
            except NotFound as e:
                return error(request, 404, str(e), request_id)
            except BadParameter as e:
                return error(request, 400, str(e), request_id, parameter=e.parameter)
            except BadQuery as e:
                log.warning("request %s: the semantic layer refused %s: %s", request_id, request.url.path, e)
                return error(request, 400, "the semantic layer could not answer this query", request_id)
            except WarehouseBusy:
                message = "the warehouse is being written; try again shortly"
                return error(request, 503, message, request_id)
            except Exception:
                log.exception("request %s: %s failed", request_id, request.url.path)
                return error(request, 500, "the server could not answer this request", request_id)
            response.headers["X-Request-Id"] = request_id
            return response

        return endpoint

    def page(request: Request, name: str, data: dict, reader_: Reader) -> Response:
        token = request.query_params.get("token", "")
        return templates.TemplateResponse(request, name, {**data, "reader": reader_, "token": token})

    # --- boards -----------------------------------------------------------------------------
    async def index(request: Request, who: Reader) -> Response:
        return page(request, "index.html", {}, who)

    async def store_board(request: Request, who: Reader) -> Response:
        store = boards.checked_store(who.check_store(request.query_params.get("store")))
        day = boards.checked_day(request.query_params.get("date"), "date")
        cuts = boards.checked_cuts(request.query_params)
        return page(request, "store.html", boards.store(store, day, cuts), who)

    async def c_level_board(request: Request, who: Reader) -> Response:
        if who.store:
            raise Denied(f"the national board is for head office; this token is bound to store {who.store}")
        month = boards.checked_day(request.query_params.get("month"), "month")
        cuts = boards.checked_cuts(request.query_params)
        return page(request, "c_level.html", boards.c_level(month, cuts), who)

    def dealer_data(request: Request, who: Reader) -> dict:
        chosen = boards.checked_day(request.query_params.get("month"), "month")
        store = who.check_store(request.query_params.get("store"))
        places = {k: boards.checked_place(k, request.query_params.get(k)) for k in DEALER_FILTERS}
        cuts = boards.checked_cuts(request.query_params)
        return boards.dealer(chosen, boards.checked_store(store) if store else None, places, cuts)

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
        format_dealer_sheet(sheet, header, data["metrics"])
        out = io.BytesIO()
        book.save(out)
        return Response(
            out.getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="dealer_sales_full_cycle_{data["month"]}.xlsx"'},
        )

    async def chart_script(request: Request) -> Response:
        path = chart_scripts().get(request.path_params["name"])  # a fixed list: no path from the caller
        if path is None or not path.exists():
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    # --- bin/mf's warm path ------------------------------------------------------------------
    async def cli_query(request: Request) -> Response:
        """`mf query` answered by this warm engine: names checked against the manifest, filters as
        structure (never a where clause), the caller on loopback with the server file's secret."""
        request_id = uuid.uuid4().hex[:16]
        secret = request.headers.get("x-serve-secret", "")
        host = request.client.host if request.client else ""
        if not (cli_secret and host in ("127.0.0.1", "::1") and hmac.compare_digest(secret, cli_secret)):
            return JSONResponse({"error": "not allowed", "request_id": request_id}, status_code=403)
        try:
            body = await request.json()
            if not isinstance(body, dict) or set(body) - CLI_FIELDS:
                raise BadParameter("body", "only " + ", ".join(sorted(CLI_FIELDS)))
            texts = {k: body.get(k) or [] for k in ("metrics", "group_by", "order", "filter")}
            if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in texts.values()):
                raise BadParameter("metrics", "lists of names")
            limit, decimals = body.get("limit"), body.get("decimals")
            if not all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (limit, decimals)):
                raise BadParameter("limit", "whole numbers")
            times = [parse_time(body.get(k), k) for k in ("start_time", "end_time")]
            filters = tuple(parse_filter(f) for f in texts["filter"])
            query = Query(tuple(texts["metrics"]), tuple(texts["group_by"]), filters, tuple(texts["order"]), limit)
            printed = layer.as_mf_prints(query, *times, decimals)
        except (BadParameter, UnknownMetric, BadQuery, WarehouseBusy, ValueError) as e:
            log.warning("request %s: cli query refused: %s", request_id, e)
            return JSONResponse({"error": type(e).__name__, "request_id": request_id}, status_code=400)
        return JSONResponse(printed, headers={"X-Request-Id": request_id})

    # --- API --------------------------------------------------------------------------------
    def respond(request: Request, columns: list[str], rows: list, extra: dict) -> Response:
        if request.query_params.get("format", "json") not in FORMATS:
            raise BadParameter("format", "json or csv")
        headers = extra.get("headers", {})
        if request.query_params.get("format") == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows(rows)
            return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
        body = {"columns": columns, "rows": [dict(zip(columns, r, strict=True)) for r in rows], **extra.get("body", {})}
        return JSONResponse(body, headers=headers)

    async def api_metrics(request: Request, who: Reader) -> Response:
        metrics = layer.metrics()
        columns = ["name", "label", "description", "type", "owner"]
        return respond(request, columns, [[m[c] for c in columns] for m in metrics], {})

    async def api_metric(request: Request, who: Reader) -> Response:
        return JSONResponse(layer.metric(name("metric", request.path_params["name"])))

    def listed(request: Request, parameter: str) -> tuple[str, ...]:
        values = []
        for v in request.query_params.getlist(parameter):
            values += [p.strip() for p in v.split(",") if p.strip()]
        return tuple(values)

    def parsed_query(request: Request) -> Query:
        """The request's parameters as a Query: structure only, every name checked by the layer."""
        for parameter in request.query_params:
            if parameter == "where":
                raise BadParameter("where", "not accepted: write filter=<dimension>:<operator>:<value>")
            if parameter not in API_PARAMETERS:  # named back only when it is a plain name
                shown = parameter if NAME.fullmatch(parameter) else "?"
                raise BadParameter(shown, "not a parameter of /api/query: " + ", ".join(sorted(API_PARAMETERS)))
        limit = request.query_params.get("limit")
        if limit is not None and not (limit.isdigit() and len(limit) <= 9):
            raise BadParameter("limit", "a whole number")
        query = Query(
            listed(request, "metrics"),
            listed(request, "group_by"),
            tuple(parse_filter(f) for f in request.query_params.getlist("filter")),
            listed(request, "order"),
            int(limit) if limit else None,
        )
        layer.check(query)
        return query

    def gate_state() -> dict:
        ads = published_gate(layer.gates())
        if not ads:
            return {"passed": None, "checked_at": None, "day": None}
        return {"passed": bool(ads.get("passed")), "checked_at": ads.get("checked_at"), "day": ads.get("day")}

    async def api_query(request: Request, who: Reader) -> Response:
        query = parsed_query(request)
        if who.store:  # the token's store, as a filter of its own: no parameter can widen it
            if "store" not in layer.fields(query.metrics):
                raise Denied(f"this token is bound to store {who.store}: these metrics cannot be cut by store")
            query = Query(
                query.metrics, query.group_by, (*query.filters, on("store", "eq", who.store)), query.order, query.limit
            )
        answer = layer.query(query)
        gate = gate_state()
        stale = answer.stale or gate["passed"] is False
        headers = {
            "X-Warehouse-Version": answer.version,
            "X-Stale": "true" if stale else "false",
            "X-Ads-Gate": {True: "passed", False: "failed", None: "none"}[gate["passed"]],
        }
        body = {"stale": stale, "warehouse_version": answer.version, "ads_gate": gate}
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
        Route("/static/charts/{name}", chart_script),
        Route("/cli/query", cli_query, methods=["POST"]),
    ]
    return Starlette(routes=routes)


def format_dealer_sheet(sheet, header: list[str], metrics: list[str]) -> None:
    """The dealer report's xlsx as a report: rates in %, counts with thousands separators, changes
    signed (a rate's in percentage points), widths to fit, the header frozen, a filter on each column."""
    from openpyxl.utils import get_column_letter

    formats = {}
    column = 6  # after 月份, 门店编号, 门店, 大区, 战区
    for metric in metrics:
        rate = is_rate(metric)
        formats[column] = "0.0%" if rate else "#,##0.0" if metric.endswith("_avg") else "#,##0"
        formats[column + 1] = formats[column + 2] = '+0.0" pp";-0.0" pp";0.0" pp"' if rate else "+0.0%;-0.0%;0.0%"
        column += 3
    for index, title in enumerate(header, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, min(28, len(title.encode("gbk", "replace")) + 2))
        if index in formats:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = formats[index]
    sheet.freeze_panes = "D2"  # the header and the store's id and name stay while scrolling
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{sheet.max_row}"
