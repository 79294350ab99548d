"""The landing contract is the one place the raw tables are declared: the dbt files generated from it
are current, the demo seeds and the generator keep to it, and its rules hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

import contract
from contract.files import BadFile, check_csv
from contract.files import main as files_main
from contract.generate import stale
from contract.tables import BY_NAME
from datagen import dirt


def test_the_generated_dbt_files_are_current():
    assert stale(ROOT) == [], "run `python -m contract` (make generate)"


def test_every_raw_table_declares_its_key_among_its_columns():
    for t in contract.TABLES:
        assert set(t.key) <= set(t.column_names), t.name
        assert t.landed == (contract.LOADED_AT.name in t.column_names)
        assert (t.landing_hours is not None) == t.landed, f"{t.name}: a landed table needs a landing SLA"


def test_every_code_spelling_the_generator_sends_is_in_the_contract():
    """The generator's variant spellings are dirt ODS must map, not codes it may call unknown."""
    for (table, column), variants in dirt.ENUM_VARIANTS.items():
        spec = next(c for c in contract.BY_NAME[table].columns if c.name == column)
        accepted = {s.strip().upper() for spellings in spec.codes.values() for s in spellings}
        for canonical, alternatives in variants.items():
            for spelling in [canonical, *alternatives]:
                assert spelling.strip().upper() in accepted, (table, column, spelling)


def test_the_undocumented_codes_the_generator_sends_are_not_in_the_contract():
    """They are the dirt that must come out as 'unknown'."""
    for (table, column), unknown in dirt.UNKNOWN_CODES.items():
        spec = next(c for c in contract.BY_NAME[table].columns if c.name == column)
        accepted = {s.strip().upper() for spellings in spec.codes.values() for s in spellings}
        assert not {u.upper() for u in unknown} & accepted, (table, column)


def test_bounds_refer_to_columns_of_the_same_table():
    for t in contract.TABLES:
        for c in t.columns:
            for bound in t.bounds(c):
                if isinstance(bound, contract.Ref):
                    assert bound.column in t.column_names, (t.name, c.name, bound)


def test_references_name_a_table_by_its_one_column_key_and_follows_a_time_of_it():
    for t in contract.TABLES:
        for c in t.columns:
            if c.references:
                parent = contract.BY_NAME[c.references]
                assert len(parent.key) == 1 and parent.name != t.name, (t.name, c.name)
                assert not parent.landed or t.landed, (
                    f"{t.name}.{c.name}: a reference table cannot wait for a landed one"
                )
            if c.follows:
                via = next(v for v in t.columns if v.name == c.follows.via)
                assert via.references, (t.name, c.name)
                assert c.follows.column in contract.BY_NAME[via.references].column_names, (t.name, c.name)


# Raw files a source sends: each bad one is refused with one line naming the file, the problem and
# the fix, before anything loads (contract/files.py, the first step of make demo and make build).

HEADER = "follow_up_id,lead_id,advisor_id,follow_up_channel,follow_up_result,followed_up_at,_loaded_at\n"
ROW = "F1,L1,AD1,phone,,2024-11-01 18:15:30,2024-11-01T11:23:01Z\n"
# RFC 4180: a quoted field may hold commas, doubled quotes and line breaks (a multi-line note).
QUOTED = 'F2,L1,AD1,phone,"said ""call me"", then\nleft, twice",2024-11-01 19:00:00,2024-11-01T11:30:00Z\n'

BAD_FILES = {
    "in GBK": ((HEADER + ROW.replace(",,", ",已到店,")).encode("gbk"), "not UTF-8 (byte 0xd2 on line 2"),
    "empty": (b"", "the file is empty (0 bytes)"),
    "header only": (HEADER.encode(), "has a header but no rows"),
    "a missing column": ((HEADER.replace("advisor_id,", "") + ROW).encode(), "missing column(s) advisor_id"),
    "an extra column": (
        (HEADER.replace("\n", ",remark\n") + ROW.replace("\n", ",x\n")).encode(),
        "column(s) remark the contract does not declare",
    ),
    "a truncated last line": (
        (HEADER + ROW + "F3,L1,AD1").encode(),
        "line 3 has 3 fields, the header 7: the file looks cut short",
    ),
    "a stray quote": (
        (HEADER + ROW + QUOTED + 'F4,L1,AD1,phone,a"b,2024-11-01 19:00:00,2024-11-01T11:40:00Z\n').encode(),
        "line 5 has a stray quote",
    ),
    "an unclosed quote": (
        (HEADER + ROW + 'F5,L1,AD1,phone,"open,2024-11-01 19:00:00,2024-11-01T11:40:00Z\n').encode(),
        "opened on line 3 is never closed",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_raw_file_is_refused_in_one_line_naming_the_file(case: str, tmp_path: Path, capsys):
    data, expected = BAD_FILES[case]
    path = tmp_path / "crm" / "raw_crm__follow_ups.csv"
    path.parent.mkdir()
    path.write_bytes(data)
    with pytest.raises(BadFile) as refused:
        check_csv(path, BY_NAME["raw_crm__follow_ups"])
    message = str(refused.value)
    assert message.startswith(f"{path}: ") and expected in message, message
    assert "\n" not in message
    assert files_main([str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["utf-8", "excel-csv-utf-8-with-bom"])
def test_a_valid_rfc_4180_file_with_a_multi_line_note_keeps_to_the_contract(tmp_path: Path, encoding: str):
    path = tmp_path / "raw_crm__follow_ups.csv"
    path.write_text(HEADER + ROW + QUOTED, encoding=encoding)
    assert check_csv(path, BY_NAME["raw_crm__follow_ups"]) == 2
    assert files_main([str(tmp_path)]) == 0
