"""The date grammar: numeric dates in the usual orders, month names in six languages.

A date is found before the numbers, so ``7 April 2017`` is one date and not the numbers
7 and 2017, and it matches ``2017年4月7日``, ``7 avril 2017``, ``7 de abril de 2017``,
``7 апреля 2017 г.``, ``07.04.2017`` and ``7 نيسان/أبريل 2017``. Numeric dates are read
day first (``07/04/2017``: 7 April), as ITU and the UN write them; a year and a month
alone (``(04/2017)``, ``(2017/04)``) are a month of that year, as ITU dates its
Recommendations. A month name alone (``December``, ``12月``) is a date with only a month.
"""

from __future__ import annotations

import re
from typing import Final

from corpus.model import Lang
from corpus.values.alternation import by_first_letter, first_letters
from corpus.values.fold import Taken, has_digits
from corpus.values.model import Date
from corpus.values.words import MONTHS

_YEAR: Final = r"(?P<y>(?:1[89]|2[01])\d\d)"
_DAY: Final = r"(?P<d>[0-3]?\d)"
_M: Final = r"(?P<m>[01]?\d)"
#: Numeric forms, most specific first: day-month-year, ISO year-month-day, month/year,
#: year/month. Russian may add ``г.`` (year).
_NUMERIC_FORMS: Final = (
    re.compile(rf"(?<![\d/.\-]){_DAY}(?P<s>[./\-]){_M}(?P=s){_YEAR}(?:\s?г\.)?(?![\d/]|\.\d)"),
    re.compile(rf"(?<![\d/.\-]){_YEAR}(?P<s>[./\-]){_M}(?P=s){_DAY}(?![\d/]|\.\d)"),
    re.compile(rf"(?<![\d/.\-]){_M}[/.]{_YEAR}(?:\s?г\.)?(?![\d/]|\.\d)"),
    re.compile(rf"(?<![\d/.\-]){_YEAR}[/\-]{_M}(?![\d/]|\.\d)"),
)
_ZH_DATE: Final = re.compile(
    r"(?:(?P<y>\d{4})\s?年\s?)?(?P<m>[01]?\d)\s?月(?:\s?(?P<d>[0-3]?\d)\s?[日号])?"
)


def _month_alternation(lang: Lang) -> tuple[str, dict[str, int]]:
    """A named group matching any month name of ``lang``, and the lookup of each name."""
    lookup: dict[str, int] = {}
    for number, names in enumerate(MONTHS[lang], start=1):
        for name in names:
            lookup[name.casefold()] = number
    ordered = sorted(lookup, key=len, reverse=True)
    patterns = [(n, re.escape(n).replace(r"\ ", r"\s+")) for n in ordered]
    if lang == "en":
        # "may" and "march" are also verbs: English month names must be capitalised.
        patterns = [(n, f"(?-i:{re.escape(n[0].upper() + n[1:])})") for n in ordered]
    # Each position tries only the names of its first letter (see corpus.values.alternation).
    body = by_first_letter(patterns)
    if lang == "ar":
        # The UN writes both series: نيسان/أبريل.
        body = rf"(?:(?:{body})\s*/\s*)?(?:{body})"
    return rf"(?={first_letters(ordered)})(?P<mn>{body})(?![^\W\d_])", lookup


def _named_forms(lang: Lang) -> tuple[list[re.Pattern[str]], dict[str, int]]:
    """Date patterns with month names: day month year, month day year, month year, month."""
    month, lookup = _month_alternation(lang)
    day = r"(?P<d>[0-3]?\d)(?:er|ᵉʳ|\.?º|st|nd|rd|th)?"
    of = r"\s+de\s+" if lang == "es" else r"\s+"
    year_of = r"\s+del?\s+" if lang == "es" else r",?\s+"
    year_tail = r"(?:\s?(?:г\.|года|год))?" if lang == "ru" else ""
    forms = [
        rf"(?<![\d.]){day}{of}{month}(?:{year_of}{_YEAR}{year_tail})?(?!\d)",
        rf"{month}{year_of}{_YEAR}{year_tail}(?!\d)",
    ]
    if lang != "ar":
        # A lone Arabic month name is too often a word (مارس: "practised").
        forms.append(rf"(?<![^\W\d_]){month}")
    if lang == "en":
        forms.insert(1, rf"{month}\s+{day}(?:,?\s+{_YEAR})?(?!\d)")
    flags = re.IGNORECASE
    return [re.compile(f, flags) for f in forms], lookup


_NAMED: Final = {lang: _named_forms(lang) for lang in MONTHS}


def _month_number(name: str, lookup: dict[str, int]) -> int:
    """The month of a matched name; of the last name when the UN gives two (نيسان/أبريل)."""
    last = re.split(r"\s*/\s*", name)[-1]
    return lookup[re.sub(r"\s+", " ", last).casefold()]


def find_dates(folded: str, text: str, lang: Lang, taken: Taken) -> list[Date]:
    """Every date of ``folded``, claimed so its numbers are not read again."""
    out: list[Date] = []
    if not has_digits(folded):
        # Every form but a month name alone holds a day or a year (most texts hold none).
        if lang in _NAMED and lang != "ar":
            lone, lookup = _NAMED[lang][0][-1], _NAMED[lang][1]
            for m in lone.finditer(taken.masked(folded)):
                _add(out, taken, text, m, _month_number(m.group("mn"), lookup), None, None)
        return out
    if lang == "zh":
        for m in _ZH_DATE.finditer(taken.masked(folded)):
            _add(out, taken, text, m, int(m.group("m")), m.group("y"), m.group("d"))
    if lang in _NAMED:
        patterns, lookup = _NAMED[lang]
        for pattern in patterns:
            for m in pattern.finditer(taken.masked(folded)):
                groups = m.groupdict()
                month = _month_number(m.group("mn"), lookup)
                _add(out, taken, text, m, month, groups.get("y"), groups.get("d"))
    for pattern in _NUMERIC_FORMS:
        for m in pattern.finditer(taken.masked(folded)):
            groups = m.groupdict()
            _add(out, taken, text, m, int(m.group("m")), groups.get("y"), groups.get("d"))
    return out


def _add(
    out: list[Date],
    taken: Taken,
    text: str,
    m: re.Match[str],
    month: int,
    year: str | None,
    day: str | None,
) -> None:
    """Keep a match as a date when its month and day are possible ones."""
    if not 1 <= month <= 12 or (day is not None and not 1 <= int(day) <= 31):
        return
    out.append(
        Date(
            int(year) if year else None,
            month,
            int(day) if day else None,
            text[m.start() : m.end()],
            m.start(),
            m.end(),
        )
    )
    taken.claim(m.start(), m.end())
