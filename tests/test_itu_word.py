"""ITU's own Word files, read by their styles: E.119 in five languages and WTSA Resolution 1.

The files are ITU's (© ITU) and are never copied into the repository: they are read
from ``../shared/corpus/`` and the tests skip when it is absent. E.119 goes through the
whole pipeline once per session (the ``e119_db`` fixture: ``itu-corpus run --source``
on a folder without a manifest); Resolution 1 is parsed and segmented here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from corpus.model import Level, SourceFile, SourceFormat
from corpus.parse import parse_document
from corpus.segment import segment_document
from tests.conftest import shared_corpus
from warehouse.db import query

E119 = "T-REC-E.119-201704-I"
FIVE = ("ar", "en", "es", "fr", "ru")
#: The numbered headings of E.119 (Heading1 and Heading2), as keys.
E119_HEADINGS = (
    "1",
    "2",
    "3",
    "3.1",
    "3.2",
    "4",
    "5",
    "6",
    "7",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.5",
    "7.6",
    "7.7",
)
#: Paragraphs with text set aside per language, counted by opening the files: the cover
#: (logo block, series titles, the list of E-series Recommendations on its back), the
#: foreword and copyright page, the table of contents (title, "Page", 17 lines), the
#: back page listing the ITU-T series (a 25-row table; a one-cell frame in Arabic).
E119_SET_ASIDE = {
    "ar": {"cover": 89, "copyright": 13, "toc": 19, "back": 24, "header_footer": 7},
    "en": {"cover": 90, "copyright": 13, "toc": 19, "back": 47, "header_footer": 7},
    "es": {"cover": 91, "copyright": 13, "toc": 19, "back": 47, "header_footer": 6},
    "fr": {"cover": 90, "copyright": 13, "toc": 19, "back": 47, "header_footer": 7},
    "ru": {"cover": 91, "copyright": 13, "toc": 19, "back": 47, "header_footer": 14},
}


def rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    return query(db, sql, list(params))[1]


def test_every_numbered_heading_is_a_clause_group_in_five_languages(e119_db: Path) -> None:
    found = rows(
        e119_db,
        """SELECT g.key, list(DISTINCT m.lang ORDER BY m.lang)
           FROM alignment_groups g JOIN alignment_members m USING (group_id)
           WHERE g.resolution = ? AND g.level = 'clause' AND g.key = ANY(?)
           GROUP BY g.key ORDER BY g.key""",
        E119,
        list(E119_HEADINGS),
    )
    assert {key: tuple(langs) for key, langs in found} == dict.fromkeys(E119_HEADINGS, FIVE)  # type: ignore[arg-type]


def test_arabic_mirrored_numbers_give_the_english_keys(e119_db: Path) -> None:
    found = rows(
        e119_db,
        """SELECT label, key FROM segments
           WHERE resolution = ? AND lang = 'ar' AND level = 'clause'
             AND key IN ('7.1', '3.1.2', '7.1.4') ORDER BY key""",
        E119,
    )
    assert found == [("2.1.3", "3.1.2"), ("1.7", "7.1"), ("(4", "7.1.4")]


@pytest.mark.parametrize("lang", FIVE)
def test_furniture_is_set_aside_and_counted(e119_db: Path, lang: str) -> None:
    (set_aside,) = rows(
        e119_db, "SELECT set_aside FROM documents WHERE doc_id = ?", f"{E119}:{lang}"
    )[0]
    counts = json.loads(str(set_aside))
    assert {k: v for k, v in counts.items() if k != "title_repeat"} == E119_SET_ASIDE[lang]
    furniture = {
        "en": ["Table of Contents", "All rights reserved", "SERIES OF ITU-T RECOMMENDATIONS"],
        "fr": ["TABLE DES MATIÈRES", "Tous droits réservés", "Domaine d'application\t"],
        "es": ["ÍNDICE", "Reservados todos los derechos", "Alcance\t"],
        "ru": ["ПРЕДИСЛОВИЕ", "СОДЕРЖАНИЕ", "Сфера применения\t", "Все права сохранены"],
        "ar": ["جدول المحتـويات", "جميع الحقوق محفوظة", "E.799-E.750"],
    }[lang]
    for text in furniture:
        hits = rows(
            e119_db,
            "SELECT count(*) FROM segments WHERE doc_id = ? AND contains(text, ?)",
            f"{E119}:{lang}",
            text,
        )
        assert hits == [(0,)], text


def test_sections_of_the_recommendation(e119_db: Path) -> None:
    found = rows(
        e119_db,
        """SELECT key, count(DISTINCT lang) FROM segments
           WHERE resolution = ? AND level = 'section' GROUP BY key ORDER BY min(position)""",
        E119,
    )
    assert found == [
        ("title", 5),
        ("summary", 5),
        ("history", 5),
        ("introduction", 5),
        ("body", 5),
        ("bibliography", 5),
    ]


def test_folder_run_records_provenance_and_sha256(e119_db: Path) -> None:
    folder = shared_corpus("itu-t-e119")
    found = {
        str(path): str(sha)
        for path, sha in rows(
            e119_db, "SELECT source_path, sha256 FROM documents WHERE resolution = ?", E119
        )
    }
    assert found == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.glob("*.docx")
    }
    formats = rows(e119_db, "SELECT DISTINCT format FROM documents WHERE resolution = ?", E119)
    assert formats == [("docx",)]


# --- WTSA Resolution 1 (English) ---------------------------------------------------------

RES1_SECTIONS = [
    "title",
    "formula",
    "considering",
    "resolves",
    *[f"section.{n}" for n in ("1", "1bis", "2", "3", "4", "5", "6", "7", "8", "9")],
    "appendix.I",
    "appendix.II",
]


@pytest.fixture(scope="module")
def res1() -> dict[str, list[str]]:
    """Resolution 1's segments: keys per level, in document order."""
    (path,) = shared_corpus("itu-t-res1").glob("*.docx")
    data = path.read_bytes()
    source = SourceFile(
        "wtsa-1",
        "en",
        SourceFormat.DOCX,
        path.name,
        hashlib.sha256(data).hexdigest(),
        "Rev. Hammamet, 2016",
        "../shared/corpus/itu-t-res1",
        "© ITU",
    )
    doc = parse_document(source, data)
    assert doc.warnings == ()
    assert dict(doc.set_aside) == {"cover": 5, "copyright": 7, "header_footer": 12}
    out: dict[str, list[str]] = {}
    for seg in segment_document(doc).segments:
        if seg.level in (Level.SECTION, Level.CLAUSE):
            out.setdefault(seg.level.value, []).append(seg.key)
    return out


def test_resolution_sections_from_call_headings_and_section_numbers(
    res1: dict[str, list[str]],
) -> None:
    assert res1["section"] == RES1_SECTIONS


def test_resolution_numbered_sections_and_list_items_are_clauses(
    res1: dict[str, list[str]],
) -> None:
    clauses = res1["clause"]
    assert clauses[:12] == [
        "considering.a",
        "considering.b",
        "considering.b-bis",
        *[f"considering.{c}" for c in "cdefghi"],
        "1.1",
        "1.2",
    ]
    expected = [
        "1.3.a",  # enumlev1 under a numbered paragraph
        "1.5.b.ii",  # enumlev2 under enumlev1
        "1.5.b.v.bullet-2",  # enumlev3 without a label
        "1.11.1",
        "1bis.1.1.5",  # numbered heading of Section 1bis
        "2.4.2.bullet-7",  # "–" items
        "4.3bis",
        "7.4.2",
        "9.8.2.2",
        "appendix.I.bullet-7.bullet-4",  # "•" then "–"
    ]
    assert [key for key in expected if key not in clauses] == []
    assert len(clauses) == len(set(clauses)) == 273
