"""The metrics HTTP API as a client meets it: a real server process (python -m products serve) on a
copy of the built warehouse, asked over HTTP."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from conftest import ROOT, Server

from orchestration.lock import warehouse_lock

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
                "where": "{{ TimeDimension('metric_time', 'month') }} >= '2026-01-01'",
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
    ids=["by-month", "where-order-limit"],
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


def test_a_bad_query_is_a_400_with_metricflows_message(products_server: Server):
    status, _, body = api(products_server, "/api/query", metrics="lead_count", group_by="store__no_such_dimension")
    assert status == 400
    assert "no_such_dimension" in json.loads(body)["error"]
    status, _, body = api(products_server, "/api/query", metrics="lead_count", limit="lots")
    assert status == 400 and "limit" in json.loads(body)["error"]


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
    asked_for_other = rows(
        products_server,
        products_server.store_token,
        where=f"{{{{ Entity('store') }}}} = '{products_server.other_store}'",
        **params,
    )
    assert asked_for_other == []
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
        assert "being written" in json.loads(body)["error"]
        assert waited < 10
        status, headers, body = api(products_server, "/api/query", **cached)
        assert status == 200 and headers["x-stale"] == "true"
        assert json.loads(body)["rows"] == before
    status, headers, _ = api(products_server, "/api/query", metrics="card_count", group_by="store")
    assert status == 200 and headers["x-stale"] == "false"
