"""The docs say what the code does: every Make target the README and docs/ name exists, and every
path in docs/architecture.md's layout is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def make_targets(makefile: Path = ROOT / "Makefile") -> set[str]:
    return set(re.findall(r"^([a-z][a-z0-9-]*):", makefile.read_text(), re.M))


def named_targets(text: str) -> set[str]:
    """`make x` in inline code or at the start of a code line."""
    return set(re.findall(r"(?:`|^\s*)make ([a-z][a-z0-9-]*)", text, re.M))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_make_target_a_doc_names_exists(doc: Path):
    missing = named_targets(doc.read_text(encoding="utf-8")) - make_targets()
    assert missing == set(), f"{doc.name} names make targets the Makefile lacks: {sorted(missing)}"


def layout_paths(text: str) -> list[str]:
    """The first word of each line of the layout's code block that names a path."""
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    paths = []
    for line in block.splitlines():
        word = line.split(" ", 1)[0]
        if "/" in word or word.endswith(".py"):
            paths.append(word)
    return paths


def test_every_path_in_the_architecture_layout_exists():
    paths = layout_paths((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert len(paths) > 15
    missing = []
    for path in paths:
        fixed = path.split("<", 1)[0].rstrip("/")  # models/ods/<system>/ -> models/ods
        if not (list(ROOT.glob(fixed)) if "*" in fixed else (ROOT / fixed).exists()):
            missing.append(path)
    assert missing == []


def test_the_checks_see_a_renamed_target_and_a_missing_path(tmp_path: Path):
    """The two checks above can fail: a doc naming a target that was renamed, a layout naming a folder
    that is gone."""
    makefile = tmp_path / "Makefile"
    makefile.write_text((ROOT / "Makefile").read_text().replace("\ndemo:", "\nshowcase:"))
    assert "demo" in named_targets((ROOT / "README.md").read_text()) - make_targets(makefile)
    text = (ROOT / "docs" / "architecture.md").read_text().replace("products/ ", "storefront/ ")
    assert "storefront/" in layout_paths(text) and not (ROOT / "storefront").exists()
