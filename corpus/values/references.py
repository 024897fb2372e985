"""The reference grammar: document symbols, ITU Recommendations, slash numbers, footnotes.

References are found before dates and numbers, so ``A/RES/70/1`` is one symbol and not
the numbers 70 and 1, ``ITU-T E.108`` is Recommendation E.108 and not the decimal 108,
and ``68/198`` (a UN resolution: session 68, number 198) is compared as written.
Russian texts sometimes type the series letter of a Recommendation in Cyrillic
(``Е.164``); it is read as its Latin twin.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Final

from corpus.model import Lang
from corpus.values.fold import Taken
from corpus.values.model import Reference

_CYRILLIC_TO_LATIN: Final = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
#: UN and ITU document symbols: capitals, then slash-separated parts with a digit
#: (``A/RES/70/1``, ``A/70/L.1``, ``E/CN.3/2017/2``, ``S/2017/123``).
_SYMBOL: Final = re.compile(r"(?<![\w/])[A-Z]{1,6}(?:/[A-Za-z0-9][A-Za-z0-9.\-]*)+")
#: ITU Recommendations: an optional sector prefix, a series letter, a dotted number
#: (``ITU-T E.108``, ``МСЭ-Т E.164``, ``Q.931``, ``G.711.1``).
_RECOMMENDATION: Final = re.compile(
    r"(?:(?:ITU|UIT|МСЭ|UIT)[-‑][TRDТ]\s*)?(?<![\w.])([A-ZАВЕКМНОРСТХ])\.(\d+(?:\.\d+)*)(?![\w])"
)
#: Two numbers across a slash (``68/198``, ``3/2``); dates were claimed before.
_SLASH: Final = re.compile(r"(?<![\w/.])(\d{1,4})/(\d{1,4})(?![\w/]|\.\d)")
#: A footnote marker: a number in brackets glued to the word before it (``text(3)``,
#: ``法(3)``), or superscript digits after a letter or a closing punctuation mark.
_FOOTNOTE: Final = re.compile(r"(?<=[^\s\d(\[/])\((\d{1,3})\)|(?<=[^\W\d_]|[.,;:)\"”])([¹²³⁰⁴-⁹]+)")
_SUPERSCRIPTS: Final = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
#: What every reference holds: a digit (folded texts write them in ASCII) or a superscript.
_DIGIT: Final = re.compile("[0-9¹²³⁰⁴-⁹]")


def find_references(folded: str, text: str, lang: Lang, taken: Taken) -> list[Reference]:
    """Document symbols, Recommendations and footnote markers (before dates and numbers)."""
    out: list[Reference] = []
    if not _DIGIT.search(folded):  # about half of UN sentences hold none
        return out
    for m in _SYMBOL.finditer(taken.masked(folded)):
        ident = m.group().rstrip(".-")
        if not any(c.isdigit() for c in ident):
            continue
        end = m.start() + len(ident)
        out.append(Reference("symbol", ident, text[m.start() : end], m.start(), end))
        taken.claim(m.start(), end)
    for m in _RECOMMENDATION.finditer(taken.masked(folded)):
        ident = f"{m.group(1).translate(_CYRILLIC_TO_LATIN)}.{m.group(2)}"
        out.append(
            Reference("recommendation", ident, text[m.start() : m.end()], m.start(), m.end())
        )
        taken.claim(m.start(), m.end())
    for m in _FOOTNOTE.finditer(taken.masked(folded)):
        ident = (m.group(1) or m.group(2).translate(_SUPERSCRIPTS)).lstrip("0") or "0"
        out.append(Reference("footnote", ident, text[m.start() : m.end()], m.start(), m.end()))
        taken.claim(m.start(), m.end())
    return out


def find_slash_references(folded: str, text: str, lang: Lang, taken: Taken) -> list[Reference]:
    """``68/198``-style references (after dates, which claim ``04/2017``).

    A small proper fraction (``2/3``) also reads as that number.
    """
    out: list[Reference] = []
    if "/" not in folded:
        return out
    for m in _SLASH.finditer(taken.masked(folded)):
        a, b = int(m.group(1)), int(m.group(2))
        number = Fraction(a, b) if 0 < a < b <= 10 else None
        ident = f"{a}/{b}"
        out.append(
            Reference(
                "symbol", ident, text[m.start() : m.end()], m.start(), m.end(), lang == "ar", number
            )
        )
        taken.claim(m.start(), m.end())
    return out
