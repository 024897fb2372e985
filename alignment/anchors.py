"""Anchors: numbers, dates, labels and document symbols that every translation keeps.

Sentence embeddings barely tell ``7427th meeting, held on 14 April 2015`` from
``7426th meeting, held on 14 April 2015``, nor ``Article IX`` from ``Article X``;
the numbers do. Each item gets a set of canonical anchor tokens (``7427``, ``m4``
for April, ``9`` for ``IX`` and ``第九条``, ``sym:A/69/L.55``); the aligner adds
to a candidate bead's similarity an agreement score of its two sides' anchors
(:func:`agreement`), so a bead whose numbers disagree loses and one whose rare
numbers agree wins. Tokens become small integers per unit and windows padded
integer arrays, so the score is computed inside the numba dynamic programme.

Extraction is behind one small interface, ``(text, lang) -> frozenset[str]``
(:data:`Extractor`): :func:`extract_anchors` here is a minimal grammar for what
the aligner needs (digits of every script with each language's separators,
Roman and Chinese numerals as labels, month names, UN and ITU document symbols).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numba as nb
import numpy as np
from numpy.typing import NDArray

from corpus.model import Lang

#: Prefix of letter-label tokens (``lbl:c`` for ``C.``, ``(c)`` and ``جيم -``).
LABEL: Final = "lbl:"

#: Turns one item's text into its canonical anchor tokens.
Extractor = Callable[[str, Lang], frozenset[str]]

_DIGITS: Final = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
#: Group separators each language writes between thousands (after NFKC, which
#: makes every no-break space a plain one); a space is one in all six (UN Chinese
#: writes ``5 406``).
_THOUSANDS: Final[dict[Lang, str]] = {
    "en": ", ",
    "zh": ", ",
    "ar": ", ",
    "fr": " .",
    "ru": " ",
    "es": " .",
}
_DECIMAL: Final[dict[Lang, str]] = {
    "en": ".",
    "zh": ".",
    "ar": ".",
    "fr": ",",
    "ru": ",",
    "es": ",",
}
_NUMBER: Final = re.compile(r"\d+(?:[., ]\d+)*")
_AR_REVERSED: Final = re.compile(r"(?<![\d.,])(\d{3}) (\d{1,3})(?![\d.,])")
_ROMAN: Final = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_TOKEN: Final = re.compile(r"(?<![\w/.-])([IVXLC]+)(?![\w/-])")
#: Words after which a single Roman letter (``Annex I``, ``Статья V``) is a label.
_LABEL_WORDS: Final = re.compile(
    r"(?:article|annex|chapter|part|section|title|appendix|annexe|chapitre|partie|titre|"
    r"artículo|anexo|capítulo|parte|título|apéndice|статья|приложение|глава|часть|раздел)"
    r"\s+$",
    re.IGNORECASE,
)
_SYMBOL: Final = re.compile(r"\b[A-Z]{1,8}(?:\.\d+)?(?:/[A-Z0-9][A-Za-z0-9.\-]*)+")
_ITU_REC: Final = re.compile(r"\b(?:ITU-[TR]|UIT-[TR]|МСЭ-[TR]|МСЭ-[ТR])\s*([A-Z]\.\d+(?:\.\d+)*)")
_ZH_DIGITS: Final = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_ZH_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
_ZH_NUMERAL: Final = re.compile(r"[〇零一二两三四五六七八九十百千]+")
#: Chinese numerals are taken only where they are labels or counts: after 第 or
#: 附件, or heading a line (``三. 和平解决争端``, ``一、``); elsewhere 一 is part
#: of many words (一些, 进一步).
_ZH_LABEL: Final = re.compile(
    r"(?:第|附件|附录|^)([〇零一二两三四五六七八九十百千]+)(?=[条章节款项次届部期段号年月日.、．\s]|$)"
)
_ZH_MONTH: Final = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月")
_AR_ORDINALS: Final = (
    "أولا",
    "ثانيا",
    "ثالثا",
    "رابعا",
    "خامسا",
    "سادسا",
    "سابعا",
    "ثامنا",
    "تاسعا",
    "عاشرا",
)
#: Arabic ordinals after a label word (``المادة التاسعة``, Article IX), by value.
_AR_LABEL_ORDINALS: Final = (
    ("الأول", "الاول", "الأولى", "الاولى"),
    ("الثاني", "الثانية"),
    ("الثالث", "الثالثة"),
    ("الرابع", "الرابعة"),
    ("الخامس", "الخامسة"),
    ("السادس", "السادسة"),
    ("السابع", "السابعة"),
    ("الثامن", "الثامنة"),
    ("التاسع", "التاسعة"),
    ("العاشر", "العاشرة"),
)
_AR_LABEL: Final = re.compile(r"(?:المادة|الفصل|الجزء|المرفق|الباب|الفرع|البند)\s+(\S+)")
#: Letters heading an item (``C. Rule of law``, ``(a)``); Arabic writes them as
#: letters of its own order or, for capitals, as letter names (``جيم-``).
_LATIN_LABEL: Final = re.compile(r"^\(?([A-Za-z])[.)]\s")
_AR_LETTERS: Final = "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ"
_AR_LETTER_LABEL: Final = re.compile(r"^\(?([أبجدوزحطيكلمنسعفصقرشتثخذضظغ]|هـ)\)\s")
_AR_LETTER_NAMES: Final = ("ألف", "باء", "جيم", "دال", "هاء", "واو", "زاي", "حاء", "طاء", "ياء")
_AR_NAME_LABEL: Final = re.compile(r"^(" + "|".join(_AR_LETTER_NAMES) + r")\s*[-–.]")
_MONTHS: Final[dict[Lang, tuple[str, ...]]] = {
    "en": (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "es": (
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ),
    "ru": (
        "январ[ьяе]",
        "феврал[ьяе]",
        "марта?е?",
        "апрел[ьяе]",
        "ма[йяе]",
        "июн[ьяе]",
        "июл[ьяе]",
        "августа?е?",
        "сентябр[ьяе]",
        "октябр[ьяе]",
        "ноябр[ьяе]",
        "декабр[ьяе]",
    ),
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل|ابريل|نيسان",
        "مايو",
        "يونيه|يونيو",
        "يوليه|يوليو",
        "أغسطس|اغسطس",
        "سبتمبر",
        "أكتوبر|اكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
}


def _month_pattern(lang: Lang) -> re.Pattern[str] | None:
    names = _MONTHS.get(lang)
    if names is None:
        return None
    alternatives = "|".join(f"(?P<m{i}>{name})" for i, name in enumerate(names, start=1))
    if lang == "ar":  # Arabic month names are not words of another sense
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    # Elsewhere (``may``, ``mars``) a month counts only beside a day or a year.
    return re.compile(
        rf"(?:(?<=\d\s)|(?<=\d\sde\s)|(?<=\d\s\s))(?:{alternatives})(?!\w)"
        rf"|(?<!\w)(?:{alternatives.replace('?P<m', '?P<n')})(?=\s(?:de\s)?\d)",
        re.IGNORECASE,
    )


_MONTH_PATTERNS: Final = {lang: _month_pattern(lang) for lang in ("en", "fr", "es", "ru", "ar")}


def _canonical(token: str, lang: Lang) -> list[str]:
    """One written number as canonical numbers: ``1 000,5`` in French is ``1000.5``.

    A group separator counts only before a group of exactly three digits after a
    first group of at most three; any other separator splits the token.
    """
    parts = re.split(r"([., ])", token)
    out: list[str] = []
    first = whole = parts[0]
    frac = ""
    for sep, group in zip(parts[1::2], parts[2::2], strict=True):
        if not frac and sep in _THOUSANDS[lang] and len(group) == 3 and len(first) <= 3:
            whole += group
        elif not frac and sep != " " and sep in (_DECIMAL[lang], "."):
            frac = group
        else:
            out.append(_join(whole, frac))
            first = whole = group
            frac = ""
    out.append(_join(whole, frac))
    return out


def _join(whole: str, frac: str) -> str:
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{frac}" if frac else whole


def _zh_value(numeral: str) -> int | None:
    """Value of a Chinese numeral below 10,000 (``二十三`` 23, ``一〇五`` 105)."""
    if all(c in _ZH_DIGITS for c in numeral):
        if len(numeral) == 1:
            return _ZH_DIGITS[numeral]
        return int("".join(str(_ZH_DIGITS[c]) for c in numeral))
    value = digit = 0
    for c in numeral:
        if c in _ZH_DIGITS:
            digit = _ZH_DIGITS[c]
        else:
            value += (digit or 1) * _ZH_UNITS[c]
            digit = 0
    return value + digit


def extract_anchors(text: str, lang: Lang) -> frozenset[str]:
    """The anchor tokens of one item written in ``lang``.

    Numbers are canonical values (``7427th``, ``第7427次`` and ``7427-е`` all give
    ``7427``; ``1 000,5`` gives ``1000.5``); months are ``m1``..``m12`` whether
    named (``14 April``) or numbered (``4月``); Roman numerals and Chinese label
    numerals are their values; document symbols are ``sym:`` and the symbol.
    """
    text = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    out: set[str] = set(_letter_label(text.strip(), lang))
    for m in _SYMBOL.finditer(text):
        out.add("sym:" + m.group().rstrip(".-"))
    for m in _ITU_REC.finditer(text):
        out.add("rec:" + m.group(1))
    if lang == "zh":
        for m in _ZH_MONTH.finditer(text):
            month = m.group(1)
            value = int(month) if month.isdigit() else _zh_value(month)
            out.add(f"m{value}")
        text = _ZH_MONTH.sub(" ", text)
        for m in _ZH_LABEL.finditer(text.strip()):
            value = _zh_value(m.group(1))
            if value is not None:
                out.add(str(value))
    else:
        pattern = _MONTH_PATTERNS.get(lang)
        if pattern is not None:
            for m in pattern.finditer(text):
                name = next(k for k, v in m.groupdict().items() if v)
                out.add(f"m{name[1:]}")
        for m in _ROMAN_TOKEN.finditer(text):
            roman = m.group(1)
            if not _ROMAN.match(roman):
                continue
            before = text[: m.start()]
            label = _LABEL_WORDS.search(before) is not None
            after = text[m.end() : m.end() + 1]
            # A heading ``I. Introduction``; in English ``I have`` is the pronoun.
            heading = not before.strip() and after in ((".",) if lang == "en" else (".", " "))
            if len(roman) >= 2 or ((label or heading) and roman in "IVX"):
                out.add(str(_roman_value(roman)))
        if lang == "ar":
            out.update(_arabic_ordinals(text))
    for m in _NUMBER.finditer(text):
        out.update(_canonical(m.group(), lang))
    if lang == "ar":  # ``4 389`` reversed by the bidirectional algorithm: ``389 4``
        out.update(b + a for a, b in _AR_REVERSED.findall(text))
    return frozenset(out)


def _letter_label(text: str, lang: Lang) -> list[str]:
    """A letter heading the item as ``lbl:`` and the letter (``C.``, ``(a)``, ``جيم-``)."""
    if lang == "ar":
        m = _AR_LETTER_LABEL.match(text)
        if m:
            letter = "ه" if m.group(1) == "هـ" else m.group(1)
            return [LABEL + chr(ord("a") + _AR_LETTERS.index(letter))]
        m = _AR_NAME_LABEL.match(text)
        if m:
            return [LABEL + chr(ord("a") + _AR_LETTER_NAMES.index(m.group(1)))]
    m = _LATIN_LABEL.match(text)
    # I, V and X heading an item are Roman numerals (``I. Introduction``).
    if m and m.group(1) not in "IVX":
        return [LABEL + m.group(1).lower()]
    return []


def _arabic_ordinals(text: str) -> list[str]:
    """Ordinals heading an item (``ثالثا -``) or following a label word (``المادة التاسعة``)."""
    out: list[str] = []
    head = text.strip().split(" ", 1)[0].rstrip("ً")
    for value, word in enumerate(_AR_ORDINALS, start=1):
        if head == word:
            out.append(str(value))
    for m in _AR_LABEL.finditer(text):
        for value, forms in enumerate(_AR_LABEL_ORDINALS, start=1):
            if m.group(1) in forms:
                out.append(str(value))
    return out


def _roman_value(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(roman, roman[1:] + " ", strict=True):
        v = values[a]
        total += -v if b != " " and values[b] > v else v
    return total


#: Longest item that counts as short (a heading, a label, ``Article 20``), in
#: characters; Chinese says as much in about a third of the characters.
SHORT_CHARS: Final = 60
SHORT_CHARS_ZH: Final = 20


def is_short(text: str, lang: Lang) -> bool:
    """Whether an item is a heading, a label or a line of a few words."""
    return len(text.strip()) <= (SHORT_CHARS_ZH if lang == "zh" else SHORT_CHARS)


# --- arrays for the dynamic programme -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnchorWindows:
    """Anchor tokens of every window of 1..k items, as padded arrays.

    ``ids[w, i]`` holds the ids of the tokens of items ``i-w .. i`` (ascending,
    padded with ``-1``) and ``weights[w, i]`` their weights; both have shape
    ``(k, n, width)``. ``short[i]`` marks item ``i`` as short (a heading, a
    label, a line of a few words: see :func:`is_short`).
    """

    ids: NDArray[np.int64]
    weights: NDArray[np.float32]
    short: NDArray[np.bool_]
    #: Ids of letter labels, which are read only where they head an item (so an
    #: item that merged a labelled one does not show the label).
    labels: frozenset[int] = frozenset()

    def tokens(self, w: int, i: int) -> dict[int, float]:
        """The ids and weights of one window."""
        row = self.ids[w, i]
        keep = row >= 0
        return dict(zip(row[keep].tolist(), self.weights[w, i][keep].tolist(), strict=True))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Integer ids and weights of one unit's anchor tokens (all languages together).

    A token's weight falls with the share of items carrying it: a number in
    every item of a unit (the year of a dated series) says little about which
    item goes with which, one in a single item says a lot.
    """

    ids: Mapping[str, int]
    weights: NDArray[np.float32]

    @classmethod
    def of(cls, items: Mapping[Lang, Sequence[frozenset[str]]]) -> Vocabulary:
        """Build the vocabulary of every language's item token sets."""
        df: Counter[str] = Counter()
        for sets in items.values():
            for tokens in sets:
                df.update(tokens)
        langs = max(1, len(items))
        ids = {token: n for n, token in enumerate(sorted(df))}
        weights = np.array(
            [1.0 / math.sqrt(max(1.0, df[t] / langs)) for t in sorted(df)], dtype=np.float32
        )
        return cls(ids, weights)

    def windows(
        self, items: Sequence[frozenset[str]], short: Sequence[bool], num_overlaps: int
    ) -> AnchorWindows:
        """The anchor arrays of one language's windows of 1..``num_overlaps`` items."""
        n = len(items)
        coded = [sorted(self.ids[t] for t in tokens) for tokens in items]
        sets: list[list[list[int]]] = []
        for w in range(num_overlaps):
            sets.append(
                [sorted(set().union(*coded[i - w : i + 1])) if i >= w else [] for i in range(n)]
            )
        return self.pack(sets, short)

    def pack(self, sets: Sequence[Sequence[Sequence[int]]], short: Sequence[bool]) -> AnchorWindows:
        """Padded arrays of per-window sorted id lists (``sets[w][i]``) and short items."""
        k = len(sets)
        n = len(sets[0]) if k else 0
        width = max((len(s) for row in sets for s in row), default=0) or 1
        ids = np.full((k, n, width), -1, dtype=np.int64)
        weights = np.zeros((k, n, width), dtype=np.float32)
        for w, row in enumerate(sets):
            for i, tokens in enumerate(row):
                if tokens:
                    ids[w, i, : len(tokens)] = tokens
                    weights[w, i, : len(tokens)] = self.weights[list(tokens)]
        labels = frozenset(n for t, n in self.ids.items() if t.startswith(LABEL))
        return AnchorWindows(ids, weights, np.array(short, dtype=np.bool_).reshape(n), labels)


@nb.jit(nopython=True, fastmath=True, cache=True)
def agreement(
    src_ids: NDArray[np.int64],
    src_w: NDArray[np.float32],
    tgt_ids: NDArray[np.int64],
    tgt_w: NDArray[np.float32],
) -> float:
    """The summed weight of the anchor tokens two windows share.

    Only shared tokens count, linearly: then a bead's bonus does not depend on
    how finely the items around it are cut (splitting a bead keeps its shared
    tokens shared), and a token one translation leaves out (``chapter VII``
    beside ``الفصل السابع``) costs nothing, where a penalty on unshared tokens
    would push the aligner to drop such items as 1-0 beads (a skip has no
    anchors to disagree). A bead whose numbers disagree is penalised relatively:
    the right bead shares them. Both id rows are ascending and padded with -1.
    """
    shared = 0.0
    a = 0
    b = 0
    na = src_ids.shape[0]
    nb_ = tgt_ids.shape[0]
    while a < na and b < nb_:
        x = src_ids[a]
        y = tgt_ids[b]
        if x < 0 or y < 0:
            break
        if x < y:
            a += 1
        elif y < x:
            b += 1
        else:
            shared += min(src_w[a], tgt_w[b])
            a += 1
            b += 1
    return shared
