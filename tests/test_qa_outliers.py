"""Check 6, outliers: robust length ratios per pair, low alignment confidence."""

from __future__ import annotations

from warehouse.qa.model import QAGroup
from warehouse.qa.outliers import check_outliers, pair_statistics

SENTENCES = [
    (
        "Everyone has the right to a nationality.",
        "Tout individu a droit à une nationalité.",
        "人人有权享有国籍。这是一个测试",
    ),
    (
        "Everyone has the right to education here.",
        "Toute personne a droit à l’éducation ici.",
        "人人都有受教育的权利。这是一个",
    ),
    (
        "Everyone has the right to rest and leisure.",
        "Toute personne a droit au repos et aux loisirs.",
        "人人有享有休息和闲暇的权利。",
    ),
    (
        "Everyone has the right to own property alone.",
        "Toute personne a droit à la propriété seule.",
        "人人得有单独的财产所有权。测试",
    ),
    (
        "No one shall be held in slavery or servitude.",
        "Nul ne sera tenu en esclavage ni en servitude.",
        "任何人不得使为奴隶或奴役。一切",
    ),
    (
        "All are equal before the law and protection.",
        "Tous sont égaux devant la loi et la protection.",
        "法律之前人人平等并有权享受。",
    ),
    (
        "Everyone has the right to freedom of movement.",
        "Toute personne a le droit de circuler librement.",
        "人人在各国境内有权自由迁徙。",
    ),
    (
        "Everyone has the right to a fair public hearing.",
        "Toute personne a droit à un procès équitable.",
        "人人完全平等地有权由法庭审讯。",
    ),
    (
        "Everyone has the right to freedom of opinion.",
        "Tout individu a droit à la liberté d’opinion.",
        "人人有权享有主张和发表意见的自由",
    ),
]


def corpus() -> list[QAGroup]:
    return [
        QAGroup(
            f"g{i}",
            "udhr",
            "paragraph",
            f"article.{i}",
            {"en": en, "fr": fr, "zh": zh},
            confidence=0.8,
        )
        for i, (en, fr, zh) in enumerate(SENTENCES)
    ]


def test_clean_corpus_has_no_outlier() -> None:
    groups = corpus()
    assert ("en", "fr") in pair_statistics(groups)
    assert check_outliers(groups) == []


def test_truncated_french_is_the_outlier() -> None:
    groups = corpus()
    en = "Everyone has the right to take part in the government of his country."
    groups.append(
        QAGroup(
            "cut",
            "udhr",
            "paragraph",
            "article.21",
            {
                "en": en,
                "fr": "Toute personne a le droit.",
                "zh": "人人有直接或通过自由选择的代表参与治理本国的权利。",
            },
            confidence=0.7,
        )
    )
    findings = check_outliers(groups)
    assert [(f.group_id, f.lang) for f in findings] == [("cut", "fr")]


def test_low_confidence_group() -> None:
    groups = corpus()
    groups[0] = QAGroup("weak", "130", "paragraph", "recalling.n", groups[0].texts, confidence=0.41)
    findings = check_outliers(groups)
    assert [(f.group_id, f.lang) for f in findings] == [("weak", None)]
