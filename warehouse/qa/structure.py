"""Check 2, structure: clauses present in some languages and missing in others, and labels.

A resolution's documents should have the same clauses in every language. A clause or
paragraph group with fewer languages than the resolution has documents is a clause
missing in some versions (or extra in the others); so is a paragraph group where one
language has fewer or more segments than most (the aligner joined two paragraphs of
the others against one): a translation gap, or, when two
versions of different dates are compared (Resolution 130, French 2022 beside English
2018), a clause added or deleted by the revision. A paragraph missing from a language
whose whole clause is already reported missing is not reported again.

A table one language has and the others do not (ITU-T E.119 in Russian lays out its
abbreviations as a table where the other languages write tab-separated paragraphs) is
reported once, at ``info``, for the whole table: its rows and cells are not reported
again, since the other languages may well hold the same content outside a table, and a
paragraph of that clause missing in the language with the table is not reported either.

Labels that disagree (``f)`` beside ``g)`` in one group) are reported unless one side is
a compound label the parser recorded as revision residue (``gf)`` = old g, new f): the
residue check reports that once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Final

from corpus.model import LANGS, Lang
from warehouse.qa.model import Finding, QAGroup, first_lang
from warehouse.qa.text import snippet

NAME: Final = "structure"
_DUPLICATE_SUFFIX: Final = re.compile(r"~\d+$")
#: The key of a table inside a clause (``4.table-1``), and what follows it (rows, cells).
_TABLE: Final = re.compile(r"^(.*?\.table-\d+)(\..*)?$")


def resolution_langs(groups: Sequence[QAGroup]) -> dict[str, tuple[Lang, ...]]:
    """The languages each resolution has: from ``doc_langs``, else those seen in groups."""
    seen: dict[str, set[Lang]] = defaultdict(set)
    for group in groups:
        seen[group.resolution].update(group.doc_langs or group.langs)
    return {res: tuple(lang for lang in LANGS if lang in langs) for res, langs in seen.items()}


def label_key(seg_key: str) -> str:
    """The last part of a structural key, without the suffix that numbers duplicates."""
    return _DUPLICATE_SUFFIX.sub("", seg_key).rsplit(".", 1)[-1]


def check_structure(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report groups missing some of the resolution's languages, and disagreeing labels."""
    expected = resolution_langs(groups)
    out: list[Finding] = []
    clause_gaps: set[tuple[str, str, Lang]] = set()
    # Clauses where a language has a table: its paragraphs may stand in the table.
    tabled = {
        (g.resolution, m[1].rsplit(".table-", 1)[0], lang)
        for g in groups
        if g.level == "clause" and (m := _TABLE.match(g.key)) and not m[2]
        for lang in g.langs
    }
    ordered = sorted(groups, key=lambda g: 0 if g.level == "clause" else 1)
    for group in ordered:
        present = group.langs
        if not present:
            continue
        missing = [lang for lang in expected[group.resolution] if lang not in present]
        if group.level == "clause":
            clause_gaps.update((group.resolution, group.key, lang) for lang in missing)
            out.extend(_label_findings(group))
        elif group.level != "paragraph":
            continue
        if group.level == "paragraph":
            out.extend(_count_findings(group))
        ref = first_lang(present)
        text = group.texts[ref]
        table = _TABLE.match(group.key)
        for lang in missing:
            if group.level == "paragraph" and (group.resolution, group.key, lang) in clause_gaps:
                continue
            if table and (table[2] or group.level != "clause"):
                continue  # a row or cell of a table, reported once with its table
            if group.level == "paragraph" and (group.resolution, group.key, lang) in tabled:
                continue  # this language lays the clause's content out as a table
            where = ", ".join(present)
            out.append(
                Finding(
                    NAME,
                    "info" if table else "warning",
                    group.group_id,
                    lang,
                    None,
                    f"{group.level} {group.key} is in {where} but not in {lang}: "
                    f"{snippet(text, 0, min(len(text), 60), 0)}",
                    f"add the {lang} text, or confirm that the {group.level} was added or "
                    "deleted on purpose",
                    rule="table-missing" if table else f"{group.level}-missing",
                )
            )
    return out


def _count_findings(group: QAGroup) -> list[Finding]:
    """A paragraph group where one language has fewer (or more) segments than most.

    The aligner joins two paragraphs of the other languages against one when a
    language lacks a paragraph (a 2-1 bead), so a dropped paragraph often shows here
    rather than as a missing language.
    """
    counts = {lang: len(group.segment_ids.get(lang, ())) for lang in group.langs}
    if len(counts) < 3 or not all(counts.values()):
        return []
    tally = Counter(counts.values())
    usual, n_usual = tally.most_common(1)[0]
    if n_usual <= len(counts) / 2:
        return []
    return [
        group.finding(
            NAME,
            "warning",
            lang,
            "",
            f"{lang} has {n} paragraph(s) in {group.key} where {n_usual} languages have {usual}",
            "a paragraph may be missing or split; compare with the other versions",
            rule="paragraph-count",
            found=str(n),
            expected=str(usual),
        )
        for lang, n in counts.items()
        if n != usual
    ]


def _label_findings(group: QAGroup) -> list[Finding]:
    """Labels of one clause group that disagree with the reference language's."""
    keyed = {lang: label_key(k) for lang, k in group.keys.items() if lang in group.langs}
    if len(set(keyed.values())) < 2:
        return []
    ref = first_lang(list(keyed))
    out: list[Finding] = []
    for lang, key in keyed.items():
        if (
            key == keyed[ref]
            or _is_residue(group, lang, keyed[ref])
            or _is_residue(group, ref, key)
        ):
            continue
        out.append(
            group.finding(
                NAME,
                "warning",
                lang,
                "",
                f"label {group.labels.get(lang, key)!s} in {lang} but "
                f"{group.labels.get(ref, keyed[ref])!s} in {ref} ({group.key})",
                "renumber the clause, or check that the alignment pairs the right clauses",
                rule="label-differs",
                found=str(group.labels.get(lang, key)),
                expected=str(group.labels.get(ref, keyed[ref])),
            )
        )
    return out


def _is_residue(group: QAGroup, lang: Lang, other_key: str) -> bool:
    """Whether ``lang``'s label is a compound label whose old or new part is ``other_key``."""
    for seg_id in group.segment_ids.get(lang, ()):
        meta = group.segment_meta.get(seg_id, {})
        if "revision_residue" in meta and other_key in (
            meta.get("old_label"),
            meta.get("new_label"),
        ):
            return True
    return False
