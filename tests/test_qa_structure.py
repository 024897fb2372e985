"""Check 2, structure: missing clauses, paragraphs under them, disagreeing labels."""

from __future__ import annotations

from corpus.model import Lang
from warehouse.qa.model import QAGroup
from warehouse.qa.structure import check_structure, label_key

EN_A = "United Nations General Assembly (UNGA) Resolution 68/198"
FR_A = "la Résolution 68/198 de l'Assemblée générale des Nations Unies"
FR_NEW = "que cet environnement peut être complexe et que l'UIT peut jouer un rôle"


def test_clause_new_in_one_version_is_reported_once() -> None:
    groups = [
        QAGroup("c1", "130", "clause", "recalling.a", {"en": EN_A, "fr": FR_A}),
        QAGroup("c2", "130", "clause", "considering.j-bis", {"fr": FR_NEW}),
        QAGroup("p2", "130", "paragraph", "considering.j-bis", {"fr": FR_NEW}),
    ]
    findings = check_structure(groups)
    assert [(f.group_id, f.lang) for f in findings] == [("c2", "en")]
    assert "is in fr but not in en" in findings[0].evidence


def test_paragraph_dropped_in_one_of_six_languages() -> None:
    full = {
        "en": "Everyone has the right to a nationality.",
        "fr": "Tout individu a droit à une nationalité.",
        "es": "Toda persona tiene derecho a una nacionalidad.",
        "ru": "Каждый человек имеет право на гражданство.",
        "ar": "لكل فرد حق التمتع بجنسية ما.",
        "zh": "人人有权享有国籍。",
    }
    partial = {k: v for k, v in full.items() if k != "zh"}
    groups = [
        QAGroup("c", "udhr", "clause", "article.15", full),  # type: ignore[arg-type]
        QAGroup("p", "udhr", "paragraph", "article.15", partial),  # type: ignore[arg-type]
    ]
    findings = check_structure(groups)
    assert [(f.group_id, f.lang, f.severity) for f in findings] == [("p", "zh", "warning")]


def test_labels_that_disagree_unless_residue() -> None:
    texts: dict[Lang, str] = {"en": EN_A, "fr": FR_A}
    plain = QAGroup(
        "c1",
        "130",
        "clause",
        "recalling.f",
        texts,
        keys={"en": "recalling.f", "fr": "recalling.g"},
        labels={"en": "f)", "fr": "g)"},
    )
    residue = QAGroup(
        "c2",
        "130",
        "clause",
        "recalling.f",
        texts,
        segment_ids={"en": ("e",), "fr": ("f",)},
        keys={"en": "recalling.g", "fr": "recalling.f~2"},
        labels={"en": "g)", "fr": "gf)"},
        segment_meta={"f": {"old_label": "g", "new_label": "f", "revision_residue": "x"}},
    )
    findings = check_structure([plain, residue])
    assert [(f.group_id, f.lang) for f in findings] == [("c1", "fr")]
    assert label_key("recalling.f~2") == "f"


def test_a_table_in_one_language_only_is_one_info_finding() -> None:
    ru = {"ru": "BCP\nBusiness Continuity Plan\nПНД"}
    groups = [
        QAGroup("c4", "e119", "clause", "4", {"en": "Abbreviations", "ru": "Сокращения"}),
        QAGroup("t", "e119", "clause", "4.table-1", ru),  # type: ignore[arg-type]
        QAGroup("r", "e119", "clause", "4.table-1.r1", ru),  # type: ignore[arg-type]
        QAGroup("c", "e119", "clause", "4.table-1.r1.c1", {"ru": "BCP"}),
        QAGroup("p", "e119", "paragraph", "4.table-1.r1.c1", {"ru": "BCP"}),
        # The paragraph the others write where Russian has the table.
        QAGroup("q", "e119", "paragraph", "4", {"en": "BCP\tBusiness Continuity Plan"}),
    ]
    found = [(f.group_id, f.lang, f.severity, f.rule) for f in check_structure(groups)]
    assert found == [("t", "en", "info", "table-missing")]
