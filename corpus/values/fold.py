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


#: A digit of a folded text (:func:`fold` writes every decimal digit in ASCII).
_DIGIT: Final = re.compile("[0-9]")


def has_digits(folded: str) -> bool:
    """Whether a folded text holds a digit.

    Most value grammars need one and half of UN sentences hold none, so they test this
    first instead of trying every pattern.
    """
    return _DIGIT.search(folded) is not None


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
    #: The last text :meth:`masked` returned, and the one it was made from (a text's
    #: finders ask for it once per pattern; it changes only when something is claimed).
    _masked: str | None = field(init=False, default=None)
    _of: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.mask = bytearray(self.size)

    def free(self, start: int, end: int) -> bool:
        """Tell whether no position in ``[start, end)`` is claimed."""
        return self.mask.find(1, start, end) < 0

    def claim(self, start: int, end: int) -> None:
        """Claim ``[start, end)``."""
        self.mask[start:end] = b"\x01" * (end - start)
        self._masked = None

    def masked(self, folded: str) -> str:
        """``folded`` with every claimed position blanked (NUL), so no pattern matches it."""
        if self._masked is None or self._of is not folded:
            self._masked, self._of = self._blank(folded), folded
        return self._masked

    def _blank(self, folded: str) -> str:
        parts: list[str] = []
        at = 0
        for run in _CLAIMED.finditer(self.mask):
            parts += [folded[at : run.start()], "\0" * (run.end() - run.start())]
            at = run.end()
        if not parts:
            return folded
        parts.append(folded[at:])
        return "".join(parts)
