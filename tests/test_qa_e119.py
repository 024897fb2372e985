"""The QA on a real ITU Word document in five languages: ITU-T E.119, errors a reviser can trust.

The document is read from ``../shared/corpus/itu-t-e119`` by the session fixture
``e119_db`` (skipped when absent). Every error the QA reports on it was read and found
true (``benchmarks/qa_labels.toml``): typos in Recommendation numbers in three
versions and a year only the Russian bibliography has. Arabic mirrored clause numbers,
dates written each language's way, table-of-contents page numbers, glossed English
terms and English bibliography entries give none.
"""

from __future__ import annotations

from pathlib import Path

from warehouse.qa.run import read_groups, run_checks

#: The errors on E.119, each checked by reading it: (check, rule, language, found, expected).
TRUE_ERRORS = [
    ("numbers", "number-extra", "ru", "2009", ""),
    ("numbers", "recommendation-differs", "en", "4102", "UIT-T Y.4102"),
    ("numbers", "recommendation-differs", "es", "T.4102", "ITU-T Y.4102"),
    ("numbers", "recommendation-differs", "ru", "4102", "UIT-T Y.4102"),
]


def test_every_error_on_e119_is_a_true_one(e119_db: Path) -> None:
    findings = run_checks(read_groups(e119_db))
    errors = sorted(
        (f.check, f.rule, f.lang or "", f.found, f.expected)
        for f in findings
        if f.severity == "error"
    )
    assert errors == TRUE_ERRORS


def test_no_language_error_for_glosses_and_bibliography(e119_db: Path) -> None:
    findings = run_checks(read_groups(e119_db), ["language", "numbers"])
    assert not [f for f in findings if f.check == "language"]
    # Mirrored Arabic clause numbers and dates never show as number findings.
    assert not [f for f in findings if f.rule.startswith(("clause-", "date-"))]
