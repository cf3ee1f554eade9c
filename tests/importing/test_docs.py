"""docs/import.md lists what the code knows: every field with its headers, every status name
variant and every blank shape word (the tables were generated from the code; this keeps them
in step)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.importing.kinds.blanks import SHAPE_WORDS
from ingest.importing.statuses import VARIANTS
from ingest.importing.synonyms import FIELDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(FIELDS))
def test_every_field_and_header_is_documented(kind):
    section = DOC.split(f"### {kind} — ", 1)[1].split("\n### ", 1)[0]
    for spec in FIELDS[kind]:
        line = next(r for r in section.splitlines() if r.startswith(f"| `{spec.name}`"))
        assert spec.type in line
        for synonym in spec.synonyms:
            assert f"«{synonym}»" in line, (kind, spec.name, synonym)


def test_every_status_variant_and_shape_word_is_documented():
    for code, names in VARIANTS.items():
        line = next(r for r in DOC.splitlines() if r.startswith(f"| `{code}` |"))
        assert all(f"«{n}»" in line for n in names), code
    for code, words in SHAPE_WORDS.items():
        line = next(r for r in DOC.splitlines() if r.startswith(f"| `{code}` |") and "«" in r
                    and any(w in r for w in words))  # fmt: skip
        assert all(f"«{w}»" in line for w in words), code
