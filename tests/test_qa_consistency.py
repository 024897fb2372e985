"""Check 4, consistency both ways across the corpus."""

from __future__ import annotations

from warehouse.qa.consistency import check_consistency
from warehouse.qa.model import QAGroup

EN = "Everyone has the right to life, liberty and security of person."
FR = "Tout individu a droit à la vie, à la liberté et à la sûreté de sa personne."
FR_OTHER = "Chaque individu a droit à la vie, à la liberté et à la sûreté de sa personne."
EN_OTHER = "Everyone has the right to recognition everywhere as a person before the law."


def test_same_source_translated_differently() -> None:
    groups = [
        QAGroup("a", "udhr", "paragraph", "article.3", {"en": EN, "fr": FR}, position=3),
        QAGroup("b", "udhr", "paragraph", "article.30", {"en": EN, "fr": FR_OTHER}, position=30),
    ]
    findings = check_consistency(groups)
    # Two renderings, one each: no majority says which is right, so both are reported.
    assert {(f.group_id, f.lang) for f in findings} == {("a", "fr"), ("b", "fr")}
    assert any("translated differently in article.3" in f.evidence for f in findings)
    groups.append(QAGroup("c", "udhr", "paragraph", "article.9", {"en": EN, "fr": FR}))
    assert [(f.group_id, f.lang) for f in check_consistency(groups)] == [("b", "fr")]


def test_different_sources_translated_identically() -> None:
    groups = [
        QAGroup("a", "udhr", "paragraph", "article.3", {"en": EN, "fr": FR}, position=3),
        QAGroup("b", "udhr", "paragraph", "article.6", {"en": EN_OTHER, "fr": FR}, position=6),
    ]
    findings = check_consistency(groups)
    assert {(f.group_id, f.lang) for f in findings} == {("a", "en"), ("b", "en")}
    assert all("also translates a different en text" in f.evidence for f in findings)


def test_consistent_repeats_and_short_headings_pass() -> None:
    groups = [
        QAGroup("a", "udhr", "paragraph", "article.3", {"en": EN, "fr": FR}, position=3),
        QAGroup("b", "udhr", "paragraph", "article.9", {"en": EN, "fr": FR}, position=9),
        QAGroup("c", "udhr", "paragraph", "x", {"en": "Article 1", "fr": "Article premier"}),
        QAGroup("d", "udhr", "paragraph", "y", {"en": "Article 1", "fr": "Article 1"}),
    ]
    assert check_consistency(groups) == []
