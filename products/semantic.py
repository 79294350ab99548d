"""The semantic layer as the boards and the API read it: one MetricFlow engine kept warm, answers
cached per warehouse version, and the warehouse opened only for the moment of a query, through the
profile's `serve` connection (read-only, no file access, configuration locked).

A query is structure, never text: metric names, group-by fields and filters (products/filters.py),
each checked against what the semantic manifest declares for the metrics asked before MetricFlow
sees it; the where clauses are written by products/filters.py.

A writer (dbt, GX, Dagster) holds the warehouse lock (lock.py) while it works. A
reader makes a writer wait for one query at most (one board page: session()): it takes the lock
for that only, gives up after
`busy_timeout` seconds, and then answers from the last cached answer of that query (marked stale)
or raises WarehouseBusy, which the server turns into a 503.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import settings
from lock import WarehouseBusy, warehouse_lock
from quality.run import read_gates

from .filters import GRAINS, MAX_FILTERS, BadParameter, Field, Filter, name, render, time_fields

# MetricFlow's own (read-only) answers to "which rows landed last": the newest landing time the
# warehouse holds, from the landing-batch summary every ODS build writes.
DATA_AS_OF_SQL = "select max(last_loaded_at) from ods.ods_quality__landing_minutes"
# profiles.yml's output for serving: read-only, no file access, configuration locked
SERVE_TARGET = "serve"


def _without():
    """What a caller cannot group or filter by: date parts and metrics as dimensions (MetricFlow's
    default list also leaves out the coarser grains of metric_time, which the boards use)."""
    from metricflow_semantics.model.linkable_element_property import GroupByItemProperty

    return (GroupByItemProperty.DATE_PART, GroupByItemProperty.METRIC)


MAX_LIMIT = 100_000


class BadQuery(ValueError):
    """MetricFlow or the database refused a query that passed the checks here. The message is theirs:
    for the server's log, never for the caller (it can hold SQL and values)."""


class UnknownMetric(KeyError):
    """A metric name the semantic layer does not define."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names

    def __str__(self) -> str:
        return "unknown metric(s): " + ", ".join(self.names)


@dataclass(frozen=True)
class Query:
    metrics: tuple[str, ...]
    group_by: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    order: tuple[str, ...] = ()
    limit: int | None = None


@dataclass
class Answer:
    columns: list[str]
    rows: list[tuple]
    version: str  # the warehouse version answered from
    stale: bool = False  # the warehouse was busy: this is the last answer cached for the query
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _plain(value):
    """A JSON- and CSV-friendly value (dates as ISO text, decimals as floats)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "is_finite") or type(value).__name__ == "Decimal":
        return float(value)
    return value


class SemanticLayer:
    """One warm MetricFlow engine on the DuckDB warehouse, safe to share between threads."""

    def __init__(self, database: Path | None = None, busy_timeout: float = 5.0, cache_size: int = 512):
        self.database = Path(database) if database else settings.warehouse_path()
        self.busy_timeout = busy_timeout
        self._cache: OrderedDict[tuple[str, Query], Answer] = OrderedDict()
        self._last: dict[Query, Answer] = {}
        self._cache_size = cache_size
        # one query at a time through the engine's single connection; re-entered by the thread whose
        # page session (session()) holds it, so that other threads wait for that page to finish
        self._mutex = threading.RLock()
        self._session: contextlib.ExitStack | None = None  # a page's open warehouse, while it renders
        self._session_open = False
        # The profile's `serve` connection: the file read-only (a writer that skipped the lock fails
        # fast rather than this process blocking it), no file access, configuration locked.
        # The profile is rendered once, here: the process's environment is put back afterwards, so
        # that nothing else in it (a test, a GX run) finds the serving target as its own.
        from indicators.engine import metricflow_engine, release_warehouse

        with settings.environment({"NEV_DUCKDB_PATH": str(self.database), "DBT_TARGET": SERVE_TARGET}):
            self._engine, self._client = metricflow_engine()
        release_warehouse()
        self._metrics = {m.name: m for m in self._engine.list_metrics()}
        # by set of metrics asked, newest last; bounded, as a caller can ask any combination
        self._fields: OrderedDict[tuple[str, ...], dict[str, Field]] = OrderedDict()

    # --- what the layer defines -------------------------------------------------------------
    def metrics(self) -> list[dict]:
        out = []
        for m in sorted(self._metrics.values(), key=lambda m: m.name):
            out.append(
                {
                    "name": m.name,
                    "label": m.label or m.name,
                    "description": (m.description or "").strip(),
                    "type": m.type.value if hasattr(m.type, "value") else str(m.type),
                    "owner": ((m.config.meta or {}).get("owner") if m.config else None),
                }
            )
        return out

    def metric(self, name: str) -> dict:
        if name not in self._metrics:
            raise UnknownMetric([name])
        entry = next(m for m in self.metrics() if m["name"] == name)
        entry["dimensions"] = sorted(d.dunder_name for d in self._engine.simple_dimensions_for_metrics([name]))
        return entry

    def fields(self, metrics: tuple[str, ...]) -> dict[str, Field]:
        """What the metrics can be cut and filtered by, by the name a caller writes: entities, their
        dimensions, and each time dimension at its grain and every coarser one."""
        key = tuple(sorted(metrics))
        known = self._fields.get(key)
        if known is not None:
            return known
        found: dict[str, Field] = {name_: Field(name_, "entity") for name_ in self._entity_paths(key)}
        for d in self._engine.simple_dimensions_for_metrics(list(key), without_any_property=_without()):
            if d.type.value != "time":
                found[d.dunder_name] = Field(d.dunder_name, "dimension")
                continue
            base = d.granularity_free_dunder_name
            grain = d.dunder_name[len(base) + 2 :] if d.dunder_name != base else ""
            if grain in GRAINS:  # metric_time at each grain the metrics allow
                found[d.dunder_name] = Field(d.dunder_name, "time", base, grain)
            else:  # another time dimension: its own grain, and every coarser one
                smallest = getattr(d.type_params.time_granularity, "value", "day") if d.type_params else "day"
                found[base] = Field(base, "time", base, str(smallest).lower())
                found.update((f.name, f) for f in time_fields(base, str(smallest).lower()))
        with self._mutex:
            self._fields[key] = found
            while len(self._fields) > self._cache_size:
                self._fields.popitem(last=False)
        return found

    def _entity_paths(self, metrics: tuple[str, ...]) -> set[str]:
        """The entities the metrics can be cut by, each by the path MetricFlow resolves it through
        (`store`, or `lead__store` for a metric that reaches stores through its lead).
        `entities_for_metrics` names each entity without its path, so that a metric's reachable
        `lead__channel` would read as a `channel` MetricFlow then refuses: the common group-by
        items are read here instead (MetricFlow's own lookup, as that method reads it)."""
        from dbt_semantic_interfaces.references import MetricReference
        from metricflow.engine.metricflow_engine import ENTITY_WITH_ANY_PROPERTIES
        from metricflow_semantics.model.semantics.element_filter import GroupByItemSetFilter
        from metricflow_semantics.model.semantics.linkable_element import LinkableElementType

        items = self._engine._semantic_manifest_lookup.metric_lookup.get_common_group_by_items(
            metric_references=tuple(MetricReference(element_name=m) for m in metrics),
            set_filter=GroupByItemSetFilter.create(any_properties_allowlist=ENTITY_WITH_ANY_PROPERTIES),
        )
        return {a.spec.dunder_name for a in items.annotated_specs if a.element_type is LinkableElementType.ENTITY}

    def check(self, q: Query) -> None:
        """Every name in the query is one the manifest declares for its metrics; else BadParameter
        (or UnknownMetric) naming the parameter."""
        if not q.metrics:
            raise BadParameter("metrics", "at least one metric: /api/query?metrics=lead_count")
        for m in q.metrics:
            name("metrics", m)
        unknown = [m for m in q.metrics if m not in self._metrics]
        if unknown:
            raise UnknownMetric(unknown)
        fields = self.fields(q.metrics)
        for g in q.group_by:
            if name("group_by", g) not in fields:
                raise BadParameter("group_by", f"{g} is not a dimension of these metrics (see /api/metrics/<name>)")
        if len(q.filters) > MAX_FILTERS:
            raise BadParameter("filter", f"at most {MAX_FILTERS} filters")
        for f in q.filters:
            if f.field not in fields:
                raise BadParameter("filter", f"{f.field} is not a dimension of these metrics (see /api/metrics/<name>)")
        for o in q.order:
            if name("order", o.removeprefix("-")) not in (*q.metrics, *q.group_by):
                raise BadParameter("order", f"{o.removeprefix('-')} is neither a metric nor a group_by of this query")
        if q.limit is not None and not 0 < q.limit <= MAX_LIMIT:
            raise BadParameter("limit", f"a whole number from 1 to {MAX_LIMIT}")

    def label(self, name: str) -> str:
        m = self._metrics.get(name)
        return (m.label or name) if m else name

    def description(self, name: str) -> str:
        m = self._metrics.get(name)
        return " ".join((m.description or "").split()) if m else ""

    def window_days(self, name: str) -> int | None:
        """A cohort metric's window (meta.window_days): a cohort of day D is complete once the data
        holds day D + window (D7 retention: 7)."""
        m = self._metrics.get(name)
        meta = (m.config.meta or {}) if m and m.config else {}
        return int(meta["window_days"]) if "window_days" in meta else None

    # --- the warehouse ----------------------------------------------------------------------
    def version(self) -> str:
        """Changes whenever a writer changes the file: the cache key of every answer."""
        parts = []
        for path in (self.database, self.database.with_name(self.database.name + ".wal")):
            try:
                st = path.stat()
                parts.append(f"{st.st_mtime_ns}:{st.st_size}")
            except FileNotFoundError:
                parts.append("-")
        return "/".join(parts)

    def gates(self) -> dict:
        return read_gates(self.database)

    def data_as_of(self) -> str | None:
        rows = self._read(lambda: self._client.query(DATA_AS_OF_SQL).rows)
        value = rows[0][0] if rows else None
        return _plain(value) if value is not None else None

    def query(self, q: Query) -> Answer:
        self.check(q)
        version = self.version()
        key = (version, q)
        with self._mutex:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        start = time.perf_counter()
        try:
            columns, rows = self._read(lambda: self._run(q))
        except WarehouseBusy:
            if q in self._last:
                last = self._last[q]
                return Answer(last.columns, last.rows, last.version, stale=True)
            raise
        answer = Answer(columns, rows, version, seconds=time.perf_counter() - start)
        with self._mutex:
            self._cache[key] = answer
            self._last[q] = answer
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return answer

    def _request(self, q: Query, start: dt.datetime | None = None, end: dt.datetime | None = None):
        """MetricFlow's request for a checked query: the where clause written here (products/filters.py)."""
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        fields = self.fields(q.metrics)
        return MetricFlowQueryRequest.create(
            metric_names=list(q.metrics),
            group_by_names=list(q.group_by) or None,
            where_constraints=[render(f, fields[f.field]) for f in q.filters] or None,
            order_by_names=list(q.order) or None,
            limit=q.limit,
            time_constraint_start=start,
            time_constraint_end=end,
        )

    def _table(self, request):
        """MetricFlow's result table; its query errors and the database's as BadQuery."""
        from metricflow_semantics.errors.error_classes import MetricFlowInternalError

        try:
            return self._engine.query(request).result_df
        except MetricFlowInternalError:
            raise
        except Exception as e:  # MetricFlow's query errors and the database's (a bad where clause)
            if type(e).__module__.startswith(("metricflow", "dbt", "duckdb", "dbt_common")):
                raise BadQuery(" ".join(str(e).split())) from e
            raise

    def _run(self, q: Query) -> tuple[list[str], list[tuple]]:
        table = self._table(self._request(q))
        return list(table.column_names), [tuple(_plain(v) for v in row) for row in table.rows]

    def as_mf_prints(
        self, q: Query, start: dt.datetime | None = None, end: dt.datetime | None = None, decimals: int | None = None
    ) -> dict:
        """`mf query`'s output for a checked, structured query: the table as mf prints it, and the
        CSV mf --csv writes, both from MetricFlow's own result table."""
        import csv
        import io

        self.check(q)
        request = self._request(q, start, end)
        table = self._read(lambda: self._table(request))
        out = io.StringIO()
        writer = csv.writer(out)  # as mf writes it
        writer.writerow(table.column_names)
        for row in table.rows:
            writer.writerow(row)
        return {"empty": table.row_count == 0, "text": table.text_format(decimals), "csv": out.getvalue()}

    @contextlib.contextmanager
    def session(self):
        """One page's queries on one opening of the warehouse. Opening it costs about 80 ms at SF 1
        (the lock, the file, DuckDB's catalog): a board of eight queries paid that eight times. The
        first query the cache cannot answer takes the lock and opens the file, the page's other
        queries reuse them, and the session's end lets both go: a writer waits for one page at
        most, as it waited for one query before. Other threads' queries wait for the page."""
        with self._mutex:
            if self._session is not None:  # already in this thread's page
                yield
                return
            self._session, self._session_open = contextlib.ExitStack(), False
            try:
                yield
            finally:
                stack, self._session, self._session_open = self._session, None, False
                stack.close()

    def _read(self, work):
        """Run `work` with the warehouse open read-only, under its lock, then let it go (at the end
        of the page, in a session)."""
        from indicators.engine import release_warehouse

        with self._mutex:
            if self._session is None:  # a query on its own is a page of one query
                with self.session():
                    return self._read(work)
            if not self._session_open:
                self._session.enter_context(
                    warehouse_lock(self.database, holder="metrics server (read)", timeout=self.busy_timeout)
                )
                self._session.callback(release_warehouse)
                self._session_open = True
            return self._guarded(work)

    @staticmethod
    def _guarded(work):
        try:
            return work()
        except Exception as e:
            if "lock" in str(e).lower() and "conflicting" in str(e).lower():
                raise WarehouseBusy("the warehouse is being written by a process without the lock") from e
            raise
