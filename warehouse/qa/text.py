"""Text helpers shared by the checks: scripts, words, a matching form of a text.

Only for comparing; the raw text a finding quotes is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Final, Literal

from corpus.model import Lang
from corpus.normalize import CharMap

Script = Literal["latin", "arabic", "cyrillic", "han", "other"]

#: The script each language is written in.
EXPECTED_SCRIPT: Final[dict[Lang, Script]] = {
    "ar": "arabic",
    "en": "latin",
    "es": "latin",
    "fr": "latin",
    "ru": "cyrillic",
    "zh": "han",
}

_ARABIC_MARKS: Final = re.compile("[\u064b-\u065f\u0670\u0640]")  # tashkeel and tatweel
_ALEF: Final = CharMap({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي"})
#: Apostrophes (and Russian ё) and dashes, each to one form.
_APOSTROPHES_DASHES: Final = CharMap(
    {"’": "'", "ʼ": "'", "`": "'", "‘": "'", "ё": "е", "Ё": "Е"}
    | {"‐": "-", "‑": "-", "–": "-", "—": "-"}
)
_SPACES: Final = re.compile(r"\s+")
#: Words: letters (and marks) with inner apostrophes or hyphens, or a run of digits.
WORD: Final = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*|\d+")
_HAN: Final = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1 << 14)
def script_of(char: str) -> Script:
    """Tell the script of one letter (``other`` for anything else)."""
    code = ord(char)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic" if char.isalpha() else "other"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if char.isalpha() and (code < 0x0250 or 0x1E00 <= code <= 0x1EFF):
        return "latin"
    return "other"


def script_counts(text: str) -> Counter[Script]:
    """Count the letters of each script in ``text``.

    Scripts are counted in the order their first letter appears (``most_common`` breaks
    ties that way); each distinct character is classified once.
    """
    out: Counter[Script] = Counter()
    for char, n in Counter(text).items():
        if char.isalpha():
            out[script_of(char)] += n
    return out


@lru_cache(maxsize=1 << 15)
def match_form(text: str, lang: Lang) -> str:
    """The form used to look terms up and compare texts: NFKC, casefolded, one space.

    Arabic loses vowel marks and tatweel and unifies alef forms; apostrophes and dashes
    get one form each, so ``l’homme`` matches ``l'homme``, and Russian ``ё`` is ``е``.
    """
    out = _APOSTROPHES_DASHES(unicodedata.normalize("NFKC", text))
    if lang == "ar":
        out = _ALEF(_ARABIC_MARKS.sub("", out))
    if lang == "zh":
        out = _SPACES.sub("", out)
    return _SPACES.sub(" ", out.casefold()).strip()


def words(text: str) -> list[str]:
    """Split a text of a space-separated script into words (casefolded)."""
    return [w.casefold() for w in WORD.findall(text)]


def han_chars(text: str) -> str:
    """Keep the Han characters of a text, in order."""
    return "".join(_HAN.findall(text))


def snippet(text: str, start: int, end: int, width: int = 30) -> str:
    """Quote ``text[start:end]`` with a little context on each side, on one line."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    out = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    return _SPACES.sub(" ", out)
