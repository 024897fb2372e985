"""Sentence splitting as character spans, one splitter per script family.

Splitters return ``(start, end)`` spans into the text they were given, never
strings, so that a sentence's raw text is always an exact slice of its
paragraph. Spans are stripped of surrounding whitespace, never empty, in
order and non-overlapping; text with no sentence-final punctuation is one
sentence.

The registry ``SPLITTERS`` maps each language to its splitter, the way
sacrebleu maps names to tokenizers: Latin and Cyrillic scripts use the Moses
heuristics of ``sentence-splitter`` plus ITU abbreviations, Arabic and Chinese
have rules of their own. One fix applies to every language afterwards: a
piece that is only a clause label (``1.``, ``a)``, ``أ.``) is joined to the
sentence it labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from itertools import pairwise
from types import MappingProxyType
from typing import Final

from sentence_splitter import SentenceSplitter

from corpus.errors import UnknownLanguageError
from corpus.model import Lang

#: A sentence as a half-open character range ``[start, end)`` of its text.
Span = tuple[int, int]
#: A splitter: text in, sentence spans out.
Splitter = Callable[[str], list[Span]]

#: Abbreviations after which a sentence never ends in ITU texts, on top of the
#: Moses lists: references such as "Resolution 130 (Rev. Dubai, 2018)",
#: "(Rév. Dubaï, 2018)" or "(Пересм. Дубай, 2018 г.)" are followed by a capital
#: and would otherwise split.
ITU_NON_BREAKING_PREFIXES: Final[tuple[str, ...]] = (
    "No.",
    "Nos.",
    "Res.",
    "Rev.",
    "Rév.",
    "Пересм.",
    "Art.",
    "para.",
    "e.g.",
    "i.e.",
    "etc.",
    "cf.",
    "Doc.",
    "Vol.",
    "p.",
    "pp.",
    "ch.",
    "Add.",
    "Corr.",
    "Mr.",
    "Dr.",
    "núm.",
    "Sr.",
    "г.",
    "ст.",
    "п.",
    "т.е.",
    "и т.д.",
)

# A piece ending with one of the prefixes, as a whole word (after a space, an
# opening bracket or quote, or at the start of the piece), possibly followed by
# closing brackets or quotes: "(… 2018 г.) Полномочной" is one sentence. The
# price: a sentence really ending in "etc.)" joins the next one.
_ENDS_WITH_PREFIX: Final = re.compile(
    r"(?:^|(?<=[\s(\[{«\"'“‘„]))(?:"
    + "|".join(r"\s+".join(map(re.escape, p.split())) for p in ITU_NON_BREAKING_PREFIXES)
    + r")[)\]}»”\"']*$",
    re.IGNORECASE,
)

# A piece that is only a clause or paragraph label: "1.", "12)", "a)", "(b)",
# "iv.", "أ.", "(ب)". Roman numerals up to four letters, other labels short.
_LABEL_ONLY: Final = re.compile(
    r"[(\[]?(?:\d{1,3}(?:\.\d{1,3})*|[^\W\d_]{1,2}|[ivxlIVXL]{1,4})[.)\]]{1,2}"
)

# Whitespace the Moses splitter should see as a plain space: it splits words
# on spaces only and treats newlines as sentence breaks. No-break spaces are
# kept: they are part of the word they glue (French "droits ;").
_LAYOUT_SPACE: Final = re.compile(r"[^\S\u00a0\u2007\u202f\u2060]")
#: The marks after which ``sentence-splitter`` may break (it needs a space after them).
_MOSES_MARKS: Final = re.compile(r"[.?!]")

# Arabic: a run of terminal marks (full stop, ! ? ؟ and the Urdu-style full
# stop ۔, ellipsis), closing quotes and brackets, then whitespace and more
# text. "؛" and "،" are clause marks, never terminal.
_AR_BREAK: Final = re.compile(r"(?P<term>[.!?؟۔…]+)[»”’)\]›\"']*(?=\s+\S)")
# A single letter before the full stop: an abbreviation ("د.") or a list
# label ("أ."), not the end of a sentence.
_AR_SINGLE_LETTER: Final = re.compile(r"(?:^|[\s(\[«])[^\W\d_]$")

# Chinese: full-width or half-width ! ? and the ideographic full stop (and its
# half-width form) end a sentence anywhere; an ASCII full stop only right
# after a Han character, so that "3.5", "www.itu.int" and "Rev." never do.
# Closing quotes and brackets stay with the sentence they close. "；" never
# ends a sentence: clauses of resolutions end with it.
_ZH_HAN: Final = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ZH_BREAK: Final = re.compile(
    rf"(?:[。！？｡!?]+|(?<=[{_ZH_HAN}])\.+)[”’」』）》〉】〕)\]]*(?=\s*\S)"
)


def _strip(text: str, start: int, end: int) -> Span | None:
    """Shrink a range to its non-whitespace content, or None if it has none."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def spans_from_breaks(text: str, breaks: list[int]) -> list[Span]:
    """Cut ``text`` at the given offsets and return the stripped, non-empty pieces.

    Cutting rather than locating keeps every non-space character of the text in
    exactly one sentence, whatever the splitter did with it.
    """
    bounds = [0, *sorted(set(breaks)), len(text)]
    spans = (_strip(text, a, b) for a, b in pairwise(bounds))
    return [s for s in spans if s is not None]


def _join_where(text: str, spans: list[Span], joins: Callable[[str], bool]) -> list[Span]:
    """Join each span to the next one when ``joins`` says its text cannot end a sentence."""
    out: list[Span] = []
    for span in spans:
        if out and joins(text[out[-1][0] : out[-1][1]]):
            out[-1] = (out[-1][0], span[1])
        else:
            out.append(span)
    return out


@cache
def _moses_splitter(lang: str) -> SentenceSplitter:
    """Load the Moses prefix list of one language once per process."""
    return SentenceSplitter(language=lang)


def split_moses(text: str, lang: Lang) -> list[Span]:
    """Split Latin or Cyrillic text with ``sentence-splitter`` and ITU abbreviations.

    The splitter returns strings with spaces collapsed; each is located in
    order in the text (any whitespace run matching any other), and the text is
    cut where each sentence after the first starts.
    """
    prepared = _LAYOUT_SPACE.sub(" ", text)
    last_space = prepared.rstrip(" ").rfind(" ")
    if last_space < 0 or not _MOSES_MARKS.search(prepared, 0, last_space):
        # The splitter only breaks after ". ? !" followed by a space: with none of them
        # before the last word it returns the text whole (most paragraphs, at 3 ms a call).
        return spans_from_breaks(text, [])
    breaks: list[int] = []
    cursor = 0
    for sentence in _moses_splitter(lang).split(prepared):
        words = sentence.split()
        if not words:
            continue
        found = _locate(words, prepared, cursor)
        if found is None:  # never seen; keep the rest as one sentence rather than lose it
            break
        if cursor:
            breaks.append(found[0])
        cursor = found[1]
    spans = spans_from_breaks(text, breaks)
    return _join_where(text, spans, lambda piece: _ENDS_WITH_PREFIX.search(piece) is not None)


def _locate(words: Sequence[str], text: str, cursor: int) -> Span | None:
    r"""Where ``words`` first occur in ``text`` from ``cursor``, any whitespace run between them.

    What searching for ``word\s+word…`` finds, without compiling a pattern per
    sentence (thousands of distinct patterns evict each other from ``re``'s cache).
    """
    start = text.find(words[0], cursor)
    while start >= 0:
        at = start + len(words[0])
        for word in words[1:]:
            gap = at
            while gap < len(text) and text[gap].isspace():
                gap += 1
            if gap == at or not text.startswith(word, gap):
                break
            at = gap + len(word)
        else:
            return start, at
        start = text.find(words[0], start + 1)
    return None


def split_arabic(text: str) -> list[Span]:
    """Split Arabic text after terminal marks followed by whitespace.

    Numbers ("3.5") never split since no space follows their point; a full stop
    after a single letter ("أ." as a label, "د." as an abbreviation) does not
    end a sentence. The price: a sentence really ending in a one-letter word is
    not split.
    """
    breaks = [
        m.end()
        for m in _AR_BREAK.finditer(text)
        if not (m["term"] == "." and _AR_SINGLE_LETTER.search(text, 0, m.start()))
    ]
    return spans_from_breaks(text, breaks)


def split_chinese(text: str) -> list[Span]:
    """Split Chinese text after 。！？ (and half-width forms), keeping closers attached.

    No space is needed after the mark. A straight double quote right after the
    mark closes the sentence when the sentence so far holds an odd number of
    them, and opens the next one otherwise.
    """
    breaks: list[int] = []
    last = 0
    for m in _ZH_BREAK.finditer(text):
        end = m.end()
        if text.startswith('"', end) and text.count('"', last, end) % 2 == 1:
            end += 1
        if text[end:].strip():
            breaks.append(end)
            last = end
    return spans_from_breaks(text, breaks)


#: Language -> splitter. A new script family is one function and one entry.
SPLITTERS: Final[Mapping[Lang, Splitter]] = MappingProxyType(
    {
        "ar": split_arabic,
        "en": partial(split_moses, lang="en"),
        "es": partial(split_moses, lang="es"),
        "fr": partial(split_moses, lang="fr"),
        "ru": partial(split_moses, lang="ru"),
        "zh": split_chinese,
    }
)


def split_sentences(text: str, lang: Lang) -> list[Span]:
    """Return the sentence spans of ``text``: stripped, non-empty, in order.

    Args:
        text: One paragraph of raw text.
        lang: Its language, which picks the splitter from ``SPLITTERS``.

    Returns:
        ``(start, end)`` offsets into ``text``; ``[]`` only for blank text.

    Raises:
        UnknownLanguageError: ``lang`` has no splitter.

    """
    splitter = SPLITTERS.get(lang)
    if splitter is None:
        raise UnknownLanguageError(f"no sentence splitter for language {lang!r}", lang=lang)
    spans = splitter(text)
    return _join_where(text, spans, lambda piece: _LABEL_ONLY.fullmatch(piece) is not None)
