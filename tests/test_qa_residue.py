"""Check 7, revision residue: compound labels from meta, glued patterns in the text."""

from __future__ import annotations

import pytest

from warehouse.qa.model import QAGroup
from warehouse.qa.residue import check_residue, residue_spans


@pytest.mark.parametrize(
    ("text", "piece", "numbers"),
    [
        (
            "la Résolution 196 (Rév. Dubaï, 2018Bucarest, 2022) de la",
            "2018Bucarest, 2022",
            {"2018", "2022"},
        ),
        ("la Résolution 68/19876/189 de l'Assemblée", "68/19876/189", {"68/198", "76/189"}),
        ("que la CMDT-1722 a adopté", "CMDT-1722", {"17", "22"}),
        ("la Déclaration de Buenos AiresKigali qu'elle", "AiresKigali", set()),
        ("au titre de la Question 3/2CMDT-22;", "3/2CMDT-22", {"3/2", "22"}),
        ("резолюции (Париж, 1948Нью-Йорк, 1949)", "1948Нью-Йорк, 1949", {"1948", "1949"}),
    ],
)
def test_glued_patterns(text: str, piece: str, numbers: set[str]) -> None:
    (res,) = residue_spans(text)
    assert text[res.start : res.end] == piece
    assert res.numbers == numbers


@pytest.mark.parametrize(
    "text",
    [
        "Tous les êtres humains naissent libres et égaux en dignité et en droits.",
        "Resolution 179 (Rev. Dubai, 2018) of this conference, on ITU's role in COP",
        "人人生而自由，在尊严和权利上一律平等。",
        "WTDC-17 adopted the Buenos Aires Action Plan",
    ],
)
def test_clean_text_has_no_residue(text: str) -> None:
    assert residue_spans(text) == []


def test_compound_label_from_meta_reported_once() -> None:
    meta = {
        "130:fr:recalling.o": {
            "old_label": "n",
            "new_label": "o",
            "revision_residue": "compound label no) = n -> o",
        }
    }
    clause = QAGroup(
        "g1",
        "130",
        "clause",
        "recalling.o",
        {"fr": "la Résolution 67 (Rév. Buenos Aires, 2017Kigali, 2022) de la CMDT"},
        segment_ids={"fr": ("130:fr:recalling.o",)},
        labels={"fr": "no)"},
        segment_meta=meta,
    )
    findings = check_residue([clause, clause])
    assert len(findings) == 1  # clause-level text is not scanned: the paragraph is
    assert "compound label no)" in findings[0].evidence
    assert findings[0].segment_id == "130:fr:recalling.o"
