"""Fold a text for value grammars without moving any character.

Every decimal digit (Arabic-Indic ``٠-٩``, Extended ``۰-۹``, full-width ``０-９``, any
Unicode ``Nd``) becomes its ASCII digit and full-width ASCII (``％``, ``（``) becomes
ASCII, one character for one, so a match in the folded text has the offsets of the
original and the quoted text is always the original's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

#: Spaces that separate digit groups: space, no-break, narrow no-break, thin.
GROUP_SPACES = " \u00a0\u202f\u2009"
_FULL_WIDTH = {"％": "%", "（": "(", "）": ")", "／": "/", "［": "[", "］": "]"}
#: Runs of claimed positions in a :class:`Taken` mask.
_CLAIMED: Final = re.compile(b"\x01+")
#: What :func:`fold` changes: a decimal digit other than ASCII, or a full-width form.
_FOLDED: Final = re.compile(rf"(?![0-9])\d|[{''.join(_FULL_WIDTH)}]")


def fold(text: str) -> str:
    """Return ``text`` with ASCII digits and ASCII for full-width forms, same length."""
    if text.isascii():
        return text
    return _FOLDED.sub(_folded, text)


def _folded(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _FULL_WIDTH:
        return _FULL_WIDTH[ch]
    digit = unicodedata.decimal(ch, None)
    return str(digit) if digit is not None else ch


@dataclass(slots=True)
class Taken:
    """The character positions already claimed by a value, so no text counts twice."""

    size: int
    mask: bytearray = field(init=False)

    def __post_init__(self) -> None:
        self.mask = bytearray(self.size)

    def free(self, start: int, end: int) -> bool:
        """Tell whether no position in ``[start, end)`` is claimed."""
        return self.mask.find(1, start, end) < 0

    def claim(self, start: int, end: int) -> None:
        """Claim ``[start, end)``."""
        self.mask[start:end] = b"\x01" * (end - start)

    def masked(self, folded: str) -> str:
        """``folded`` with every claimed position blanked (NUL), so no pattern matches it."""
        parts: list[str] = []
        at = 0
        for run in _CLAIMED.finditer(self.mask):
            parts += [folded[at : run.start()], "\0" * (run.end() - run.start())]
            at = run.end()
        if not parts:
            return folded
        parts.append(folded[at:])
        return "".join(parts)
