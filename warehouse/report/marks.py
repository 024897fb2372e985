"""Where a finding sits in a text: the strings to highlight, and the text with them marked.

The QA stores a finding's evidence as a sentence for people ("number 2022 extra in fr",
"avoided term 'Etats Membres' for member-states"). The value to mark is the ``found``
column (the value as this language writes it) when the QA stored one; otherwise it is
taken from the evidence: quoted terms, the number of a number finding, the glued old and
new text of revision residue, the quoted passage after the colon.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from markupsafe import Markup, escape

_QUOTED: Final = re.compile(r"""(?:^|[\s(])(['"])(.+?)\1(?=$|[\s,;:)])""")
_NUMBER: Final = re.compile(r"^number (\S+) ")
_PASSAGE: Final = re.compile(r": (.+)$")
#: Residue evidence: "glued years: 2018 then Bucarest, 2022: …" (old and new text glued).
_GLUED: Final = re.compile(r"^glued [^:]+: (.+?) then (.+?): ")
#: Shortest passage worth marking: shorter ones match by chance.
_MIN_PASSAGE: Final = 3


def needles(check: str, evidence: str, values: Sequence[str] = ()) -> tuple[str, ...]:
    """The strings of a finding to highlight in its text, longest first.

    Args:
        check: the check's name (``numbers``, ``terminology``, …).
        evidence: the finding's evidence sentence.
        values: the values as the text has them, when the QA stored them.
    """
    found: list[str] = [v for v in values if v.strip()]
    if not found:
        found += [m[2] for m in _QUOTED.finditer(evidence)]
        glued = _GLUED.match(evidence)
        if check == "residue" and glued:
            found.append(glued[1] + glued[2])
        number = _NUMBER.match(evidence)
        if check == "numbers" and number:
            found.append(number[1])
        passage = _PASSAGE.search(evidence)
        if not found and passage and check in ("residue", "typography", "stale"):
            found.append(passage[1].strip("…").strip())
    unique = {n for n in found if len(n.strip()) >= 1}
    return tuple(sorted(unique, key=lambda n: (-len(n), n)))


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text the page marks, and the findings that mark it."""

    start: int
    end: int
    findings: tuple[int, ...]
    severity: str


def find_spans(text: str, marks: Sequence[tuple[int, str, Sequence[str]]]) -> list[Span]:
    """Place each finding's needles in ``text``; overlaps keep the first placed.

    Args:
        text: the cell's text.
        marks: ``(finding number, severity, needles)`` in the order to place them.
    """
    taken: list[Span] = []
    for number, severity, strings in marks:
        for needle in strings:
            if len(needle) < _MIN_PASSAGE and not needle.isdigit() and needle.isascii():
                continue
            for match in re.finditer(_boundary(needle), text):
                start, end = match.span()
                clash = next((s for s in taken if s.start < end and start < s.end), None)
                if clash is None:
                    taken.append(Span(start, end, (number,), severity))
                elif (clash.start, clash.end) == (start, end) and number not in clash.findings:
                    taken[taken.index(clash)] = Span(
                        start, end, (*clash.findings, number), clash.severity
                    )
    return sorted(taken, key=lambda s: s.start)


def _boundary(needle: str) -> str:
    """A pattern for ``needle`` that does not match inside a longer number or word.

    Word edges are required for alphabets that separate words with spaces and have no
    clitics written onto the word (Latin, Cyrillic); Arabic prefixes (و، ال، ل) and
    Chinese, written without spaces, take the needle wherever it stands.
    """
    pattern = r"\s+".join(re.escape(part) for part in needle.split())
    first, last = needle[:1], needle[-1:]
    if first.isdigit():
        pattern = r"(?<!\d)(?<!\d[.,])" + pattern
    elif _spaced(first):
        pattern = r"(?<!\w)" + pattern
    if last.isdigit():
        pattern += r"(?!\d)"
    elif _spaced(last):
        pattern += r"(?!\w)"
    return pattern


def _spaced(char: str) -> bool:
    """A letter of Latin or Cyrillic script (the scripts whose words stand apart)."""
    return char.isalpha() and ord(char) < 0x0530


def marked_html(text: str, spans: Sequence[Span]) -> Markup:
    """``text`` escaped for HTML, each span wrapped in a ``<mark>`` naming its findings."""
    out: list[str] = []
    at = 0
    for span in spans:
        out.append(str(escape(text[at : span.start])))
        ids = " ".join(f"f{n}" for n in span.findings)
        out.append(
            f'<mark class="qa {span.severity}" data-f="{ids}">'
            f"{escape(text[span.start : span.end])}</mark>"
        )
        at = span.end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))
