"""Hand-written clauses of Resolution 130 in Arabic, Chinese, Russian and Spanish.

The fixtures under ``tests/fixtures/`` were written for these tests (see the README
there): real ITU heading words and label styles of each language, in the flattened-text
format. Each must parse into the same sections and clause keys, and segment with every
offset exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.model import BlockKind, Lang, Level, SourceFile, SourceFormat
from corpus.parse import parse_document
from corpus.segment import segment_document

FIXTURES = Path(__file__).parent / "fixtures"

# (section, clause key) in document order; the same for all four languages but for
# the third recalling clause ("c" in ar and ru, "b-bis" in es, absent in zh) and the
# extra operative clauses.
EXPECTED: dict[Lang, list[tuple[str, str]]] = {
    "ar": [
        ("recalling", "a"),
        ("recalling", "b"),
        ("recalling", "c"),
        ("considering", "a"),
        ("considering", "b"),
        ("resolves", "1"),
        ("resolves", "2"),
        ("resolves", "2-bis"),
        ("instructs-sg", "1"),
    ],
    "zh": [
        ("recalling", "a"),
        ("recalling", "b"),
        ("considering", "a"),
        ("considering", "b"),
        ("resolves", "1"),
        ("resolves", "2"),
        ("instructs-sg", "1"),
    ],
    "ru": [
        ("recalling", "a"),
        ("recalling", "b"),
        ("recalling", "c"),
        ("considering", "a"),
        ("considering", "b"),
        ("resolves", "1"),
        ("resolves", "1-bis"),
        ("resolves", "2"),
        ("instructs-sg", "1"),
    ],
    "es": [
        ("recalling", "a"),
        ("recalling", "b"),
        ("recalling", "b-bis"),
        ("considering", "a"),
        ("considering", "b"),
        ("resolves", "1"),
        ("instructs-sg", "1"),
        ("instructs-sg", "i"),
        ("instructs-sg", "ii"),
        ("instructs-sg", "bullet-1"),
        ("instructs-sg", "2"),
    ],
}
# The first sentence of considering a), which has two: the splitters must cut it.
FIRST_SENTENCE: dict[Lang, str] = {
    "ar": "الأهمية الحاسمة للبنية التحتية للمعلومات والاتصالات وتطبيقاتها.",
    "zh": "信息通信基础设施及其应用至关重要。",
    "ru": "необычайно важное значение инфраструктуры информации и связи.",
    "es": "la importancia crucial de las infraestructuras de la información y la comunicación.",
}


def source(lang: Lang) -> SourceFile:
    return SourceFile(
        resolution="130",
        lang=lang,
        format=SourceFormat.FLATTENED_TEXT,
        path=f"tests/fixtures/res130.{lang}.txt",
        sha256="0" * 64,
        version="test",
        provenance="written for tests/test_parse_fixtures.py",
        licence="none",
    )


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_fixture_sections_and_clauses(lang: Lang) -> None:
    doc = parse_document(source(lang), (FIXTURES / f"res130.{lang}.txt").read_bytes())
    assert doc.warnings == ()
    clauses = [(b.section, b.label_key) for b in doc.blocks if b.kind is BlockKind.CLAUSE]
    assert clauses == EXPECTED[lang]
    kinds = [b.kind for b in doc.blocks if b.kind is not BlockKind.CLAUSE]
    assert kinds[:3] == [BlockKind.TITLE, BlockKind.TITLE, BlockKind.PARAGRAPH]
    assert doc.title and doc.blocks[2].section == "formula"

    sd = segment_document(doc)
    for s in sd.segments:
        assert doc.text[s.start : s.end] == s.text
    sections = [s.key for s in sd.at_level(Level.SECTION)]
    assert sections == ["title", "formula", "recalling", "considering", "resolves", "instructs-sg"]
    first = next(s for s in sd.segments if s.level is Level.SENTENCE and s.key == "considering.a")
    assert first.text == FIRST_SENTENCE[lang]
    if lang == "es":  # sub-items nest under 1, the dash bullet under ii)
        keys = {s.key: s.parent_id for s in sd.at_level(Level.CLAUSE)}
        assert keys["instructs-sg.1.i"] == "130:es:instructs-sg.1"
        assert keys["instructs-sg.1.ii.bullet-1"] == "130:es:instructs-sg.1.ii"
        assert keys["instructs-sg.2"] == "130:es:instructs-sg"
