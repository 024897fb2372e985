"""Alternations of many words, each position trying only the words of its first letter.

Python's engine tries every branch of an alternation at every position, and for words
matched without case it cannot skip the positions where no word starts. Grouping the
branches under their first letter (``(?=п)(?:пять|пятый)|(?=д)(?:два|…)``) and testing
the letter first makes a position try the few words that can start there: the number
words of the UN dev set's Russian lines were read 4.7 times faster, with the same matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def by_first_letter(words: Iterable[tuple[str, str]]) -> str:
    """A pattern matching what the alternation of ``words`` matches, tried by first letter.

    ``words`` are (word, pattern) pairs, the pattern written for that word. Within a
    letter they keep their order, so the first that matches wins as in the plain
    alternation; words of another letter could not match at that position anyway.
    Letters are grouped without case: compile with ``re.IGNORECASE`` unless every word
    starts with a letter of one case.
    """
    groups: dict[str, list[str]] = {}
    for word, pattern in words:
        groups.setdefault(word[0].casefold(), []).append(pattern)
    return "|".join(f"(?={re.escape(c)})(?:{'|'.join(p)})" for c, p in groups.items())


def first_letters(words: Iterable[str]) -> str:
    """A character class of the first letters of ``words``, to test before anything else."""
    return "[" + "".join(sorted({re.escape(w[0].casefold()) for w in words})) + "]"
