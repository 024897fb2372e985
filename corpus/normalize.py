"""The derived, matching-only form of a text (``Segment.norm``).

The raw text is never touched: everything here produces a second string used
to compare segments across languages and runs (anchors, numbers, duplicates),
so it may drop distinctions that the raw text keeps, such as French
non-breaking spaces, guillemets or Arabic vowel marks.

The steps, in order:

1. Unicode NFKC: folds compatibility forms (full-width ASCII, Arabic
   presentation forms, ligatures, NBSP and other fixed-width spaces to U+0020).
2. Script-specific punctuation: French spacing before ``;:!?`` and inside
   guillemets is removed and guillemets become ``"``, so ``« droits »``,
   ``«droits»`` and ``“droits”`` all give ``"droits"``; Chinese punctuation that
   NFKC leaves alone gets one canonical ASCII form (see ``_ZH_PUNCT``).
3. sacremoses ``MosesPunctNormalizer`` for ar, en, es, fr, ru (dashes, quotes,
   apostrophes, spaces around brackets). It is not used for Chinese, whose
   text has no spaces: Moses would insert some around every bracket.
4. Arabic letters: tashkeel and tatweel removed, alef variants unified, alef
   maqsura folded (see ``_AR_LETTERS``), Arabic-Indic digits made ASCII.
5. casefold, then whitespace collapsed to single spaces. For Chinese,
   whitespace next to a Han character or CJK mark is removed first: in a
   script written without spaces it is only layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from typing import Final

from sacremoses import MosesPunctNormalizer

from corpus.model import Lang

#: Languages whose text goes through Moses punctuation normalisation.
MOSES_LANGS: Final[frozenset[Lang]] = frozenset({"ar", "en", "es", "fr", "ru"})


class CharMap:
    """``str.translate`` for a few characters, at the speed of a regex scan.

    ``str.translate`` looks every character of a text outside ASCII up in its table: 24 µs
    for a UN sentence, against 1 µs for a regex that finds the few characters to replace
    (most texts have none). The QA checks spent an eighth of their time translating.
    """

    def __init__(self, table: Mapping[str, str]) -> None:
        """Replace each key of ``table`` (one character) with its value."""
        self._table = dict(table)
        self._pattern = re.compile("[" + "".join(map(re.escape, self._table)) + "]")

    def __call__(self, text: str) -> str:
        """``text`` with every character of the table replaced."""
        return self._pattern.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        return self._table[match.group()]


# French typography puts a (narrow) no-break space before ;:!? and inside
# guillemets. NFKC has already turned those spaces into plain ones; removing
# them (rather than leaving Moses to drop " ;" and " :" but keep " ?" and
# " !") gives one consistent form whatever space the source used, if any.
_SPACE_BEFORE_HIGH_PUNCT: Final = re.compile(r"\s+(?=[;:!?؛؟])")
_OPENING_GUILLEMET: Final = re.compile(r"[«‹]\s*")
_CLOSING_GUILLEMET: Final = re.compile(r"\s*[»›]")

# Chinese punctuation left untouched by NFKC (full-width ASCII forms such as
# ，；：？！（） are already folded to ASCII by NFKC), mapped to the ASCII form
# the other languages' punctuation takes, so that the norm column of every
# language uses one set of marks. Ideographic full stop and enumeration comma
# lose their width; all quote and title marks become '"'.
_ZH_PUNCT: Final = CharMap(
    {
        "。": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "《": '"',
        "》": '"',
        "〈": '"',
        "〉": '"',
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "—": "-",
        "━": "-",
        "…": "...",
        "〜": "~",
    }
)
_ZH_DASHES: Final = re.compile(r"-{2,}")
_HAN: Final = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_NEXT_TO_HAN: Final = re.compile(rf"(?<=[{_HAN}])\s+|\s+(?=[{_HAN}])")

# Arabic: harakat, tanwin, shadda, sukun, superscript alef and Quranic
# annotation marks carry no lexical difference that matching should see, and
# are written inconsistently; tatweel is pure justification.
_AR_MARKS: Final = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Hamza-carrying alefs and alef wasla are spelled inconsistently (أ/إ/ا, آ);
# they fold to bare alef. Alef maqsura folds to ya (ى -> ي), not the reverse:
# Egyptian-style typing writes final ya without dots (فى for في), so folding
# to ya merges those spellings; the price, merging pairs such as على/علي, is
# negligible for matching within one resolution. Ta marbuta is kept (ة is not
# folded to ه): UN/ITU texts spell it consistently.
_AR_LETTERS: Final = CharMap(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "٫": ".",  # Arabic decimal separator
        "٬": ",",  # Arabic thousands separator
    }
    | {chr(0x0660 + d): str(d) for d in range(10)}
    | {chr(0x06F0 + d): str(d) for d in range(10)}
)


@cache
def _moses(lang: Lang) -> MosesPunctNormalizer:
    """Build one Moses normaliser per language, since ``normalize`` runs once per segment."""
    return MosesPunctNormalizer(lang=lang)


def normalize(text: str, lang: Lang) -> str:
    """Return the matching-only form of ``text`` (see the module docstring).

    Args:
        text: Raw text of one segment, as extracted.
        lang: Its language, which selects the script-specific steps.

    Returns:
        NFKC, punctuation-normalised, casefolded text with single spaces.

    """
    norm = unicodedata.normalize("NFKC", text)
    norm = _OPENING_GUILLEMET.sub('"', norm)
    norm = _CLOSING_GUILLEMET.sub('"', norm)
    norm = _SPACE_BEFORE_HIGH_PUNCT.sub("", norm)
    if lang == "zh":
        # Before the marks lose their width: a space after "。" is layout too.
        norm = _SPACE_NEXT_TO_HAN.sub("", norm)
        norm = _ZH_DASHES.sub("-", _ZH_PUNCT(norm))
    if lang in MOSES_LANGS:
        norm = str(_moses(lang).normalize(norm))
    if lang == "ar":
        norm = _AR_LETTERS(_AR_MARKS.sub("", norm))
    return " ".join(norm.casefold().split())
