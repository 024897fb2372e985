"""Check 3, terminology: preferred terms in every language, avoided terms flagged.

A concept met in one language must be rendered with a preferred term in the others.

The concepts and their terms come from the bundled termbase (``termbase.toml``, see
:mod:`warehouse.qa.termbase`). In each group, a concept is *present* when any of its
terms (preferred or avoided) occurs in at least one language. Each other language of
the group that has terms for the concept then gets a finding when:

* it uses an avoided term (``droits humains`` for ``droits de l'homme``); or
* it uses none of the preferred terms, while at least half of the other languages use
  one (so one odd language does not put all the others in the wrong); the translation
  may paraphrase, hence a warning, not an error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Final

from corpus.model import Lang
from warehouse.qa.model import Finding, QAGroup
from warehouse.qa.termbase import Match, Termbase, load_termbase

NAME: Final = "terminology"


def check_terminology(groups: Sequence[QAGroup], termbase: Termbase | None = None) -> list[Finding]:
    """Report avoided terms and concepts missing their preferred term in some language."""
    tb = termbase or load_termbase()
    out: list[Finding] = []
    for group in groups:
        matches: dict[Lang, list[Match]] = {
            lang: tb.find(group.texts[lang], lang) for lang in group.langs
        }
        present: dict[str, dict[Lang, set[str]]] = defaultdict(lambda: defaultdict(set))
        for lang, found in matches.items():
            for m in found:
                present[m.concept][lang].add(m.status)
        for concept_id, by_lang in present.items():
            concept = tb.concept(concept_id)
            with_preferred = sorted(lang for lang, s in by_lang.items() if "preferred" in s)
            for lang in group.langs:
                if lang not in concept.terms:
                    continue
                entry = concept.terms[lang]
                statuses = by_lang.get(lang, set())
                verify = (
                    " (termbase entry not yet verified against UNTERM)"
                    if concept.needs_verification
                    else ""
                )
                if "avoided" in statuses:
                    used = next(
                        m.term
                        for m in matches[lang]
                        if m.concept == concept_id and m.status == "avoided"
                    )
                    out.append(
                        group.finding(
                            NAME,
                            "warning",
                            lang,
                            "",
                            f"avoided term {used!r} for {concept_id}{verify}",
                            f"use {' / '.join(entry.preferred[:2])}",
                            rule="avoided-term",
                            found=used,
                            expected=" / ".join(entry.preferred[:2]),
                        )
                    )
                elif (
                    "preferred" not in statuses and 2 * len(with_preferred) >= len(group.langs) - 1
                ):
                    where = ", ".join(with_preferred)
                    out.append(
                        group.finding(
                            NAME,
                            "warning",
                            lang,
                            "",
                            f"{concept_id} is in {where} but no preferred {lang} term is used"
                            + verify,
                            f"use {' / '.join(entry.preferred[:2])}, or confirm the paraphrase",
                            rule="preferred-term-missing",
                            expected=" / ".join(entry.preferred[:2]),
                        )
                    )
    return out
