"""The registry of checks: name -> check, in the order reports list them.

A new check is one module with a pure function over :class:`QAGroup` records and one
entry here (the sacrebleu habit). ``levels`` says which groups a check reads: checks
that compare texts read one level only, so that a defect is not reported again for the
clause, the paragraph and the sentence that hold the same words.
"""

from __future__ import annotations

from typing import Final

from warehouse.qa.consistency import check_consistency
from warehouse.qa.language import check_language
from warehouse.qa.model import Check
from warehouse.qa.numbers import check_numbers
from warehouse.qa.outliers import check_outliers
from warehouse.qa.residue import check_residue
from warehouse.qa.stale import check_stale
from warehouse.qa.structure import check_structure
from warehouse.qa.terminology import check_terminology
from warehouse.qa.typography import check_typography

_PARAGRAPH: Final = frozenset({"paragraph"})

CHECKS: Final[dict[str, Check]] = {
    c.name: c
    for c in (
        Check(
            "numbers", check_numbers, _PARAGRAPH, "numbers and references match across languages"
        ),
        Check(
            "structure",
            check_structure,
            frozenset({"clause", "paragraph"}),
            "clauses or paragraphs missing in some languages; labels that disagree",
        ),
        Check("terminology", check_terminology, _PARAGRAPH, "preferred and avoided termbase terms"),
        Check(
            "consistency",
            check_consistency,
            _PARAGRAPH,
            "same source, different translations and back",
            scope="corpus",
        ),
        Check(
            "language",
            check_language,
            frozenset({"sentence"}),
            "untranslated or wrong-language text",
        ),
        Check(
            "outliers",
            check_outliers,
            _PARAGRAPH,
            "unusual length ratios, low alignment confidence",
            scope="corpus",
        ),
        Check(
            "residue",
            check_residue,
            frozenset({"clause", "paragraph"}),
            "tracked-change residue: compound labels, glued years and references",
        ),
        Check(
            "typography",
            check_typography,
            _PARAGRAPH,
            "brackets, quotes, repeats, spaces, locale style",
        ),
        Check(
            "stale",
            check_stale,
            frozenset({"clause"}),
            "clauses the latest run changed in some languages but not in the others",
            scope="run",
        ),
    )
}
#: Every check, in registry order: the default of :func:`warehouse.qa.run.run_checks`.
ALL: Final[tuple[str, ...]] = tuple(CHECKS)
