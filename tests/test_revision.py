"""Revision residue in flattened text, and the two-layer helpers, on real ITU wording.

The strings in the unit tests are copied from the bundled French proposal for
Resolution 130 (``itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt``) unless marked
"constructed" (written for these tests).
"""

from __future__ import annotations

from collections import Counter

import pytest

from corpus.manifest import BUNDLED_MANIFEST, read_manifest, read_source_bytes
from corpus.model import Change, Document, Level, Revision, SegmentedDocument
from corpus.parse import parse_document
from corpus.revision import (
    Residue,
    before_text,
    change_of,
    find_residue,
    residue_span,
    residue_within,
)
from corpus.segment import segment_document

RES130_FR = next(
    s for s in read_manifest(BUNDLED_MANIFEST) if s.resolution == "130" and s.lang == "fr"
)


@pytest.fixture(scope="module")
def fr() -> Document:
    return parse_document(RES130_FR, read_source_bytes(RES130_FR))


@pytest.fixture(scope="module")
def fr_segments(fr: Document) -> SegmentedDocument:
    return segment_document(fr)


@pytest.mark.parametrize(
    ("text", "kind", "raw", "old", "new"),
    [
        (
            "(Rév. Dubaï, 2018Bucarest, 2022)",
            "glued year",
            "Dubaï, 2018Bucarest, 2022",
            "Dubaï, 2018",
            "Bucarest, 2022",
        ),
        (
            "RÉSOLUTION 130 (RÉV. DUBAÏ, 2018bucarest, 2022)",
            "glued year",
            "DUBAÏ, 2018bucarest, 2022",
            "DUBAÏ, 2018",
            "bucarest, 2022",
        ),
        (
            "(Rév. Buenos Aires, 2017Kigali, 2022)",
            "glued year",
            "Buenos Aires, 2017Kigali, 2022",
            "Buenos Aires, 2017",
            "Kigali, 2022",
        ),
        (
            "(Rév. Hammamet, 2016Genève, 2022)",
            "glued year",
            "Hammamet, 2016Genève, 2022",
            "Hammamet, 2016",
            "Genève, 2022",
        ),
        ("la Résolution 68/19876/189 de", "glued number", "68/19876/189", "68/198", "76/189"),
        ("la Résolution 68/24376/19 de", "glued number", "68/24376/19", "68/243", "76/19"),
        ("que la CMDT-1722 a adopté", "glued number", "CMDT-1722", "CMDT-17", "CMDT-22"),
        ("l'AMNT-1622 a adopté", "glued number", "AMNT-1622", "AMNT-16", "AMNT-22"),
        ("la Déclaration de Buenos AiresKigali", "glued words", "AiresKigali", "Aires", "Kigali"),
        # constructed: the same residue in Arabic and Russian punctuation
        (
            "(دبي، 2018بوخارست، 2022)",
            "glued year",
            "دبي، 2018بوخارست، 2022",
            "دبي، 2018",
            "بوخارست، 2022",
        ),
    ],
)
def test_find_residue(text: str, kind: str, raw: str, old: str, new: str) -> None:
    [found] = find_residue(text)
    assert (found.kind, found.raw, found.old, found.new) == (kind, raw, old, new)
    assert text[found.start : found.end] == raw


@pytest.mark.parametrize(
    "text",
    [
        "(Rév. Dubaï, 2018)",  # a plain reference
        "2018年",  # constructed: Chinese year
        "(Пересм. Дубай, 2018 г.)",  # constructed: Russian reference
        "CMR-2023 et WRC-19",  # a year in full, and a normal conference
        "la Résolution 71/199 et 64/211",
        "McDonald et eBay",  # constructed: ordinary mixed case
        "1990s, 2022",  # constructed
    ],
)
def test_no_residue(text: str) -> None:
    assert find_residue(text) == []


def test_evidence_round_trips_its_offsets() -> None:
    residue = Residue("glued number", 367, 379, "68/19876/189", "68/198", "76/189")
    assert residue.as_meta() == (
        "revision_residue",
        'glued number at 367-379: "68/19876/189" = old "68/198" -> new "76/189"',
    )
    assert residue_span(residue.evidence) == (367, 379)
    assert residue_span("compound label gf) = g -> f") is None
    meta = (
        ("bookmark", "x"),
        residue.as_meta(),
        ("revision_residue", "compound label gf) = g -> f"),
    )
    assert residue_within(meta, 300, 400) == (residue.as_meta(),)
    assert residue_within(meta, 370, 400) == ()


# Hand-checked on the French file (grep for a year glued to a letter, NN/NNNNN/NNN and
# ACRONYM-NNNN, then each reading checked by eye): 22 glued years, 2 glued UNGA
# resolution numbers, 8 glued conference years, 2 glued place names
# ("Buenos AiresKigali"). Per block (section, label) in document order:
FR_RESIDUE = [
    ("title", None, "glued year", "DUBAÏ, 2018bucarest, 2022"),
    ("formula", None, "glued year", "Dubaï, 2018Bucarest, 2022"),
    ("recalling", "a)", "glued number", "68/19876/189"),
    ("recalling", "c)", "glued number", "68/24376/19"),
    ("recalling", "k)", "glued year", "Dubaï, 2018Bucarest, 2022"),
    ("recalling", "l)", "glued year", "Dubaï, 2014Kigali, 2022"),
    ("recalling", "m)", "glued year", "Dubaï, 2018Bucarest, 2022"),
    ("recalling", "no)", "glued year", "Dubaï, 2012Genève, 2022"),
    ("recalling", "op)", "glued year", "Buenos Aires, 2017Kigali, 2022"),
    ("recalling", "pq)", "glued year", "Buenos Aires, 2017Kigali, 2022"),
    ("recognizing", "d)", "glued number", "CMDT-1722"),
    ("recognizing", "d)", "glued number", "CMDT-1422"),
    ("recognizing", "d)", "glued year", "Dubaï, 2014Kigali, 2022"),
    ("recognizing", "e)", "glued words", "AiresKigali"),
    ("recognizing", "f)", "glued number", "AMNT-1622"),
    ("recognizing", "f)", "glued year", "Dubaï, 2012Genève, 2022"),
    ("recognizing", "f)", "glued number", "CMDT-1722"),
    ("recognizing", "f)", "glued year", "Buenos Aires, 2017Kigali, 2022"),
    ("recognizing", "kj)", "glued number", "AMNT-1622"),
    ("recognizing", "i)", "glued year", "Hammamet, 2016Genève, 2022"),
    ("recognizing", "ii)", "glued year", "Hammamet, 2016Genève, 2022"),
    ("aware", "b)", "glued year", "Dubaï, 2014Kigali, 2022"),
    ("aware", "b)", "glued year", "Buenos Aires, 2017Kigali, 2022"),
    ("instructs-sg-bureaux", "2", "glued year", "Dubaï, 2014Kigali, 2022"),
    ("instructs-sg-bureaux", "3", "glued year", "Dubaï, 2014Kigali, 2022"),
    ("instructs-tsb", "i)", "glued year", "Dubaï, 2012Genève, 2022"),
    ("instructs-tsb", "•", "glued year", "Hammamet, 2016Genève, 2022"),
    ("instructs-tsb", "•", "glued year", "Dubaï, 2012Genève, 2022"),
    ("instructs-bdt", "1", "glued number", "CMDT-1722"),
    ("instructs-bdt", "1", "glued year", "Dubaï, 2014Kigali, 2022"),
    ("instructs-tsb-bdt", "1", "glued number", "AMNT-1622"),
    ("instructs-tsb-bdt", "1", "glued number", "CMDT-1722"),
    ("instructs-tsb-bdt", "1", "glued words", "AiresKigali"),
    ("invites-ms", "2", "glued year", "Dubaï, 2014Kigali, 2022"),
]


def test_fr_residue_is_recorded_on_its_block(fr: Document) -> None:
    found = []
    for block in fr.blocks:
        for key, value in block.meta:
            span = residue_span(value) if key == "revision_residue" else None
            if span is None:
                continue
            raw = fr.text[span[0] : span[1]]
            assert f'"{raw}"' in value and block.start <= span[0] < span[1] <= block.end
            found.append((block.section, block.label, value.split(" at ")[0], raw))
    assert found == FR_RESIDUE
    assert Counter(kind for _, _, kind, _ in found) == {
        "glued year": 22,
        "glued number": 10,
        "glued words": 2,
    }
    # never rewritten: the raw text still holds every glued form
    assert "68/19876/189" in fr.text and "2018Bucarest, 2022" in fr.text


def test_fr_residue_reaches_paragraphs_and_sentences(fr_segments: SegmentedDocument) -> None:
    def residue(level: Level) -> int:
        return sum(
            1
            for s in fr_segments.segments
            if s.level is level
            for k, v in s.meta
            if k == "revision_residue" and residue_span(v) is not None
        )

    # Every piece sits in exactly one paragraph and one sentence.
    assert residue(Level.PARAGRAPH) == len(FR_RESIDUE)
    assert residue(Level.SENTENCE) == len(FR_RESIDUE)
    sentence = next(
        s for s in fr_segments.segments if s.level is Level.SENTENCE and "68/19876/189" in s.text
    )
    assert sentence.key == "recalling.a"
    assert sentence.meta == (
        (
            "revision_residue",
            'glued number at 367-379: "68/19876/189" = old "68/198" -> new "76/189"',
        ),
    )
    # Compound-label residue stays on the clause.
    clause = next(s for s in fr_segments.segments if s.id == "130:fr:recalling.f~2")
    assert clause.label == "gf)"
    assert ("revision_residue", "compound label gf) = g -> f") in clause.meta
    # One-layer source: no before layer, no change marker.
    assert {(s.text_before, s.change) for s in fr_segments.segments} == {(None, None)}


# --- two layers (constructed) ------------------------------------------------------------------

TEXT = "to continue. It shall be reviewed."
REVISIONS = (
    Revision("ins", 12, 34, " It shall be reviewed."),
    Revision("del", 34, 34, " The Council shall report."),
)


def test_before_text_of_spans() -> None:
    assert before_text(TEXT, REVISIONS, 0, len(TEXT)) == "to continue. The Council shall report."
    assert before_text(TEXT, REVISIONS, 0, 13, closed=False) == "to continue."
    assert before_text(TEXT, REVISIONS, 13, 34) == " The Council shall report."
    assert before_text(TEXT, REVISIONS, 13, 34, closed=False) == ""
    # deletion and insertion at one point, listed insertion first: same result
    swapped = (Revision("ins", 3, 6, "new"), Revision("del", 3, 3, "old"))
    assert before_text("to new text", swapped, 0, 11) == "to old text"


@pytest.mark.parametrize(
    ("proposed", "before", "change"),
    [
        ("same", "same", Change.UNCHANGED),
        ("", "gone", Change.DELETED),
        ("new", "", Change.INSERTED),
        ("new", "old", Change.MODIFIED),
    ],
)
def test_change_of(proposed: str, before: str, change: Change) -> None:
    assert change_of(proposed, before) is change
