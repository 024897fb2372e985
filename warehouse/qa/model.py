"""Typed records of the QA stage: what a check reads, what it reports, what mining yields.

Checks are pure functions over :class:`QAGroup` records (one aligned group with the text
of each language) and return :class:`Finding` records; nothing here touches DuckDB, so a
check can be tested with a handful of groups written by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from alignment.model import PIVOT_ORDER as PIVOT_ORDER
from corpus.model import LANGS, Lang

Severity = Literal["error", "warning", "info"]
#: Severities from the most to the least serious, the order reports use.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class QAGroup:
    """One aligned group as the checks see it.

    ``texts`` maps a language to its text in the group (members joined as in the
    ``parallel`` view); a language absent from the group is absent from every map.
    ``segment_texts`` keeps each member's own text, in the order of ``segment_ids``,
    so a finding can name the very segment it is about. ``keys`` and ``labels`` are the
    structural key and the clause label as written of each language's first member;
    ``segment_meta`` maps a segment id to its meta (e.g. ``revision_residue``).
    ``doc_langs`` lists the languages the resolution has documents in (empty when
    unknown: checks then take the languages seen in the resolution's groups).
    """

    group_id: str
    resolution: str
    level: str
    key: str
    texts: Mapping[Lang, str]
    segment_ids: Mapping[Lang, tuple[str, ...]] = field(default_factory=dict)
    segment_texts: Mapping[Lang, tuple[str, ...]] = field(default_factory=dict)
    labels: Mapping[Lang, str] = field(default_factory=dict)
    keys: Mapping[Lang, str] = field(default_factory=dict)
    segment_meta: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Members the checked run added or changed: segment id -> ``added`` or ``changed``.
    run_changes: Mapping[str, Literal["added", "changed"]] = field(default_factory=dict)
    confidence: float | None = None
    method: str = "structure"
    position: int = 0
    doc_langs: tuple[Lang, ...] = ()

    @property
    def langs(self) -> tuple[Lang, ...]:
        """Languages with text in the group, in the canonical order."""
        return tuple(lang for lang in LANGS if self.texts.get(lang))

    def finding(
        self,
        check: str,
        severity: Severity,
        lang: Lang,
        needle: str,
        evidence: str,
        suggestion: str = "",
        *,
        rule: str = "",
        found: str = "",
        expected: str = "",
    ) -> Finding:
        """A finding about this group's ``lang`` text, on the member that holds ``needle``."""
        return Finding(
            check,
            severity,
            self.group_id,
            lang,
            self.segment_for(lang, needle),
            evidence,
            suggestion,
            rule or check,
            found,
            expected,
        )

    def segment_for(self, lang: Lang, needle: str = "") -> str | None:
        """Return the id of the member of ``lang`` whose text holds ``needle``.

        Falls back to the first member when no member text is known or none holds it.
        """
        ids = self.segment_ids.get(lang, ())
        if not ids:
            return None
        if needle:
            for seg_id, text in zip(ids, self.segment_texts.get(lang, ()), strict=False):
                if needle in text:
                    return seg_id
        return ids[0]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a check found, with the evidence a reviser needs to judge it.

    ``rule`` names what fired inside the check (``value-differs``, ``glossed-term``),
    so findings can be filtered and counted by cause; ``found`` is the value or text of
    this language the finding is about and ``expected`` what the other languages have,
    both as written (empty when the rule compares nothing).
    """

    check: str
    severity: Severity
    group_id: str
    lang: Lang | None
    segment_id: str | None
    evidence: str
    suggestion: str = ""
    rule: str = ""
    found: str = ""
    expected: str = ""


@dataclass(frozen=True, slots=True)
class TermCandidate:
    """A bilingual term pair mined from the aligned groups, for terminologists to review.

    ``n_src``/``n_tgt`` count the groups holding each side, ``n_both`` the groups
    holding both; ``dice`` and ``llr`` (Dunning's log-likelihood G²) score the
    association over groups. ``examples`` are a few group ids holding both.
    """

    src_lang: Lang
    tgt_lang: Lang
    src_term: str
    tgt_term: str
    n_src: int
    n_tgt: int
    n_both: int
    dice: float
    llr: float
    examples: tuple[str, ...] = ()


#: See :attr:`Check.scope`.
CheckScope = Literal["resolution", "corpus", "run"]

#: What every check is: the groups of the levels it reads in, its findings out.
CheckFunc = Callable[[Sequence[QAGroup]], list[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: its name, its function and the levels of groups it reads."""

    name: str
    func: CheckFunc
    levels: frozenset[str]
    description: str
    #: What a finding depends on: ``resolution`` (its group's texts only: an unchanged
    #: resolution keeps its findings), ``corpus`` (statistics or texts of every resolution:
    #: re-run over the whole corpus) or ``run`` (what the checked run changed: never kept).
    scope: CheckScope = "resolution"


def first_lang(langs: Sequence[Lang]) -> Lang:
    """The reference language of a comparison: the first of en, fr, es, ru, ar, zh present.

    Raises:
        ValueError: ``langs`` is empty.
    """
    for lang in PIVOT_ORDER:
        if lang in langs:
            return lang
    raise ValueError("no language given")
