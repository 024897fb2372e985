"""Clause labels: from the form written in one language to a language-neutral key.

The key is what pairs clauses across languages, so ``a)``, ``أ)`` and ``(a)`` must all
give ``a``, ``2 bis`` and ``2 مكرراً`` give ``2-bis``. Texts with tracked changes
flattened into plain text carry *compound* labels, old and new label glued together
(``gf)`` = old g renumbered f, ``1213`` = old 12 renumbered 13); the key is the new
label, because the flattened text is the text as proposed.

Whether a digit string is compound cannot always be told from the string alone
(``23`` is clause 23, or old 2 renumbered 3), so :func:`parse_label` takes the
previous label of the same list as context.

Uncertain: the Russian and Chinese forms of *bis/ter* (ITU Russian and Chinese texts
are believed to keep the Latin ``bis``; ``бис`` and ``之二`` are accepted in case) and
the Arabic ``ثالثاً``/``رابعاً`` for *ter*/*quater*. Cyrillic letter labels are read
only as homoglyphs of Latin ones (``с)`` = ``c``): ITU Russian texts label recitals with
Latin letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from corpus.model import Lang

LabelKind = Literal["letter", "number", "roman", "bullet", "abjad"]

#: Arabic letters in abjad order, as ITU Arabic texts letter their recitals.
ABJAD: Final[str] = "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ"
_ABJAD_VARIANTS: Final[dict[str, str]] = {"ا": "أ", "إ": "أ", "آ": "أ", "ة": "ه", "ى": "ي"}
_LATIN: Final[str] = "abcdefghijklmnopqrstuvwxyz"
#: Cyrillic letters that look like Latin ones: ITU Russian texts letter their recitals
#: with Latin letters, but a Cyrillic "с)" typed for "c)" is found in published texts
#: (Council resolutions, Russian edition), so a lone homoglyph is read as its Latin twin.
_CYRILLIC_HOMOGLYPHS: Final[dict[str, str]] = {
    "а": "a",
    "в": "b",
    "с": "c",
    "е": "e",
    "о": "o",
    "р": "p",
    "х": "x",
    "у": "y",
}

_SUFFIXES: Final[dict[str, str]] = {
    "bis": "bis",
    "ter": "ter",
    "quater": "quater",
    "quinquies": "quinquies",
    "sexies": "sexies",
    "бис": "bis",
    "тер": "ter",
    "кватер": "quater",
    "مكرراً": "bis",
    "مكررا": "bis",
    "مكرر": "bis",
    "ثالثاً": "ter",
    "ثالثا": "ter",
    "رابعاً": "quater",
    "رابعا": "quater",
    "之二": "bis",
    "之三": "ter",
    "之四": "quater",
}
_BULLETS: Final[frozenset[str]] = frozenset("•▪◦‣-–—·")
#: Roman numerals for sub-items, in order.
ROMAN_NUMERALS: Final[tuple[str, ...]] = tuple(
    [
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "vi",
        "vii",
        "viii",
        "ix",
        "x",
        "xi",
        "xii",
        "xiii",
        "xiv",
        "xv",
        "xvi",
        "xvii",
        "xviii",
        "xix",
        "xx",
    ]
)
_ROMAN: Final[frozenset[str]] = frozenset(ROMAN_NUMERALS)
_SUFFIX_RE: Final[re.Pattern[str]] = re.compile(
    r"^(?P<base>.+?)[\s\-]*(?P<suffix>"
    + "|".join(sorted(map(re.escape, _SUFFIXES), key=len, reverse=True))
    + r")$",
    re.IGNORECASE,
)
#: Largest gap between old and new number that still counts as a renumbering.
MAX_RENUMBER_GAP: Final[int] = 3


@dataclass(frozen=True, slots=True)
class Label:
    """A parsed clause label.

    ``key`` is the neutral key (the new label for a compound one); ``old_key`` and
    ``new_key`` are set only for compound labels.
    """

    raw: str
    key: str
    kind: LabelKind
    old_key: str | None = None
    new_key: str | None = None

    @property
    def is_compound(self) -> bool:
        """Tell whether the label glues an old and a new label together."""
        return self.old_key is not None


def _strip(raw: str) -> str:
    """Drop brackets, dots and spacing around a label: ``(a)``, ``a)``, ``a.`` -> ``a``."""
    text = raw.strip().replace("\u0640", "")
    text = re.sub(r"^[(\[]\s*", "", text)
    text = re.sub(r"\s*[)\].]$", "", text)
    return text.strip()


def _base_number(label: Label | None) -> int | None:
    if label is None or label.kind != "number":
        return None
    head = label.key.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _base_letter(label: Label | None) -> str | None:
    if label is None or label.kind not in ("letter", "abjad"):
        return None
    return label.key.split("-", 1)[0]


def _number_splits(digits: str) -> list[tuple[int, int]]:
    """Every way to cut ``digits`` into two numbers that differ by 1 to MAX_RENUMBER_GAP."""
    splits = []
    for cut in range(1, len(digits)):
        left, right = digits[:cut], digits[cut:]
        if left.startswith("0") or right.startswith("0"):
            continue
        a, b = int(left), int(right)
        if 1 <= abs(a - b) <= MAX_RENUMBER_GAP:
            splits.append((a, b))
    return splits


def _parse_number(digits: str, raw: str, after: Label | None) -> Label:
    """Tell a plain number from a compound one, using the previous label when ambiguous.

    Rule: a string that cuts into two numbers a, b with 1 <= |a - b| <= 3 is compound,
    unless the previous number of the list is known and the string continues it
    (previous + 1 or + 2), e.g. ``12`` after ``11``. Without context, only strings of
    three or more digits and descending pairs (``98``, ``43``) are taken as compound;
    ascending pairs (``12``, ``23``) need context. Resolutions never reach 100 clauses.
    """
    value = int(digits)
    splits = _number_splits(digits)
    previous = _base_number(after)
    if not splits:
        return Label(raw, str(value), "number")
    if previous is not None:
        if previous < value <= previous + 2:
            return Label(raw, str(value), "number")
        # Prefer the cut whose new number follows the list, then the smallest gap.
        a, b = min(splits, key=lambda s: (abs(s[1] - previous - 1), abs(s[0] - s[1])))
    else:
        if len(digits) == 2 and splits[0][0] < splits[0][1]:
            return Label(raw, str(value), "number")
        a, b = min(splits, key=lambda s: abs(s[0] - s[1]))
    return Label(raw, str(b), "number", old_key=str(a), new_key=str(b))


def _parse_letters(letters: str, raw: str, after: Label | None) -> Label | None:
    """Parse a Latin letter, a roman numeral or a compound of two letters.

    ``i``, ``v`` and ``x`` are letters when they continue a lettered list and roman
    numerals when they continue a roman one; a lone ``i`` elsewhere opens a roman
    sub-list (lettered lists start at ``a``).
    """
    prev_letter = _base_letter(after)
    roman_context = after is not None and after.kind == "roman"
    if letters in _ROMAN and roman_context:
        return Label(raw, letters, "roman")
    if len(letters) == 1:
        if letters == "i" and prev_letter not in ("g", "h"):
            return Label(raw, letters, "roman")
        return Label(raw, letters, "letter")
    if letters in _ROMAN and (prev_letter is None or letters[0] == letters[1]):
        return Label(raw, letters, "roman")
    if len(letters) == 2 and letters[0] != letters[1]:
        old, new = letters[0], letters[1]
        return Label(raw, new, "letter", old_key=old, new_key=new)
    return None


def parse_label(raw: str, lang: Lang, *, after: Label | None = None) -> Label:
    """Parse one clause label as written; ``after`` is the previous label of the same list.

    Raises:
        ValueError: ``raw`` is not a label this module knows (the caller decides
            whether that is an input error or plain text).
    """
    text = _strip(raw)
    if not text:
        raise ValueError(f"empty label {raw!r}")
    if text in _BULLETS:
        return Label(raw, "bullet", "bullet")
    suffix = ""
    match = _SUFFIX_RE.match(text)
    if match and match["base"].strip():
        suffix = "-" + _SUFFIXES[match["suffix"].lower()]
        text = _strip(match["base"])
    base = _parse_base(text, raw, lang, after)
    if base is None:
        raise ValueError(f"not a clause label: {raw!r}")
    if not suffix:
        return base
    return Label(raw, base.key + suffix, base.kind)


def _parse_base(text: str, raw: str, lang: Lang, after: Label | None) -> Label | None:
    if len(text) == 1 and text.lower() in _CYRILLIC_HOMOGLYPHS:
        text = _CYRILLIC_HOMOGLYPHS[text.lower()]
    if text.isascii() and text.isdigit():
        return _parse_number(text, raw, after)
    if text.isdigit():  # Arabic-Indic or other script digits
        return _parse_number(str(int(text)), raw, after)
    if text.isascii() and text.isalpha():
        return _parse_letters(text.lower(), raw, after)
    letter = _ABJAD_VARIANTS.get(text, text)
    if len(letter) == 1 and letter in ABJAD:
        return Label(raw, _LATIN[ABJAD.index(letter)], "abjad")
    del lang  # kept in the signature: the rules are script-based, not language-based
    return None


# --- document-wide clause numbers (ITU Word files: 7.1, A.16.2, 1bis.1) ---------------

_PART: Final[str] = r"(?:\d+(?:\s?(?:bis|ter|quater))?|[A-Z]|[IVX]{1,5})"
_NUMBER_RE: Final[re.Pattern[str]] = re.compile(rf"^{_PART}(?:\.{_PART})*\.?$")
_RANGE_RE: Final[re.Pattern[str]] = re.compile(
    r"(?P<a>[A-Z]{1,3}\.\d+)\s*[-–—]\s*(?P<b>[A-Z]{1,3}\.\d+)"
)


def ascii_digits(text: str) -> str:
    """Arabic-Indic (or any script's) digits as ASCII, other characters as they are."""
    return "".join(str(int(c)) if c.isdigit() and not c.isascii() else c for c in text)


def number_key(raw: str, lang: Lang, *, known: Callable[[str], bool] | None = None) -> str | None:
    """The key of a clause number written as ``7.1``, ``A.16.2`` or ``1bis.1``; else None.

    ITU's Arabic texts write multi-level numbers mirrored: English ``7.1`` is ``1.7``
    in Arabic, ``3.1.2`` is ``2.1.3``. For Arabic both readings are tried and the one
    whose parent ``known`` accepts wins (the mirrored one when neither or both do),
    so a number typed the Latin way still reads right. The label itself stays as
    written; only the key is turned round.
    """
    text = ascii_digits(raw.strip().replace("\u00a0", " ")).rstrip(".").strip()
    if not text or not _NUMBER_RE.match(text):
        return None
    parts = [re.sub(r"\s+", "", p) for p in text.split(".")]
    if len(parts) == 1:
        return parts[0]
    if lang != "ar":
        return ".".join(parts)
    mirrored = ".".join(reversed(parts))
    written = ".".join(parts)
    if (
        known is not None
        and mirrored != written
        and known(written.rpartition(".")[0])
        and not known(mirrored.rpartition(".")[0])
    ):
        return written
    return mirrored


def read_range(text: str) -> tuple[str, str] | None:
    """Read a range of document numbers, low end first: ``E.799-E.750`` -> (E.750, E.799).

    Arabic texts write ranges mirrored (``E.799-E.750`` for E.750–E.799); the text
    stays as written, this gives the range it means.
    """
    match = _RANGE_RE.search(text)
    if not match:
        return None
    a, b = match["a"], match["b"]

    def value(ref: str) -> tuple[str, int]:
        series, _, number = ref.partition(".")
        return series, int(number)

    return (a, b) if value(a) <= value(b) else (b, a)
