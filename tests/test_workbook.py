"""The review workbook, read back with openpyxl as a spreadsheet program would."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from flows.cli import main
from warehouse.db import query
from warehouse.report.data import REVIEW_ORDER

HEADER = [*REVIEW_ORDER, "key", "resolution", "confidence", "severity", "findings"]


@pytest.fixture(scope="module")
def workbook(qa_corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("workbook") / "review.xlsx"
    assert main(["export", "xlsx", str(out), "--db", str(qa_corpus_db)]) == 0
    return out


def test_one_row_per_clause_group_and_one_column_per_language(
    workbook: Path, qa_corpus_db: Path
) -> None:
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == HEADER
    _, groups = query(
        qa_corpus_db,
        "SELECT resolution, key, ar, zh, en, fr, ru, es FROM parallel WHERE level = 'clause' "
        "ORDER BY resolution, position",
    )
    assert sheet.max_row == len(groups) + 1
    assert sheet.max_column == len(HEADER)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[7], r[6]) for r in rows] == [(g[0], g[1]) for g in groups]
    # Texts byte for byte, an absent language left empty.
    assert [tuple(r[:6]) for r in rows] == [tuple(g[2:]) for g in groups]
    udhr = [r for r in rows if r[7] == "udhr"]
    assert len(udhr) == 30 and all(all(r[:6]) for r in udhr)


def test_arabic_right_to_left_header_frozen_autofilter_wrapped(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}"
    arabic = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert len(arabic) >= 30
    assert all(c.alignment.readingOrder == 2 and c.alignment.horizontal == "right" for c in arabic)
    english = [row[2] for row in sheet.iter_rows(min_row=2) if row[2].value]
    assert all(c.alignment.readingOrder != 2 and c.alignment.wrap_text for c in english)
    # Columns of equal width are stored as one range (min..max), keyed by its first letter.
    widths = {
        n: dim.width
        for dim in sheet.column_dimensions.values()
        for n in range(dim.min, dim.max + 1)
    }
    assert widths[3] > 40 and widths[11] > 60 and widths[9] < 15  # en, findings, confidence


def test_findings_of_a_clause_and_its_sentences_are_on_its_row(
    workbook: Path, qa_corpus_db: Path
) -> None:
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    rows = {(r[7].value, r[6].value): r for r in sheet.iter_rows(min_row=2)}
    # The glued reference of the French revision (old 68/198, new 76/189) is a residue
    # finding on the paragraph of recalling a); the clause row carries it.
    row = rows[("130", "recalling.a")]
    assert row[9].value == "warning"
    assert row[10].value.startswith("[fr] warning · residue")
    assert "glued references: 68/198 then 76/189" in row[10].value
    _, total = query(
        qa_corpus_db,
        "SELECT count(*) FROM qa_findings WHERE level IN ('clause', 'paragraph', "
        "'sentence') AND key IN (SELECT key FROM alignment_groups WHERE level = 'clause')",
    )
    shown = sum(len(r[10].value.splitlines()) for r in rows.values() if r[10].value)
    assert shown >= total[0][0] > 0


def test_one_resolution_at_sentence_level(qa_corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "udhr.xlsx"
    assert (
        main(
            [
                "export",
                "xlsx",
                str(out),
                "--resolution",
                "udhr",
                "--level",
                "sentence",
                "--db",
                str(qa_corpus_db),
            ]
        )
        == 0
    )
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    _, n = query(
        qa_corpus_db,
        "SELECT count(*) FROM alignment_groups WHERE resolution = 'udhr' AND level = 'sentence'",
    )
    assert sheet.max_row == n[0][0] + 1
    assert {r[0].value for r in sheet.iter_rows(min_row=2)} - {None}
    assert [p.name for p in tmp_path.iterdir()] == ["udhr.xlsx"]


def test_unknown_resolution(
    qa_corpus_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "export",
                "xlsx",
                str(tmp_path / "x.xlsx"),
                "--resolution",
                "e999",
                "--db",
                str(qa_corpus_db),
            ]
        )
        == 1
    )
    assert "no resolution 'e999' in the database (it has 130, udhr)" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
