"""Check 8, typography per locale, judged against the document's majority style."""

from __future__ import annotations

import pytest

from warehouse.qa.model import QAGroup
from warehouse.qa.typography import check_typography


def one(lang: str, text: str, key: str = "article.1", gid: str = "g") -> QAGroup:
    return QAGroup(gid, "udhr", "paragraph", key, {lang: text})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("lang", "text", "what"),
    [
        ("en", "Everyone has the the right to life.", "repeated word 'the'"),
        ("fr", "Nul ne sera tenu en esclavage ni en en servitude.", "repeated word 'en'"),
        ("ru", "Никто не должен «подвергаться пыткам.", "unbalanced « »"),
        ("es", "Toda persona (tiene derecho a la vida.", "unbalanced ( )"),
        ("zh", "人人有权享有“生命、自由和人身安全。", "unbalanced “ ”"),
        ("ar", "لكل فرد الحق في  الحياة والحرية.", "double space"),
        ("en", 'the right to "life, liberty and security of person.', 'odd number of "'),
    ],
)
def test_slips(lang: str, text: str, what: str) -> None:
    findings = check_typography([one(lang, text)])
    assert [f.evidence.split(":")[0].split(" (")[0] for f in findings] == [what.split(" (")[0]]


def test_grammatical_repeats_and_chinese_reduplication_pass() -> None:
    groups = [one("fr", "Nous nous engageons à respecter ces droits."), one("zh", "人人生而自由。")]
    assert check_typography(groups) == []


def test_french_space_before_colon_against_majority() -> None:
    spaced = [
        one("fr", f"Article {i} : texte ; suite.", key=f"article.{i}", gid=f"g{i}")
        for i in range(3)
    ]
    odd = one("fr", "Article 9: texte.", key="article.9", gid="odd")
    findings = check_typography([*spaced, odd])
    assert [(f.group_id, f.severity) for f in findings] == [("odd", "info")]
    assert "plain space" in findings[0].evidence


def test_spanish_opening_marks_against_majority() -> None:
    groups = [one("es", f"¿Es {i} un derecho?", key=f"a{i}", gid=f"g{i}") for i in range(3)]
    groups.append(one("es", "Es un derecho?", key="b", gid="odd"))
    assert [f.group_id for f in check_typography(groups)] == ["odd"]
