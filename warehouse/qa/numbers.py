"""Check 1, numbers, dates and references: the same values in every language of a group.

Values are read with the grammar of :mod:`corpus.values`, language by language, and
compared as values, never as text: ``1 000``, ``1,000`` and ``1.000`` are one number,
``10万`` is ``100,000``, ``0.20`` is ``0.2``, ``7 avril 2017`` is ``2017年4月7日``, the
Arabic ``1.3`` may be clause 3.1 written mirrored, ``A/RES/70/1`` is a symbol and not
the numbers 70 and 1. Every pair of languages is matched one to one; a value that most
languages have and one lacks is *missing* there, a value one language has alone is
*extra* there, and a missing and an extra value of the same kind in one language are
reported once, as a value that *differs*.

Severity says how sure the check is that a reviser must act:

- ``error``: a number, date or reference differs or is missing and nothing in the text
  explains it (``2020`` against ``2030``; ``by 2030`` gone from a translation; a
  spreadsheet artefact ``+B68`` left in one language).
- ``warning``: a number written in words is involved (``пяти`` and ``5`` match; ``five``
  against nothing is probably, not surely, a loss).
- ``info``: a footnote marker, which translations move or drop with the footnote.

Values inside revision residue (``2018Bucarest, 2022``) are left to the residue check:
any value of either reading is excused in every language. A "two" written in words
that Arabic lacks is not reported: Arabic says it with the dual (``جزأين``, two parts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from corpus.model import Lang
from corpus.values import Date, Number, Reference, Value, extract_values, matches
from warehouse.qa.model import PIVOT_ORDER, Finding, QAGroup, Severity
from warehouse.qa.residue import residue_spans

NAME: Final = "numbers"


@dataclass(frozen=True, slots=True)
class LanguageValues:
    """The values of one language's text, and the values its residue excuses."""

    values: tuple[Value, ...]
    excused: tuple[Value, ...]


#: A table-of-contents line ends in its page number after a tab (``3.1<TAB>Terms<TAB>1``);
#: each language paginates its own edition, so the number is not compared.
TOC_PAGE: Final = re.compile(r"\t[\s.…]*\d{1,3}\s*$")


def language_values(text: str, lang: Lang) -> LanguageValues:
    """Read the values of ``text``, leaving residue spans out but remembering their values.

    The page number of a table-of-contents line is left out too.
    """
    blanked = text
    excused: list[Value] = []
    for res in residue_spans(text):
        blanked = blanked[: res.start] + " " * (res.end - res.start) + blanked[res.end :]
        for number in sorted(res.numbers):
            excused.extend(extract_values(number, "en", words=False))
    if page := TOC_PAGE.search(blanked):
        blanked = blanked[: page.start()] + " " * (len(blanked) - page.start())
    return LanguageValues(extract_values(blanked, lang), tuple(excused))


def category(value: Value) -> str:
    """What a value is, for rules and for pairing a missing value with an extra one."""
    if isinstance(value, Date):
        return "date"
    if isinstance(value, Reference) and value.kind != "clause":
        return value.kind
    if isinstance(value, Number) and value.spelled:
        return "word"
    return "number"


def severity_of(*values: Value) -> Severity:
    """``info`` for footnote markers, ``warning`` when words are involved, else ``error``."""
    cats = {category(v) for v in values}
    if "footnote" in cats:
        return "info"
    if "word" in cats:
        return "warning"
    return "error"


def _same(a: Value, b: Value) -> bool:
    return a.key == b.key and category(a) == category(b)


def _same_key(a: Value, b: Value) -> bool:
    return a.key == b.key


#: Matching passes, strictest first: digits pair with digits and words with words before
#: a word may stand for a digit, so what is left over is what is really missing.
_PASSES: Final = (_same, _same_key, matches)


def pair_values(a: Sequence[Value], b: Sequence[Value]) -> tuple[set[int], set[int]]:
    """Match two languages' values one to one, the closest readings first.

    Returns the indices of ``a`` and of ``b`` that found a partner.
    """
    done_a: set[int] = set()
    done_b: set[int] = set()
    for same in _PASSES:
        for i, va in enumerate(a):
            if i in done_a:
                continue
            for j, vb in enumerate(b):
                if j not in done_b and same(va, vb):
                    done_a.add(i)
                    done_b.add(j)
                    break
    return done_a, done_b


@dataclass(frozen=True, slots=True)
class _Gap:
    """A value of ``source`` that ``lang`` lacks (missing) or has alone (extra)."""

    value: Value
    source: Lang
    holders: tuple[Lang, ...]


def check_numbers(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report values missing, extra or different in a language, by kind and severity."""
    out: list[Finding] = []
    for group in groups:
        if len(group.langs) >= 2:
            out.extend(_check_group(group))
    return out


def _check_group(group: QAGroup) -> list[Finding]:
    langs = group.langs
    read = {lang: language_values(group.texts[lang], lang) for lang in langs}
    excused = [v for side in read.values() for v in side.excused]
    values = {
        lang: [v for v in read[lang].values if not any(matches(v, e) for e in excused)]
        for lang in langs
    }
    holders: dict[Lang, list[set[Lang]]] = {lang: [{lang} for _ in values[lang]] for lang in langs}
    for n, a in enumerate(langs):
        for b in langs[n + 1 :]:
            done_a, done_b = pair_values(values[a], values[b])
            for i in done_a:
                holders[a][i].add(b)
            for j in done_b:
                holders[b][j].add(a)
    pivot = next(lang for lang in PIVOT_ORDER if lang in langs)
    missing: dict[Lang, list[_Gap]] = {lang: [] for lang in langs}
    extra: dict[Lang, list[_Gap]] = {lang: [] for lang in langs}
    for lang in sorted(langs, key=PIVOT_ORDER.index):
        for value, have in zip(values[lang], holders[lang], strict=True):
            lack = [o for o in langs if o not in have]
            if not lack:
                continue
            gap = _Gap(value, lang, tuple(o for o in langs if o in have))
            if len(have) > len(lack) or (len(have) == len(lack) and pivot in have):
                for other in lack:
                    if not any(matches(g.value, value) for g in missing[other]):
                        missing[other].append(gap)
            elif not (isinstance(value, Number) and value.spelled):
                # A word alone ("first", "second") is too often not a number to report.
                extra[lang].append(gap)
    out: list[Finding] = []
    for lang in langs:
        out.extend(_findings(group, lang, missing[lang], extra[lang]))
    return out


def _findings(group: QAGroup, lang: Lang, missing: list[_Gap], extra: list[_Gap]) -> list[Finding]:
    """Findings of one language: differing pairs first, then what is left missing or extra."""
    out: list[Finding] = []
    extra = list(extra)
    for gap in missing:
        want = gap.value
        same = next((e for e in extra if category(e.value) == category(want)), None)
        if same is None:
            # Another kind that holds the same digits: Y4102 typed for Recommendation Y.4102.
            same = next((e for e in extra if _digits(e.value.text) in _digits(want.text)), None)
        if same is not None:
            extra.remove(same)
            got = same.value
            out.append(
                group.finding(
                    NAME,
                    severity_of(want, got),
                    lang,
                    got.text,
                    f"{category(want)} {want.text!r} ({_langs(gap.holders)}) is {got.text!r} in"
                    f" {lang} [{want.key} ≠ {got.key}]",
                    f"check {got.text!r} against {want.text!r}",
                    rule=f"{category(want)}-differs",
                    found=got.text,
                    expected=want.text,
                )
            )
            continue
        if _explained(want, lang):
            continue
        out.append(
            group.finding(
                NAME,
                severity_of(want),
                lang,
                "",
                f"{category(want)} {want.text!r} ({_langs(gap.holders)}) missing in {lang}"
                f" [{want.key}]",
                f"add {want.text!r} or check the other versions",
                rule=f"{category(want)}-missing",
                expected=want.text,
            )
        )
    for gap in extra:
        got = gap.value
        others = [o for o in group.langs if o not in gap.holders]
        out.append(
            group.finding(
                NAME,
                severity_of(got),
                lang,
                got.text,
                f"{category(got)} {got.text!r} in {_langs(gap.holders)} only, not in"
                f" {_langs(tuple(others))} [{got.key}]",
                f"check {got.text!r} against the other versions",
                rule=f"{category(got)}-extra",
                found=got.text,
            )
        )
    return out


def _explained(want: Value, lang: Lang) -> bool:
    """Whether the text explains a missing value: Arabic says "two" with the dual."""
    return lang == "ar" and isinstance(want, Number) and want.spelled and want.value == 2


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit()) or "-"


def _langs(langs: Sequence[Lang]) -> str:
    return ", ".join(sorted(langs, key=PIVOT_ORDER.index))
