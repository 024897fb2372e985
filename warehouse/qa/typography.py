"""Check 8, typography per locale.

Per text: paired brackets and quotes (with each language's quotation marks: “ ” in
English and Chinese, « » in French, Spanish and Russian, „ “ inside Russian quotes),
a word repeated twice in a row (``the the``; French ``nous nous`` and ``vous vous`` are
grammatical and skipped; not for Chinese, where reduplication is grammar: 人人), and
double spaces.

Conventions with several acceptable forms are judged against the document's own
majority style, not one imposed rule: the space before ``; : ! ?`` in French (no-break,
plain or none) and Spanish opening ``¿ ¡``. A place that departs from the style the
document uses most is reported, with the document's counts as evidence.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Final

from corpus.model import Lang
from warehouse.qa.model import Finding, QAGroup, Severity
from warehouse.qa.text import snippet

NAME: Final = "typography"

_PAIRS: Final[tuple[tuple[str, str], ...]] = (("(", ")"), ("[", "]"), ("{", "}"), ("（", "）"))
_QUOTES: Final[dict[Lang, tuple[tuple[str, str], ...]]] = {
    "en": (("“", "”"),),
    "zh": (("“", "”"), ("《", "》"), ("「", "」")),
    "fr": (("«", "»"), ("“", "”")),
    "es": (("«", "»"), ("“", "”")),
    "ru": (("«", "»"),),
    "ar": (("«", "»"), ("“", "”")),
}
_REPEAT: Final = re.compile(r"(?<![\w-])([^\W\d_]+)\s+\1(?![\w-])", re.IGNORECASE)
_GRAMMATICAL_REPEATS: Final[frozenset[str]] = frozenset({"nous", "vous", "that", "had"})
_DOUBLE_SPACE: Final = re.compile(r"(?<=\S) {2,}(?=\S)")
#: A French high punctuation mark and the space before it.
_HIGH: Final = re.compile(r"(?<=[\w»)\]])([ \u00a0\u202f]?)([;:!?])(?=\s|$|[»\"”)])")


def _space_style(space: str) -> str:
    return {"": "none", " ": "plain space", "\u00a0": "no-break space", "\u202f": "no-break space"}[
        space
    ]


def check_typography(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report unbalanced pairs, repeated words, double spaces and departures from style."""
    out: list[Finding] = []
    styles: dict[tuple[str, Lang], Counter[str]] = defaultdict(Counter)
    inverted: dict[tuple[str, Lang], Counter[str]] = defaultdict(Counter)
    for group in groups:
        for lang in group.langs:
            text = group.texts[lang]
            out.extend(_pairs(group, lang, text))
            out.extend(_repeats(group, lang, text))
            for m in _DOUBLE_SPACE.finditer(text):
                out.append(
                    _finding(
                        group,
                        lang,
                        "info",
                        "double space",
                        text,
                        m.start(),
                        m.end(),
                        "use one space",
                    )
                )
            if lang == "fr":
                for m in _HIGH.finditer(text):
                    styles[(group.resolution, lang)][_space_style(m[1])] += 1
            if lang == "es":
                inverted[(group.resolution, lang)].update(_inverted_styles(text))
    for group in groups:
        if "fr" in group.langs:
            out.extend(_french_style(group, styles[(group.resolution, "fr")]))
        if "es" in group.langs:
            out.extend(_spanish_style(group, inverted[(group.resolution, "es")]))
    return out


def _finding(
    group: QAGroup,
    lang: Lang,
    severity: str,
    what: str,
    text: str,
    start: int,
    end: int,
    suggestion: str,
) -> Finding:
    sev: Severity = "info" if severity == "info" else "warning"
    return Finding(
        NAME,
        sev,
        group.group_id,
        lang,
        group.segment_for(lang, text[start:end].strip()),
        f"{what}: {snippet(text, start, end)}",
        suggestion,
        rule=_rule(what),
        found=text[start:end],
    )


def _rule(what: str) -> str:
    """The rule of a typography finding: the words that open its description."""
    head = re.match(r"[a-z][a-z -]*[a-z]", what)
    return head.group().replace(" ", "-") if head else NAME


def _pairs(group: QAGroup, lang: Lang, text: str) -> list[Finding]:
    out: list[Finding] = []
    pairs = _PAIRS + _QUOTES[lang]
    if lang == "ru" and "„" in text:
        pairs += (("„", "“"),)
    for opening, closing in pairs:
        opened, closed = text.count(opening), text.count(closing)
        if opened != closed:
            mark = opening if opened > closed else closing
            at = text.index(mark)
            what = f"unbalanced {opening} {closing} ({opened} opening, {closed} closing)"
            out.append(
                _finding(
                    group,
                    lang,
                    "warning",
                    what,
                    text,
                    at,
                    at + 1,
                    f"add the missing {opening if opened < closed else closing}",
                )
            )
    if text.count('"') % 2:
        at = text.index('"')
        out.append(
            _finding(
                group, lang, "warning", 'odd number of "', text, at, at + 1, "close the quotation"
            )
        )
    return out


def _repeats(group: QAGroup, lang: Lang, text: str) -> list[Finding]:
    if lang == "zh":
        return []
    return [
        _finding(
            group,
            lang,
            "warning",
            f"repeated word {m[1]!r}",
            text,
            m.start(),
            m.end(),
            f"delete one {m[1]!r}",
        )
        for m in _REPEAT.finditer(text)
        if m[1].casefold() not in _GRAMMATICAL_REPEATS
    ]


def _french_style(group: QAGroup, counts: Counter[str]) -> list[Finding]:
    if sum(counts.values()) < 3:
        return []
    majority, _ = counts.most_common(1)[0]
    text = group.texts["fr"]
    out: list[Finding] = []
    for m in _HIGH.finditer(text):
        style = _space_style(m[1])
        if style != majority:
            usage = ", ".join(f"{k} {v}" for k, v in counts.most_common())
            out.append(
                _finding(
                    group,
                    "fr",
                    "info",
                    f"{style} before {m[2]!r} where the document mostly has {majority} ({usage})",
                    text,
                    m.start(),
                    m.end(),
                    f"use a {majority} before {m[2]!r}"
                    if majority != "none"
                    else f"no space before {m[2]!r}",
                )
            )
    return out


def _inverted_styles(text: str) -> Counter[str]:
    """Count Spanish questions and exclamations with and without their opening mark."""
    out: Counter[str] = Counter()
    for opening, closing in (("¿", "?"), ("¡", "!")):
        n_close = text.count(closing)
        n_open = min(text.count(opening), n_close)
        out["paired"] += n_open
        out["unpaired"] += n_close - n_open
    return out


def _spanish_style(group: QAGroup, counts: Counter[str]) -> list[Finding]:
    if counts["paired"] <= counts["unpaired"]:
        return []
    text = group.texts["es"]
    out: list[Finding] = []
    for opening, closing in (("¿", "?"), ("¡", "!")):
        if text.count(closing) > text.count(opening):
            at = text.index(closing)
            out.append(
                _finding(
                    group,
                    "es",
                    "warning",
                    f"{closing!r} without {opening!r}, which the document uses "
                    f"({counts['paired']} paired, {counts['unpaired']} not)",
                    text,
                    at,
                    at + 1,
                    f"open with {opening!r}",
                )
            )
    return out
