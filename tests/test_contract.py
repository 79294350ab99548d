"""The landing contract is the one place the raw tables are declared: the dbt files generated from it
are current, the demo seeds and the generator keep to it, and its rules hold."""

from __future__ import annotations

from pathlib import Path

import contract
from contract.generate import stale
from datagen import dirt

ROOT = Path(__file__).resolve().parents[1]


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
