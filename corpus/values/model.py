"""Typed values found in text: numbers, dates and references, each with comparison keys.

A value is compared across languages by its ``keys``, every reading the text may have
(``key`` is the likeliest), and its ``coarse`` keys, less precise readings of it. Two
values match when they share a reading, or when a reading of one is a coarse reading of
the other: ``3.1`` in English (a clause, or the decimal 3.1) matches ``3,1`` in French
(the decimal) and ``1.3`` in Arabic (clause 3.1 stored mirrored); ``04/2017`` (April
2017) matches ``07.04.2017`` (whose coarse readings include April 2017), but 7 April
never matches 8 April, since neither is a reading of the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

NumberForm = Literal["cardinal", "percent", "ordinal", "fraction"]
ReferenceKind = Literal["clause", "symbol", "recommendation", "footnote"]


def canonical_number(value: Fraction) -> str:
    """Write a number one way: ``1000``, ``0.2`` (``0.20`` too), ``1/3``, ``-5``."""
    if value.denominator == 1:
        return str(value.numerator)
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = 0
    scaled = value
    while scaled.denominator != 1:
        scaled *= 10
        digits += 1
    sign = "-" if scaled < 0 else ""
    text = str(abs(scaled.numerator)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


@dataclass(frozen=True, slots=True)
class Number:
    """A number as written: digits, words, Chinese numerals, with any scale or percent.

    ``value`` is exact (``0.20`` and ``0.2`` are one value; ``100.000 millones`` is
    100 000 000 000). ``scale`` is the multiplier a scale word or Chinese multiplier
    applied (``10万``: 10 000). ``readings`` are other values the same text may mean
    (``1,000`` in French: 1 000 or 1.000); ``label`` is the text read as a dotted clause
    number when it may be one (``3.1``). ``spelled`` numbers are written in words.
    """

    value: Fraction
    text: str
    start: int
    end: int
    form: NumberForm = "cardinal"
    spelled: bool = False
    scale: int = 1
    readings: tuple[Fraction, ...] = ()
    label: str = ""

    @property
    def key(self) -> str:
        """The comparison key: a percent is a percent; ordinals and fractions are numbers."""
        kind = "percent" if self.form == "percent" else "number"
        return f"{kind}:{canonical_number(self.value)}"

    @property
    def keys(self) -> frozenset[str]:
        """Every reading: the value, other values of the same text, the clause label."""
        out = {self.key} | {f"number:{canonical_number(v)}" for v in self.readings}
        if self.label:
            out.add(f"clause:{self.label}")
        return frozenset(out)

    @property
    def coarse(self) -> frozenset[str]:
        """A percent is also its bare number, which another language may write alone."""
        if self.form == "percent":
            return frozenset({f"number:{canonical_number(self.value)}"})
        return frozenset()


@dataclass(frozen=True, slots=True)
class Date:
    """A calendar date, possibly partial (``April 2017``, ``7 April``, ``4月``)."""

    year: int | None
    month: int | None
    day: int | None
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """``date:2017-04-07``, ``date:2017-04``, ``date:--04-07``, ``date:--04``."""
        return _date_key(self.year, self.month, self.day)

    @property
    def keys(self) -> frozenset[str]:
        """A date has one reading."""
        return frozenset({self.key})

    @property
    def coarse(self) -> frozenset[str]:
        """Coarser readings, which a less precise date in another language may give."""
        out: set[str] = set()
        if self.day is not None and self.year is not None:
            out.add(_date_key(self.year, self.month, None))
        if self.year is not None and self.month is not None:
            out.add(_date_key(None, self.month, self.day))
            out.add(_date_key(None, self.month, None))
        if self.day is not None:
            out.add(_date_key(None, self.month, None))
        out.discard(self.key)
        return frozenset(out)


def _date_key(year: int | None, month: int | None, day: int | None) -> str:
    """The key of a date whose missing parts are left out (``--`` for no year)."""
    text = f"{year:04d}" if year is not None else "-"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return f"date:{text}"


@dataclass(frozen=True, slots=True)
class Reference:
    """A label or reference, compared as what it is and never as loose numbers.

    ``ident`` is canonical: ``3.1`` (clause), ``A/RES/70/1`` or ``68/198`` (symbol),
    ``E.108`` (recommendation), ``3`` (footnote marker). ``rtl`` marks text written
    right to left, where a dotted number may be stored mirrored (``1.3`` for 3.1).
    ``number`` is the same text read as a number when it may be one (``3.1``, ``1/2``).
    """

    kind: ReferenceKind
    ident: str
    text: str
    start: int
    end: int
    rtl: bool = False
    number: Fraction | None = None

    @property
    def key(self) -> str:
        """``clause:3.1``, ``symbol:A/RES/70/1``, ``recommendation:E.108``, ``footnote:3``."""
        return f"{self.kind}:{self.ident}"

    @property
    def keys(self) -> frozenset[str]:
        """The label, its mirrored reading when right to left, and any number reading."""
        out = {self.key}
        if self.rtl and self.kind in ("clause", "symbol"):
            sep = "." if self.kind == "clause" else "/"
            parts = self.ident.split(sep)
            if all(p.isdigit() for p in parts):
                out.add(f"{self.kind}:{sep.join(reversed(parts))}")
        if self.number is not None:
            out.add(f"number:{canonical_number(self.number)}")
        return frozenset(out)

    @property
    def coarse(self) -> frozenset[str]:
        """A footnote marker is also a bare number (another language may drop the brackets)."""
        if self.kind == "footnote":
            return frozenset({f"number:{self.ident}"})
        return frozenset()


Value = Number | Date | Reference


def matches(a: Value, b: Value) -> bool:
    """Tell whether two values may be the same: a shared reading, or one coarser than the other."""
    return bool(a.keys & b.keys or a.keys & b.coarse or b.keys & a.coarse)
