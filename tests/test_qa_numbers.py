"""Check 1, numbers: each language's digits and formats; residue reported elsewhere."""

from __future__ import annotations

import pytest

from corpus.model import Lang
from warehouse.qa.model import QAGroup
from warehouse.qa.numbers import canonical, check_numbers, extract_numbers, number_words


def group(**texts: str) -> QAGroup:
    return QAGroup("g1", "130", "paragraph", "recalling.l", texts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("token", "lang", "expected"),
    [
        ("1,000.5", "en", ["1000.5"]),
        ("1\u00a0000,5", "fr", ["1000.5"]),
        ("1\u202f000", "fr", ["1000"]),
        ("1.000,5", "es", ["1000.5"]),
        ("1 000", "ru", ["1000"]),
        ("١٬٠٠٠٫٥", "ar", ["1000.5"]),
        ("۱۲۳", "ar", ["123"]),
        ("１２", "zh", ["12"]),
        ("70/125", "en", ["70/125"]),
        ("2018 123", "fr", ["2018", "123"]),
        ("3.2", "fr", ["3.2"]),
    ],
)
def test_canonical_numbers_per_locale(token: str, lang: Lang, expected: list[str]) -> None:
    assert canonical(token, lang) == expected


def test_resolution_reference_matches_in_six_languages() -> None:
    g = group(
        en="Resolution 45 (Rev. Kigali, 2022) of the World Telecommunication Development Conference",  # noqa: E501
        fr="la Résolution 45 (Rév. Kigali, 2022) de la Conférence mondiale de développement",
        es="la Resolución 45 (Rev. Kigali, 2022) de la Conferencia Mundial de Desarrollo",
        ru="Резолюцию 45 (Пересм. Кигали, 2022 г.) Всемирной конференции по развитию электросвязи",
        ar="القرار ٤٥ (المراجَع في كيغالي، ٢٠٢٢) للمؤتمر العالمي لتنمية الاتصالات",
        zh="世界电信发展大会第45号决议（2022年，基加利，修订版）",
    )
    assert check_numbers([g]) == []


def test_changed_number_is_an_error_on_the_odd_language() -> None:
    g = group(
        en="UNGA Resolution 70/125, on the outcome document",
        fr="la Résolution 70/152 de l'Assemblée générale des Nations Unies",
        es="la Resolución 70/125 de la Asamblea General",
    )
    findings = check_numbers([g])
    assert {(f.lang, f.severity) for f in findings} == {("fr", "error")}
    assert any("70/125 missing in fr" in f.evidence for f in findings)


def test_number_words_excuse_a_missing_digit_only() -> None:
    g = group(en="Article 1", fr="Article premier", zh="第一条")
    assert check_numbers([g]) == []
    assert number_words("le 10 décembre", "fr") == {"12"}


def test_glued_revision_numbers_are_left_to_the_residue_check() -> None:
    g = group(
        en="United Nations General Assembly (UNGA) Resolution 68/198, on (Rev. Dubai, 2018)",
        fr="la Résolution 68/19876/189 de l'Assemblée générale (Rév. Dubaï, 2018Bucarest, 2022)",
    )
    counts, excused = extract_numbers(g.texts["fr"], "fr")
    assert not counts
    assert {"68/198", "76/189", "2018", "2022"} <= excused
    assert check_numbers([g]) == []
