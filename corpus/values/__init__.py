"""Values in text, read the way each language writes them: numbers, dates, references.

:func:`extract_values` returns every value of a text in order: document symbols,
Recommendations and footnote markers first, then dates, slash references, numbers in
digits, Chinese numerals and number words, each claiming its characters so that nothing
is read twice (``7 April 2017`` is one date, not two numbers). Values are compared with
:func:`~corpus.values.model.matches`, never by their text. Pure functions, no I/O.
"""

from __future__ import annotations

from corpus.model import Lang
from corpus.values.dates import find_dates
from corpus.values.fold import Taken, fold
from corpus.values.model import (
    Date,
    Number,
    NumberForm,
    Reference,
    ReferenceKind,
    Value,
    canonical_number,
    matches,
)
from corpus.values.numbers import (
    find_digit_numbers,
    find_number_words,
    find_zh_numerals,
    zh_numeral_value,
)
from corpus.values.references import find_references, find_slash_references

__all__ = [
    "Date",
    "Number",
    "NumberForm",
    "Reference",
    "ReferenceKind",
    "Value",
    "canonical_number",
    "extract_values",
    "matches",
    "zh_numeral_value",
]


def extract_values(text: str, lang: Lang, *, words: bool = True) -> tuple[Value, ...]:
    """Every value in ``text`` as ``lang`` writes it, in the order of the text.

    Args:
        text: The text, as written (offsets of the values are offsets into it).
        lang: Its language, which decides separators, words and scripts.
        words: Also read numbers written in words (``five``, ``пяти``, ``十年``).
    """
    folded = fold(text)
    taken = Taken(len(text))
    values: list[Value] = []
    values.extend(find_references(folded, text, lang, taken))
    values.extend(find_dates(folded, text, lang, taken))
    values.extend(find_slash_references(folded, text, lang, taken))
    values.extend(find_digit_numbers(folded, text, lang, taken))
    if words:
        if lang == "zh":
            values.extend(find_zh_numerals(folded, text, taken))
        values.extend(find_number_words(folded, text, lang, taken))
    return tuple(sorted(values, key=lambda v: (v.start, v.end)))
