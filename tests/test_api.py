"""The metrics HTTP API as a client meets it: a real server process (python -m products serve) on a
copy of the built warehouse, asked over HTTP."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, Server

from lock import warehouse_lock

MF = str(Path(sys.executable).with_name("mf"))


def api(server: Server, path: str, token: str | None = None, **params):
    query = urllib.parse.urlencode(params, doseq=True)
    status, headers, body = server.get(f"{path}?{query}" if query else path, token or server.hq)
    return status, headers, body


def rows(server: Server, token: str | None = None, **params) -> list[dict]:
    status, _, body = api(server, "/api/query", token, **params)
    assert status == 200, body[:500]
    return json.loads(body)["rows"]


def mf_csv(server: Server, tmp_path: Path, *args: str) -> list[dict]:
    """The `mf` command's answer (its CSV output) on the server's warehouse."""
    out = tmp_path / "mf.csv"
    result = subprocess.run(
        [MF, "query", *args, "--csv", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, NEV_DUCKDB_PATH=str(server.database), DBT_PROFILES_DIR=str(ROOT), DBT_TARGET="duckdb"),
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    with out.open() as f:
        return list(csv.DictReader(f))


def same(a, b) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    try:
        return float(a) == pytest.approx(float(b), rel=1e-9, abs=1e-9)
    except ValueError:
        return str(a)[:10] == str(b)[:10]


def test_the_metric_list_has_every_metric_with_its_label(products_server: Server):
    status, _, body = api(products_server, "/api/metrics")
    assert status == 200
    metrics = {m["name"]: m for m in json.loads(body)["rows"]}
    assert len(metrics) >= 100
    assert metrics["app_member_active_daily_avg"]["label"] == "日活"
    assert metrics["order_close_rate"]["description"]
    status, headers, body = api(products_server, "/api/metrics", format="csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.decode().splitlines()[0] == "name,label,description,type,owner"
    status, _, body = api(products_server, "/api/metrics/order_close_rate")
    assert status == 200 and "store__region" in json.loads(body)["dimensions"]


@pytest.mark.parametrize(
    "params,mf_args",
    [
        (
            {"metrics": "lead_count,order_close_rate", "group_by": "metric_time__month", "order": "metric_time__month"},
            [
                "--metrics",
                "lead_count,order_close_rate",
                "--group-by",
                "metric_time__month",
                "--order",
                "metric_time__month",
            ],
        ),
        (
            {
                "metrics": "delivery_count",
                "group_by": "store__region",
                "filter": "metric_time__month:ge:2026-01-01",
                "order": "-delivery_count",
                "limit": "3",
            },
            [
                "--metrics",
                "delivery_count",
                "--group-by",
                "store__region",
                "--where",
                "{{ TimeDimension('metric_time', 'month') }} >= '2026-01-01'",
                "--order",
                "-delivery_count",
                "--limit",
                "3",
            ],
        ),
    ],
    ids=["by-month", "filter-order-limit"],
)
def test_the_api_answers_as_mf_does(products_server: Server, tmp_path: Path, params, mf_args):
    got = rows(products_server, **params)
    want = mf_csv(products_server, tmp_path, *mf_args)
    assert got and len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert set(g) == set(w)
        assert all(same(g[k], w[k]) for k in w), (g, w)


def test_csv_answers_equal_json_answers(products_server: Server):
    params = {"metrics": "test_drive_count", "group_by": "metric_time__month", "order": "metric_time__month"}
    status, headers, body = api(products_server, "/api/query", format="csv", **params)
    assert status == 200 and headers["content-type"].startswith("text/csv")
    from_csv = list(csv.DictReader(io.StringIO(body.decode())))
    assert [(r["metric_time__month"][:10], float(r["test_drive_count"])) for r in from_csv] == [
        (str(r["metric_time__month"])[:10], float(r["test_drive_count"])) for r in rows(products_server, **params)
    ]


def test_a_bad_query_is_a_400_naming_the_parameter(products_server: Server):
    status, _, body = api(products_server, "/api/query", metrics="lead_count", group_by="store__no_such_dimension")
    assert status == 400
    assert json.loads(body)["parameter"] == "group_by" and "no_such_dimension" in json.loads(body)["error"]
    status, _, body = api(products_server, "/api/query", metrics="lead_count", limit="lots")
    assert status == 400 and json.loads(body)["parameter"] == "limit"
    # a store token asking for a dimension that does not exist is told so (400), not refused (403)
    status, _, body = api(
        products_server, "/api/query", products_server.store_token, metrics="lead_count", group_by="store__nope"
    )
    assert status == 400 and json.loads(body)["parameter"] == "group_by"


def test_an_unknown_metric_is_a_404_naming_it(products_server: Server):
    status, _, body = api(products_server, "/api/query", metrics="lead_count,no_such_metric")
    assert status == 404
    assert json.loads(body)["metrics"] == ["no_such_metric"]
    status, _, body = api(products_server, "/api/metrics/no_such_metric")
    assert status == 404 and "no_such_metric" in json.loads(body)["error"]


def test_without_a_valid_token_nothing_is_answered(products_server: Server):
    status, _, _ = products_server.get("/api/metrics", None)
    assert status == 401
    status, _, _ = products_server.get("/api/metrics", "not-a-token")
    assert status == 401


def test_a_store_bound_token_gets_nothing_of_another_store(products_server: Server):
    params = {"metrics": "order_new_count", "group_by": "store"}
    everyone = {r["store"] for r in rows(products_server, **params)}
    assert {products_server.store, products_server.other_store} <= everyone
    mine = rows(products_server, products_server.store_token, **params)
    assert {r["store"] for r in mine} == {products_server.store}
    for widen in (
        f"store:eq:{products_server.other_store}",
        f"store:in:{products_server.store},{products_server.other_store}",
        f"store:ne:{products_server.store}",
        "store:is_null",
    ):
        assert {r["store"] for r in rows(products_server, products_server.store_token, filter=widen, **params)} <= {
            products_server.store
        }, widen
    # a metric that cannot be cut by store is refused, not answered for every store
    status, _, _ = api(
        products_server, "/api/query", products_server.store_token, metrics="app_member_active_daily_avg"
    )
    assert status == 403


def test_a_query_while_the_warehouse_is_written_answers_from_cache_or_503(products_server: Server):
    cached = {"metrics": "card_count", "group_by": "metric_time__month"}
    before = rows(products_server, **cached)
    with warehouse_lock(products_server.database, holder="a test standing in for dbt build"):
        os.utime(products_server.database)  # what a writer does: a new warehouse version
        start = time.monotonic()
        status, headers, body = api(products_server, "/api/query", metrics="card_count", group_by="store")
        waited = time.monotonic() - start
        assert status == 503, body[:300]
        assert "being written" in json.loads(body)["error"] and str(products_server.database) not in body.decode()
        assert waited < 10
        status, headers, body = api(products_server, "/api/query", **cached)
        assert status == 200 and headers["x-stale"] == "true"
        assert json.loads(body)["rows"] == before
    status, headers, _ = api(products_server, "/api/query", metrics="card_count", group_by="store")
    assert status == 200 and headers["x-stale"] == "false"


# --- an attacker's requests ---------------------------------------------------------------------
# Every payload a report or a scanner has tried against the query API and the boards: SQL
# breaking out of a where clause, file and table functions, stacked statements, comments, unions,
# Jinja in a value, unicode quotes, control characters, very long values.
PAYLOADS = [
    "1=1) or (1=1",
    "{{ Entity('store') }} = 'ST0002') or ({{ Entity('store') }} = 'ST0002'",
    "1=(select count(*) from read_csv('/etc/passwd'))",
    "cast((select string_agg(column0, ',') from read_csv('state/access.json', header=false, delim='\t')) as integer) = 1",
    "cast((select string_agg(phone, ',') from ods.ods_crm__leads) as integer) = 1",
    "ST0001' or '1'='1",
    "x'; drop table ads.ads_sales_full_cycle_monthly; --",
    "x' union all select phone from ods.ods_crm__leads --",
    "x' /* */ or 1=1 --",
    "{{ 7 * 7 }}",
    "{% for x in range(9) %}{% endfor %}",
    "{{ Dimension('store__region') }}",
    "ST0001’ or ’1’=’1",
    "ＳＴ０００２＇",
    "ST0001\x00",
    "ST0001\nor 1=1",
    "%27%20or%201=1",
    "A" * 5000,
]


def attacks(server: Server) -> list[tuple[str, dict]]:
    """(path, params) for each payload in each parameter a caller controls."""
    out = []
    for p in PAYLOADS:
        query = {"metrics": "lead_count", "group_by": "store"}
        out += [
            ("/api/query", {**query, "where": p}),
            ("/api/query", {**query, "filter": f"store__region:eq:{p}"}),
            ("/api/query", {**query, "filter": f"store:eq:{p}"}),
            ("/api/query", {**query, "filter": f"store:in:{server.store},{p}"}),
            ("/api/query", {**query, "filter": f"{p}:eq:x"}),
            ("/api/query", {**query, "filter": f"store__region:{p}:x"}),
            ("/api/query", {**query, "group_by": p}),
            ("/api/query", {**query, "order": p}),
            ("/api/query", {"metrics": p}),
            ("/api/query", {**query, "limit": p}),
            ("/api/query", {**query, "format": p}),
            ("/api/query", {**query, p[:30]: "1"}),
            ("/boards/store", {"store": p}),
            ("/boards/store", {"store": server.store, "date": p}),
            ("/boards/dealer", {"month": p}),
            ("/boards/c-level", {"month": p}),
            ("/boards/c-level", {"series": p}),
            ("/boards/c-level", {"channel": p}),
            ("/boards/store", {"store": server.store, "channel": p}),
            ("/boards/dealer.csv", {"series": p}),
            ("/boards/dealer.csv", {"store": p}),
            ("/boards/dealer", {"region": p}),
            ("/boards/dealer.xlsx", {"war_zone": p}),
        ]
    return out


def leaks(server: Server, body: bytes) -> list[str]:
    """What an answer must never hold: another store's rows, a token, a phone number, a file's
    text, the warehouse's SQL or paths."""
    text = re.sub(r"request[_ a-z\"':]*[0-9a-f]{16}", "", body.decode("utf-8", "replace"))  # its id is hex
    found = []
    if server.other_store in text:
        found.append("another store")
    for secret in (server.hq, server.store_token, "sha256:"):
        if secret in text:
            found.append("a token")
    if re.search(r"(?<![\d.:])1[3-9]\d{9}(?!\d)", text):
        found.append("a phone number")
    if "root:" in text or "/bin/" in text:
        found.append("a file's text")
    if re.search(r"\bselect\b.+\bfrom\b", text, re.I | re.S) or re.search(r"\b(ods|dwd|dws|ads)\.", text):
        found.append("SQL")
    if str(server.database.parent) in text or "Traceback" in text:
        found.append("a path or a trace")
    return found


@pytest.mark.parametrize("who", ["store", "hq"])
def test_every_attack_is_refused_and_nothing_leaks(products_server: Server, who: str):
    token = products_server.store_token if who == "store" else products_server.hq
    answered = []
    for path, params in attacks(products_server):
        query = urllib.parse.urlencode(params)
        status, headers, body = products_server.get(f"{path}?{query}", token)
        if status not in (400, 403, 404) or leaks(products_server, body) or "x-request-id" not in headers:
            answered.append((status, path, {k: v[:60] for k, v in params.items()}, leaks(products_server, body)))
    assert answered == []


def test_a_store_token_reads_its_store_only_whatever_the_filters(products_server: Server):
    """Random structured filters, every field and operator, with values of every store: a store
    token's answers never hold another store's rows."""
    rng = random.Random(20261206)
    fields = ["store", "store__region", "store__war_zone", "store__store_name", "store__city", "series__series_name"]
    everyone = rows(products_server, metrics="lead_count", group_by=",".join(fields))
    values = {f: sorted({str(r[f]) for r in everyone if r[f] is not None}) for f in fields}
    operators = ["eq", "ne", "in", "lt", "le", "gt", "ge", "between", "is_null"]
    checked = 0
    for _ in range(40):
        filters = []
        for _ in range(rng.randint(1, 3)):
            field, op = rng.choice(fields), rng.choice(operators)
            picks = [rng.choice(values[field]) for _ in range(2)]
            arg = {"is_null": "", "in": ",".join(picks), "between": ",".join(sorted(picks))}.get(op, picks[0])
            filters.append(f"{field}:{op}:{arg}" if arg else f"{field}:{op}")
        status, _, body = api(
            products_server,
            "/api/query",
            products_server.store_token,
            metrics=rng.choice(["lead_count", "order_new_count", "store_visit_count,test_drive_count"]),
            group_by="store,store__region",
            filter=filters,
        )
        assert status == 200, (filters, body[:300])
        assert {r["store"] for r in json.loads(body)["rows"]} <= {products_server.store}, filters
        checked += 1
    assert checked == 40


def test_an_error_tells_the_caller_what_was_wrong_and_the_log_what_happened(products_server: Server):
    status, headers, body = api(products_server, "/api/query", metrics="lead_count", group_by="metric_time__hour")
    answer = json.loads(body)
    assert status == 400 and answer["parameter"] == "group_by"
    assert answer["request_id"] == headers["x-request-id"]


def test_every_api_answer_carries_the_gate_and_is_stale_while_it_failed(products_server: Server):
    from quality.run import gates_path

    gates = gates_path(products_server.database)
    saved = gates.read_text() if gates.exists() else None
    ads = {"passed": True, "checked_at": "2026-11-30T06:00:00+08:00", "day": "2026-10-31", "failed": []}
    try:
        gates.write_text(json.dumps({"ads": ads}))
        status, headers, body = api(products_server, "/api/query", metrics="lead_count")
        assert status == 200 and headers["x-stale"] == "false" and json.loads(body)["ads_gate"]["passed"] is True
        gates.write_text(json.dumps({"ads": {**ads, "passed": False}}))
        status, headers, body = api(products_server, "/api/query", metrics="lead_count")
        answer = json.loads(body)
        assert status == 200 and headers["x-stale"] == "true" and headers["x-ads-gate"] == "failed"
        assert answer["stale"] is True and answer["ads_gate"]["passed"] is False
    finally:
        gates.unlink(missing_ok=True)
        if saved is not None:
            gates.write_text(saved)


def test_the_server_reads_the_warehouse_through_a_connection_that_cannot_reach_files(products_server: Server):
    """Even a where clause written by hand, past every check of the server, reads nothing but the
    warehouse: the `serve` connection is read-only, has no file access and a locked configuration."""
    from products.semantic import BadQuery, SemanticLayer

    layer = SemanticLayer(products_server.database, busy_timeout=60)
    for sql in (
        "select count(*) from read_csv('/etc/passwd')",
        f"select * from read_text('{products_server.access}')",
        "set enable_external_access = true",
        "create table main.t as select 1",
        f"attach '{products_server.database.parent / 'x.duckdb'}' as x",
    ):
        with pytest.raises(Exception) as refused:
            layer._read(lambda sql=sql: layer._client.query(sql))
        assert not isinstance(refused.value, BadQuery)
        assert any(w in str(refused.value) for w in ("Permission", "read-only", "locked", "Cannot")), refused.value


MF_QUERIES = [
    ["--metrics", "lead_count,order_close_rate", "--group-by", "metric_time__month", "--order", "metric_time__month"],
    [
        "--metrics",
        "delivery_count",
        "--group-by",
        "store__region",
        "--order",
        "-delivery_count,store__region",
        "--limit",
        "3",
    ],
    [
        "--metrics",
        "app_member_active_daily_avg",
        "--group-by",
        "metric_time__day",
        "--start-time",
        "2026-10-01",
        "--end-time",
        "2026-10-07",
        "--order",
        "metric_time__day",
    ],
    [
        "--metrics",
        "order_to_delivery_days_avg",
        "--group-by",
        "metric_time__quarter",
        "--order",
        "metric_time__quarter",
    ],
    [
        "--metrics",
        "lead_count,test_drive_count",
        "--group-by",
        "metric_time__month,advisor__advisor_name",
        "--where",
        "{{ Entity('store') }} = 'ST0001' and {{ TimeDimension('metric_time', 'month') }} = '2026-10-01'",
        "--order",
        "advisor__advisor_name",
        "--decimals",
        "2",
    ],
]


def bin_mf(server: Server, *args: str, cold: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, NEV_DUCKDB_PATH=str(server.database), NEV_ACCESS_FILE=str(server.access))
    env.update(DBT_PROFILES_DIR=str(ROOT), DBT_TARGET="duckdb", NEV_MF_VERBOSE="1")
    if cold:
        env["NEV_MF_COLD"] = "1"
    result = subprocess.run([str(ROOT / "bin" / "mf"), "query", *args], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


def table_part(stdout: str) -> list[str]:
    """What mf printed after its success line (the spinner's frames and timing differ)."""
    lines = [line.rstrip("\r") for line in stdout.split("\n")]
    start = next(i for i, line in enumerate(lines) if "Success" in line)
    return [line for line in lines[start + 1 :] if line.strip()]


@pytest.mark.parametrize(
    "args", MF_QUERIES, ids=["months", "regions-limit", "days-window", "quarters-decimals", "where-and"]
)
def test_bin_mf_through_the_warm_server_prints_what_mf_prints(products_server: Server, args):
    warm, cold = bin_mf(products_server, *args), bin_mf(products_server, *args, cold=True)
    assert "answered by the metrics server" in warm.stderr, warm.stderr
    assert "answered by the metrics server" not in cold.stderr
    assert table_part(warm.stdout) == table_part(cold.stdout) != []


def test_bin_mf_csv_through_the_server_equals_mf_and_a_where_runs_mf_itself(products_server: Server, tmp_path):
    args = ["--metrics", "lead_count", "--group-by", "store,metric_time__month", "--order", "metric_time__month,store"]
    warm = bin_mf(products_server, *args, "--csv", str(tmp_path / "warm.csv"))
    bin_mf(products_server, *args, "--csv", str(tmp_path / "cold.csv"), cold=True)
    assert "answered by the metrics server" in warm.stderr
    assert (tmp_path / "warm.csv").read_text() == (tmp_path / "cold.csv").read_text()
    # a where clause that is not field-operator-literal is SQL text: mf runs it, the server never sees it
    for where in ("{{ Entity('store') }} = 'ST0001' or 1=1", "1=(select count(*) from read_csv('/etc/passwd'))"):
        result = subprocess.run(
            [str(ROOT / "bin" / "mf"), "query", "--metrics", "lead_count", "--where", where],
            capture_output=True,
            text=True,
            env=dict(
                os.environ,
                NEV_DUCKDB_PATH=str(products_server.database),
                NEV_ACCESS_FILE=str(products_server.access),
                DBT_PROFILES_DIR=str(ROOT),
                DBT_TARGET="duckdb",
                NEV_MF_VERBOSE="1",
            ),
        )
        assert "answered by the metrics server" not in result.stderr, where


def test_the_cli_endpoint_answers_only_its_secret_and_only_structure(products_server: Server):
    secret = json.loads(products_server.access.with_name("serve.json").read_text())["secret"]

    def post(body, key=secret):
        request = urllib.request.Request(
            products_server.url + "/cli/query",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Serve-Secret": key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    assert post({"metrics": ["lead_count"]})[0] == 200
    assert post({"metrics": ["lead_count"]}, key="guess")[0] == 403
    assert post({"metrics": ["lead_count"]}, key=products_server.hq)[0] == 403  # a board token is not the secret
    assert post({"metrics": ["lead_count"], "filter": ["store:=:ST0001"]})[0] == 200
    for body in (
        {"metrics": ["lead_count"], "where": ["1=1"]},
        {"metrics": ["lead_count"], "filter": ["store:=:ST0001') or ('1'='1"]},
        {"metrics": ["lead_count"], "filter": ["1=1"]},
        {"metrics": ["lead_count"], "group_by": ["store) or (1=1"]},
        {"metrics": ["lead_count from x; --"]},
        {"metrics": "lead_count"},
        {"metrics": ["lead_count"], "limit": "1; drop"},
        {"metrics": ["lead_count"], "start_time": "read_csv('/etc/passwd')"},
        ["lead_count"],
    ):
        status, text = post(body)
        assert status == 400 and not leaks(products_server, text.encode()), (body, status, text)
