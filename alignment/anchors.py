"""Anchors: numbers, dates, labels and document symbols that every translation keeps.

Sentence embeddings barely tell ``7427th meeting, held on 14 April 2015`` from
``7426th meeting, held on 14 April 2015``, nor ``Article IX`` from ``Article X``;
the numbers do. Each item gets a set of canonical anchor tokens; the aligner adds
to a candidate bead's similarity the weight of the tokens its two sides share
(:func:`agreement`), so the bead whose rare numbers agree wins over its
near-duplicate neighbour. Tokens become small integers per unit and windows
padded integer arrays, so the score is computed inside the numba dynamic
programme.

Extraction is behind one small interface, ``(text, lang) -> frozenset[str]``
(:data:`Extractor`). :func:`extract_anchors` takes the values of
:func:`corpus.values.extract_values` (numbers in every script and separator
style, Chinese numerals, number words, dates, document symbols, clause labels),
each as its comparison keys and coarse keys (``date:2015-04-14`` and
``date:2015-04`` ...), and adds the labels that grammar leaves to the aligner:
Roman numerals (``Article IX``, ``III. Conclusions``), Arabic ordinal adverbs
heading an item (``ثالثا -``) and letter labels (``C.``, ``(c)``, ``جيم -``).
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

from corpus.labels import ABJAD
from corpus.model import Lang
from corpus.values import extract_values

#: Prefix of letter-label tokens (``lbl:c`` for ``C.``, ``(c)`` and ``جيم -``).
LABEL: Final = "lbl:"

#: Turns one item's text into its canonical anchor tokens.
Extractor = Callable[[str, Lang], frozenset[str]]

_ROMAN: Final = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_TOKEN: Final = re.compile(r"(?<![\w/.-])([IVXLC]+)(?![\w/-])")
#: Words after which a single Roman letter (``Annex I``, ``Статья V``) is a label.
_LABEL_WORDS: Final = re.compile(
    r"(?:article|annex|chapter|part|section|title|appendix|annexe|chapitre|partie|titre|"
    r"artículo|anexo|capítulo|parte|título|apéndice|статья|приложение|глава|часть|раздел)"
    r"\s+$",
    re.IGNORECASE,
)
#: Arabic ordinal adverbs heading an item (``ثالثا - الاستنتاجات``, III. Conclusions).
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
#: Letters heading an item (``C. Rule of law``, ``(a)``); Arabic writes them as
#: letters of its own order or, for capitals, as letter names (``جيم-``).
_LATIN_LABEL: Final = re.compile(r"^\(?([A-Za-z])[.)]\s")
_AR_LETTER_LABEL: Final = re.compile(r"^\(?([أبجدوزحطيكلمنسعفصقرشتثخذضظغ]|هـ)\)\s")
_AR_LETTER_NAMES: Final = ("ألف", "باء", "جيم", "دال", "هاء", "واو", "زاي", "حاء", "طاء", "ياء")
_AR_NAME_LABEL: Final = re.compile(r"^(" + "|".join(_AR_LETTER_NAMES) + r")\s*[-–.]")


def extract_anchors(text: str, lang: Lang) -> frozenset[str]:
    """The anchor tokens of one item written in ``lang``.

    Values are their keys (``number:7427`` for ``7427th``, ``第7427次`` and
    ``7427-е``; ``date:2015-04-14``; ``symbol:A/69/L.55``) and coarse keys, so
    that two values :func:`corpus.values.matches` would pair share a token;
    Roman numerals are numbers (``number:9`` for ``IX``, as ``第九条`` gives),
    letter labels ``lbl:`` and the letter.
    """
    out: set[str] = set()
    for value in extract_values(text, lang):
        out |= value.keys | value.coarse
    text = unicodedata.normalize("NFKC", text).strip()
    out.update(_letter_label(text, lang))
    out.update(f"number:{n}" for n in _label_numbers(text, lang))
    return frozenset(out)


def _label_numbers(text: str, lang: Lang) -> list[int]:
    """Roman numerals, and Arabic ordinal adverbs heading an item."""
    out: list[int] = []
    if lang == "ar":
        head = text.split(" ", 1)[0].rstrip("ً")
        out.extend(n for n, word in enumerate(_AR_ORDINALS, start=1) if head == word)
    if lang == "zh":
        return out
    for m in _ROMAN_TOKEN.finditer(text):
        roman = m.group(1)
        if not _ROMAN.match(roman):
            continue
        before = text[: m.start()]
        after = text[m.end() : m.end() + 1]
        label = _LABEL_WORDS.search(before) is not None
        # A heading ``I. Introduction``; in English ``I have`` is the pronoun.
        heading = not before and after in ((".",) if lang == "en" else (".", " "))
        if len(roman) >= 2 or ((label or heading) and roman in "IVX"):
            out.append(_roman_value(roman))
    return out


def _letter_label(text: str, lang: Lang) -> list[str]:
    """A letter heading the item as ``lbl:`` and the letter (``C.``, ``(a)``, ``جيم-``)."""
    if lang == "ar":
        m = _AR_LETTER_LABEL.match(text)
        if m:
            letter = "ه" if m.group(1) == "هـ" else m.group(1)
            return [LABEL + chr(ord("a") + ABJAD.index(letter))]
        m = _AR_NAME_LABEL.match(text)
        if m:
            return [LABEL + chr(ord("a") + _AR_LETTER_NAMES.index(m.group(1)))]
    m = _LATIN_LABEL.match(text)
    # I, V and X heading an item are Roman numerals (``I. Introduction``).
    if m and m.group(1) not in "IVX":
        return [LABEL + m.group(1).lower()]
    return []


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
