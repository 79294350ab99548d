"""Tokens and filters, the two things a caller hands the server, tested without a warehouse."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

import pytest
from conftest import ROOT

from products import access
from products.filters import BadParameter, Field, parse_filter, render


def test_the_access_file_keeps_hashes_never_tokens(tmp_path):
    path = tmp_path / "access.json"
    store_token = access.issue(path, "店长", "ST0001")
    hq = access.issue(path, "总部", None)
    text = path.read_text()
    assert store_token not in text and hq not in text
    assert set(json.loads(text)["tokens"]) == {access.token_hash(store_token), access.token_hash(hq)}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    readers = access.Access(path)
    assert readers.reader(store_token).store == "ST0001" and readers.reader(hq).store is None
    with pytest.raises(access.Denied):
        readers.reader(access.token_hash(store_token))  # the hash itself is no token


def test_a_revoked_token_is_refused_and_a_plain_one_is_never_honoured(tmp_path):
    path = tmp_path / "access.json"
    token = access.issue(path, "店长", "ST0001")
    readers = access.Access(path)
    assert readers.reader(token).store == "ST0001"
    with pytest.raises(ValueError):
        access.revoke(path, "abc")  # too short to name one token
    assert access.revoke(path, access.token_hash(token)[7:19]) == [access.token_hash(token)]
    with pytest.raises(access.Denied):
        readers.reader(token)
    path.write_text(json.dumps({"tokens": {"plain-token": {"name": "old", "store": None}}}))
    with pytest.raises(access.Denied):
        access.Access(path).reader("plain-token")
    assert access.hash_plain_tokens(path) == 1 and access.Access(path).reader("plain-token").store is None


def test_tokens_are_issued_listed_and_revoked_from_the_command_line(tmp_path):
    env = {"NEV_ACCESS_FILE": str(tmp_path / "access.json"), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

    def products(*args):
        return subprocess.run(
            [sys.executable, "-m", "products", "tokens", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )

    issued = products("issue", "--store", "ST0003", "--name", "店长")
    assert issued.returncode == 0, issued.stderr
    token, short, store = issued.stdout.split("\t")
    assert store.strip() == "ST0003" and access.Access(tmp_path / "access.json").reader(token).store == "ST0003"
    assert short in products("list").stdout and token not in products("list").stdout
    assert products("issue", "--store", "ST0003' or 1=1").returncode == 2
    assert products("issue").returncode == 2
    assert products("revoke", short).returncode == 0
    assert short not in products("list").stdout


@pytest.mark.parametrize(
    "text",
    [
        "store__region:eq:x') or ('1'='1",
        "store__region:eq:{{ 7*7 }}",
        "store__region:eq:a;b",
        "store__region:eq:" + "A" * 65,
        "store__region:like:%",
        "store__region:eq",
        "store__region:between:a",
        "store__region:is_null:x",
        "Store:eq:x",
        "store__region) or (1:eq:x",
        "store__region:eq:’",
        "store__region:eq:a\nb",
    ],
)
def test_a_filter_that_is_not_structure_is_refused(text):
    with pytest.raises(BadParameter) as refused:
        parse_filter(text)
    assert refused.value.parameter == "filter"


def test_a_filter_is_written_with_each_value_quoted():
    region = Field("store__region", "dimension")
    month = Field("metric_time__month", "time", "metric_time", "month")
    assert render(parse_filter("store__region:in:华东大区,华南大区"), region) == (
        "{{ Dimension('store__region') }} in ('华东大区', '华南大区')"
    )
    assert render(parse_filter("metric_time__month:between:2026-01-01,2026-06-01"), month) == (
        "{{ TimeDimension('metric_time', 'month') }} between '2026-01-01' and '2026-06-01'"
    )
    assert render(parse_filter("store:<=:ST0003"), Field("store", "entity")) == "{{ Entity('store') }} <= 'ST0003'"
    # a dimension reached through two entities: MetricFlow takes the path apart from the name
    series = Field("lead__series__series_name", "dimension")
    assert render(parse_filter("lead__series__series_name:eq:Aster A5"), series) == (
        "{{ Dimension('series__series_name', entity_path=['lead']) }} = 'Aster A5'"
    )
    with pytest.raises(BadParameter):
        render(parse_filter("metric_time__month:eq:2026-13-01"), month)
