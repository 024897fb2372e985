"""Word's automatic numbering (``word/numbering.xml``), rendered as Word displays it.

Many ITU files number headings and list items with ``w:numPr`` (on the paragraph or
on its style), so the number is not in the text. A ``w:num`` points at an
``w:abstractNum`` whose levels give the format (``decimal``, ``lowerLetter``,
``upperRoman`` …), the start value and the level text (``%1.%2``, ``%1)``); a
``w:num`` may override a level's start (``w:lvlOverride/w:startOverride``) or the
level itself. Counters are kept per abstract numbering, as Word continues a list
across ``w:num`` instances of one abstract numbering unless one restarts it; a
level restarts when a shallower level of the same list moves on (or per
``w:lvlRestart``). Formats beyond these (``chineseCounting``, ``ordinal`` …) are
rendered as decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import lxml.etree as etree

from corpus.parse.word_styles import qn

_LEVEL_REF: Final[re.Pattern[str]] = re.compile(r"%(\d)")
_ROMAN: Final[tuple[tuple[int, str], ...]] = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def roman(n: int) -> str:
    """``4`` -> ``iv`` (lower case)."""
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def letters(n: int) -> str:
    """Word's letter numbering: a … z, then aa, bb … (not Excel's aa, ab)."""
    if n <= 0:
        return ""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def render(value: int, fmt: str) -> str:
    """One level's counter in its format."""
    if fmt == "lowerLetter":
        return letters(value)
    if fmt == "upperLetter":
        return letters(value).upper()
    if fmt == "lowerRoman":
        return roman(value)
    if fmt == "upperRoman":
        return roman(value).upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a list: format, start, level text and what restarts it."""

    fmt: str = "decimal"
    start: int = 1
    text: str = ""
    restart: int | None = None  # the level (0-based) whose move restarts this one
    legal: bool = False  # w:isLgl: every level shown as decimal
    style: str | None = None  # w:pStyle: the paragraph style this level belongs to


@dataclass(frozen=True, slots=True)
class Instance:
    """A ``w:num``: its abstract numbering, level overrides and start overrides."""

    abstract: str
    levels: dict[int, Level]
    starts: dict[int, int]


def _level(lvl: etree._Element) -> Level:
    def val(name: str) -> str | None:
        el = lvl.find(qn(name))
        return el.get(qn("val")) if el is not None else None

    restart = val("lvlRestart")
    return Level(
        fmt=val("numFmt") or "decimal",
        start=int(val("start") or "1"),
        text=val("lvlText") or "",
        restart=int(restart) - 1 if restart is not None else None,
        legal=lvl.find(qn("isLgl")) is not None,
        style=val("pStyle"),
    )


@dataclass
class Numbering:
    """The numbering definitions of one document and the counters while reading it."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, root: etree._Element | None) -> Numbering:
        """Read ``word/numbering.xml`` (``None``: no numbering)."""
        out = cls()
        if root is None:
            return out
        for abstract in root.iter(qn("abstractNum")):
            levels = {
                int(lvl.get(qn("ilvl"), "0")): _level(lvl) for lvl in abstract.iter(qn("lvl"))
            }
            out.abstracts[abstract.get(qn("abstractNumId"), "")] = levels
        for num in root.iter(qn("num")):
            ref = num.find(qn("abstractNumId"))
            levels, starts = {}, {}
            for override in num.iter(qn("lvlOverride")):
                ilvl = int(override.get(qn("ilvl"), "0"))
                start = override.find(qn("startOverride"))
                if start is not None:
                    starts[ilvl] = int(start.get(qn("val"), "1"))
                lvl = override.find(qn("lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            out.instances[num.get(qn("numId"), "")] = Instance(
                ref.get(qn("val"), "") if ref is not None else "", levels, starts
            )
        return out

    def _levels(self, inst: Instance) -> dict[int, Level]:
        return self.abstracts.get(inst.abstract, {}) | inst.levels

    def level_of_style(self, num_id: str, style_id: str | None) -> int:
        """The level of list ``num_id`` that a style is linked to (0 if none is)."""
        inst = self.instances.get(num_id)
        if inst is None or style_id is None:
            return 0
        for ilvl, level in sorted(self._levels(inst).items()):
            if level.style == style_id:
                return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> str | None:
        """Count one paragraph of list ``num_id`` at level ``ilvl``; its label as shown.

        Returns ``None`` for a list Word does not show (numId 0, unknown, or a
        level whose text is empty), and the bullet character for a bullet level.
        """
        inst = self.instances.get(num_id)
        if inst is None:
            return None
        levels = self._levels(inst)
        level = levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(inst.abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in inst.starts.items():
                counters[lvl] = start - 1  # the override restarts the list here
                for deeper in [d for d in counters if d > lvl]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [d for d in counters if d > ilvl]:
            restart = levels.get(deeper, Level()).restart
            if restart is None or restart >= ilvl:
                del counters[deeper]
        if level.fmt == "bullet":
            return level.text.strip() or "•"
        if not level.text:
            return None

        def value(match: re.Match[str]) -> str:
            ref = int(match[1]) - 1
            ref_level = levels.get(ref, Level())
            count = counters.get(ref, ref_level.start)
            return render(count, "decimal" if level.legal else ref_level.fmt)

        return _LEVEL_REF.sub(value, level.text)
