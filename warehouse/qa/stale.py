"""Check 9, stale translations: a clause the checked run changed in some languages only.

When the text of a clause changes in one language version (a revision, a corrected
translation) and the same clause stays as it was in the other languages, those other
versions probably need the same revision. The check reads the clause-level groups, whose
``run_changes`` say which members the checked run added or changed (an explicit input of
the QA, see :func:`warehouse.qa.run.run_qa`), and reports every language of such a group
whose clause the run did not touch, once per language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from corpus.model import Lang
from warehouse.qa.model import Finding, QAGroup
from warehouse.qa.text import snippet

NAME: Final = "stale"


def changed_langs(group: QAGroup) -> tuple[Lang, ...]:
    """Languages whose member of the group the checked run changed (not merely added)."""
    out = []
    for lang in group.langs:
        ids = group.segment_ids.get(lang, ())
        if any(group.run_changes.get(i) == "changed" for i in ids):
            out.append(lang)
    return tuple(out)


def check_stale(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report the languages of a clause that did not change when others did."""
    out: list[Finding] = []
    for group in groups:
        changed = changed_langs(group)
        if not changed:
            continue
        ref = changed[0]
        text = group.texts[ref]
        new = snippet(text, 0, min(len(text), 80), 0)
        for lang in group.langs:
            if lang in changed:
                continue
            out.append(
                group.finding(
                    NAME,
                    "warning",
                    lang,
                    "",
                    f"{group.level} {group.key} changed in {','.join(changed)} but not in "
                    f"{lang}: {new}",
                    f"revise the {lang} text of {group.key} as {','.join(changed)} was "
                    "revised, or confirm that it needs no change",
                    rule="not-revised",
                )
            )
    return out
