"""Term candidates mined from aligned groups: Dice and G² over groups, Chinese n-grams."""

from __future__ import annotations

import pytest

from warehouse.qa.model import QAGroup
from warehouse.qa.terms import candidate_terms, log_likelihood, mine_term_candidates

ROWS = [
    (
        "Member States shall respect human rights.",
        "Les États Membres respectent les droits de l'homme.",
        "各会员国应尊重人权。",
    ),
    (
        "Member States cooperate with the United Nations.",
        "Les États Membres coopèrent avec les Nations Unies.",
        "各会员国同联合国合作。",
    ),
    (
        "The United Nations promotes human rights.",
        "Les Nations Unies promeuvent les droits de l'homme.",
        "联合国促进人权。",
    ),
    ("Education is free.", "L'éducation est gratuite.", "教育应当免费。"),
]


def groups() -> list[QAGroup]:
    return [
        QAGroup(f"s{i}", "udhr", "sentence", "k", {"en": en, "fr": fr, "zh": zh})
        for i, (en, fr, zh) in enumerate(ROWS)
    ]


def test_candidate_terms_skip_function_words_and_use_chinese_ngrams() -> None:
    assert "member states" in candidate_terms(ROWS[0][0], "en")
    assert "states shall" not in candidate_terms(ROWS[0][0], "en")
    assert not any(t.startswith("the ") for t in candidate_terms(ROWS[1][0], "en"))
    assert {"会员", "会员国", "人权"} <= candidate_terms(ROWS[0][2], "zh")


def test_mined_pairs() -> None:
    found = {(c.tgt_lang, c.src_term): c.tgt_term for c in mine_term_candidates(groups())}
    assert found[("fr", "member states")] in {"états membres", "états", "membres"}
    assert found[("zh", "human rights")] == "人权"
    assert found[("zh", "united nations")] == "联合国"


def test_log_likelihood_is_zero_for_independence_and_grows_with_association() -> None:
    assert log_likelihood(5, 10, 10, 20) == pytest.approx(0.0, abs=1e-9)
    assert log_likelihood(10, 10, 10, 20) > log_likelihood(8, 10, 10, 20) > 0
