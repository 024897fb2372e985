"""Check 6, outliers: length ratios far from the usual, and weakly similar alignments.

For every pair of languages, the log of the length ratio of their texts is computed over
every group of the corpus that has both; the pair's typical ratio is the median and its
spread the median absolute deviation (MAD), robust to the outliers being looked for. A
group where a pair's robust z-score ``0.6745 * (x - median) / MAD`` exceeds
:data:`Z_LIMIT` is unusual for that pair; the language unusual against the most
others, and at least half of them, is reported (with two languages, or when only one
pair is odd, the one later in the pivot order). A group whose
alignment confidence (the mean cosine similarity of its language pairs) is below
:data:`MIN_CONFIDENCE` is reported as weakly aligned.

Lengths are measured without text in brackets: a term glossed in English in the
Spanish or Arabic version (``Plan de continuidad (business continuity plan)``) makes
that version longer without anything being added to what it says.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from typing import Final

from corpus.model import Lang
from warehouse.qa.model import PIVOT_ORDER, Finding, QAGroup

NAME: Final = "outliers"
Z_LIMIT: Final = 3.5
MIN_CONFIDENCE: Final = 0.5
#: Shorter texts than this (in characters) are too noisy for ratios.
MIN_CHARS: Final = 20
#: A pair needs this many groups before its statistics are trusted.
MIN_SAMPLES: Final = 8
#: Floor of the MAD, so that a corpus of near-identical ratios does not flag every wobble.
MIN_MAD: Final = 0.05


#: Median and MAD of the log length ratio, per language pair (the first earlier in LANGS).
PairStatistics = dict[tuple[Lang, Lang], tuple[float, float]]


def pair_statistics(groups: Sequence[QAGroup]) -> PairStatistics:
    """Median and MAD of the log length ratio of every language pair over the groups."""
    samples: dict[tuple[Lang, Lang], list[float]] = defaultdict(list)
    for group in groups:
        for a, b in combinations(_usable(group), 2):
            samples[(a, b)].append(_log_ratio(group, a, b))
    out: dict[tuple[Lang, Lang], tuple[float, float]] = {}
    for pair, values in samples.items():
        if len(values) >= MIN_SAMPLES:
            med = statistics.median(values)
            mad = statistics.median(abs(v - med) for v in values)
            out[pair] = (med, max(mad, MIN_MAD))
    return out


_BRACKETED: Final = re.compile(r"[(（][^()（）]*[)）]")


def compared_length(text: str) -> int:
    """The length that is compared: without text in brackets (glosses, references)."""
    return len(_BRACKETED.sub("", text).strip())


def _usable(group: QAGroup) -> list[Lang]:
    return [lang for lang in group.langs if compared_length(group.texts[lang]) >= MIN_CHARS]


def _log_ratio(group: QAGroup, a: Lang, b: Lang) -> float:
    return math.log(compared_length(group.texts[b]) / compared_length(group.texts[a]))


def check_outliers(groups: Sequence[QAGroup], stats: PairStatistics | None = None) -> list[Finding]:
    """Report languages with an unusual length and groups aligned with low confidence.

    ``stats`` are the corpus's statistics when ``groups`` are only the candidates among
    its groups (see :mod:`warehouse.qa.corpus`); by default they come from ``groups``.
    """
    if stats is None:
        stats = pair_statistics(groups)
    out: list[Finding] = []
    for group in groups:
        # A one-language group's confidence says how sure it is that nothing matches it;
        # the structure check reports those groups.
        if (
            len(group.langs) > 1
            and group.confidence is not None
            and group.confidence < MIN_CONFIDENCE
        ):
            out.append(
                Finding(
                    NAME,
                    "warning",
                    group.group_id,
                    None,
                    None,
                    f"alignment confidence {group.confidence:.2f} below {MIN_CONFIDENCE} "
                    f"({group.level} {group.key}, {', '.join(group.langs)})",
                    "check that these texts say the same thing",
                    rule="low-confidence",
                    found=f"{group.confidence:.2f}",
                    expected=f">= {MIN_CONFIDENCE}",
                )
            )
        langs = _usable(group)
        odd: dict[Lang, list[str]] = defaultdict(list)
        for a, b in combinations(langs, 2):
            if (a, b) not in stats:
                continue
            med, mad = stats[(a, b)]
            x = _log_ratio(group, a, b)
            z = 0.6745 * (x - med) / mad
            if abs(z) > Z_LIMIT:
                note = (
                    f"{b}/{a} length {math.exp(x):.2f} vs typical {math.exp(med):.2f} (z {z:+.1f})"
                )
                odd[a].append(note)
                odd[b].append(note)
        if not odd:
            continue
        if len(langs) == 2:
            flagged = [max(langs, key=PIVOT_ORDER.index)]
        else:
            top = max(len(notes) for notes in odd.values())
            flagged = [
                lang
                for lang, notes in odd.items()
                if len(notes) == top and len(notes) >= (len(langs) - 1) / 2
            ]
            if top == 1 and flagged:  # one odd pair says nothing about which side: blame the later
                flagged = [max(flagged, key=PIVOT_ORDER.index)]
        for lang in flagged:
            out.append(
                group.finding(
                    NAME,
                    "warning",
                    lang,
                    "",
                    f"{lang} text of {group.level} {group.key} has an unusual length: "
                    + "; ".join(odd[lang][:3]),
                    "check for an omission or an addition",
                    rule="length-ratio",
                )
            )
    return out
