"""Fold a text for value grammars without moving any character.

Every decimal digit (Arabic-Indic ``٠-٩``, Extended ``۰-۹``, full-width ``０-９``, any
Unicode ``Nd``) becomes its ASCII digit and full-width ASCII (``％``, ``（``) becomes
ASCII, one character for one, so a match in the folded text has the offsets of the
original and the quoted text is always the original's.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

#: Spaces that separate digit groups: space, no-break, narrow no-break, thin.
GROUP_SPACES = " \u00a0\u202f\u2009"
_FULL_WIDTH = {"％": "%", "（": "(", "）": ")", "／": "/", "［": "[", "］": "]"}


def fold(text: str) -> str:
    """Return ``text`` with ASCII digits and ASCII for full-width forms, same length."""
    out: list[str] = []
    for ch in text:
        if ch.isdigit() and ch not in "0123456789":
            digit = unicodedata.decimal(ch, None)
            out.append(str(digit) if digit is not None else ch)
        elif ch in _FULL_WIDTH:
            out.append(_FULL_WIDTH[ch])
        else:
            out.append(ch)
    return "".join(out)


@dataclass(slots=True)
class Taken:
    """The character positions already claimed by a value, so no text counts twice."""

    size: int
    mask: bytearray = field(init=False)

    def __post_init__(self) -> None:
        self.mask = bytearray(self.size)

    def free(self, start: int, end: int) -> bool:
        """Tell whether no position in ``[start, end)`` is claimed."""
        return not any(self.mask[start:end])

    def claim(self, start: int, end: int) -> None:
        """Claim ``[start, end)``."""
        self.mask[start:end] = b"\x01" * (end - start)

    def masked(self, folded: str) -> str:
        """``folded`` with every claimed position blanked (NUL), so no pattern matches it."""
        if not any(self.mask):
            return folded
        return "".join("\0" if m else c for c, m in zip(folded, self.mask, strict=True))
