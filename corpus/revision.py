"""Revisions: residue of tracked changes in flattened text, and the two layers of a span.

Flattening a Word proposal with tracked changes keeps deleted and inserted text side
by side with nothing between them. Besides compound labels (:mod:`corpus.labels`), the
residue shows as a year glued to the next word (``(Rév. Dubaï, 2018Bucarest, 2022)``:
"Dubaï, 2018" deleted, "Bucarest, 2022" inserted), as glued numbers (``68/19876/189``:
UNGA resolution 68/198 replaced by 76/189; ``CMDT-1722``: WTDC-17 replaced by
WTDC-22) and as two words glued at a change of case (``Buenos AiresKigali``).
:func:`find_residue` finds them; the raw text is never rewritten, the findings go to
block and segment metadata as ``("revision_residue", evidence)`` entries.

The evidence string has a fixed shape so that a reader (and the segmenter) can use it::

    glued year at 812-837: "Dubaï, 2018Bucarest, 2022" = old "Dubaï, 2018" -> new "Bucarest, 2022"

The offsets index ``Document.text``; :func:`residue_span` reads them back.

For sources with real tracked changes (``.docx``), ``Document.revisions`` anchors every
insertion and deletion in the proposed text, and :func:`before_text` rebuilds the text
before the change of any span of it; :func:`change_of` names what changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from corpus.model import Change, Revision

ResidueKind = Literal["glued year", "glued number", "glued words"]

_COMMA: Final[str] = ",،，"
# An old year glued to the new "place, year": 2018Bucarest, 2022 / 2017Kigali, 2022.
_GLUED_YEAR: Final[re.Pattern[str]] = re.compile(
    r"(?<!\d)(?P<old_year>(?:19|20)\d{2})"
    rf"(?P<new_place>[^\W\d_]{{2}}[^\d{_COMMA}()\[\];:]{{0,40}}?)[{_COMMA}]\s*"
    r"(?P<new_year>(?:19|20)\d{2})(?!\d)"
)
# The old place before the old year: the words after "(", "Rév." or a clause mark.
_OLD_PLACE: Final[re.Pattern[str]] = re.compile(
    rf"(?P<place>[^\W\d_][^\d{_COMMA}()\[\].;:]*?)\s*[{_COMMA}]\s*$"
)
# UNGA resolution numbers glued: 68/198 + 76/189 -> 68/19876/189 (sessions are 2 digits).
_GLUED_UN: Final[re.Pattern[str]] = re.compile(
    r"(?<![\d/])(?P<s1>\d{2})/(?P<n1>\d{1,3})(?P<s2>\d{2})/(?P<n2>\d{1,3})(?![\d/])"
)
# Conference acronyms with two-digit years glued: CMDT-17 + CMDT-22 -> CMDT-1722.
_GLUED_CONF: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w-])(?P<conf>[A-ZА-Я]{2,6})-(?P<y1>\d{2})(?P<y2>\d{2})(?![\d])"
)
# Two words glued at a change of case: "Buenos AiresKigali" (Latin and Cyrillic only:
# other scripts have no case). Two lowercase letters before, so "McDonald" is spared.
_GLUED_WORDS: Final[re.Pattern[str]] = re.compile(
    r"(?P<old>[A-Za-zÀ-ÖØ-öø-ÿА-Яа-яЁё]*[a-zß-öø-ÿа-яё]{2})(?P<new>[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zß-öø-ÿа-яё]+)"
)
_EVIDENCE_SPAN: Final[re.Pattern[str]] = re.compile(r"^[a-z ]+ at (\d+)-(\d+): ")


@dataclass(frozen=True, slots=True)
class Residue:
    """One piece of revision residue: where it is, as written, and the readings inferred.

    ``old``/``new`` are the reading before and after the change, ``None`` when they
    cannot be told from the text alone.
    """

    kind: ResidueKind
    start: int
    end: int
    raw: str
    old: str | None
    new: str | None

    @property
    def evidence(self) -> str:
        """The metadata value: kind, offsets, the raw text and the readings."""
        readings = f' = old "{self.old}" -> new "{self.new}"' if self.old and self.new else ""
        return f'{self.kind} at {self.start}-{self.end}: "{self.raw}"{readings}'

    def as_meta(self) -> tuple[str, str]:
        """The ``("revision_residue", evidence)`` entry for block and segment meta."""
        return ("revision_residue", self.evidence)


def find_residue(text: str, start: int = 0, end: int | None = None) -> list[Residue]:
    """Find revision residue in ``text[start:end]``, offsets into ``text``, in order.

    Why glued years need the new year too: a year followed by a letter alone is
    ordinary in many scripts ("2018年", "2018г."); the signature of a flattened change
    is a year glued to a whole new "place, year".
    """
    stop = len(text) if end is None else end
    found: list[Residue] = []
    for match in _GLUED_YEAR.finditer(text, start, stop):
        if int(match["new_year"]) < int(match["old_year"]):
            continue
        # The readings are slices of the text, so their commas stay as written.
        new = text[match.start("new_place") : match.end()]
        before = _OLD_PLACE.search(text, max(start, match.start() - 60), match.start())
        begin = before.start("place") if before is not None else match.start()
        old = text[begin : match.end("old_year")]
        found.append(Residue("glued year", begin, match.end(), text[begin : match.end()], old, new))
    for match in _GLUED_UN.finditer(text, start, stop):
        if int(match["s2"]) <= int(match["s1"]):
            continue
        old, new = f"{match['s1']}/{match['n1']}", f"{match['s2']}/{match['n2']}"
        found.append(Residue("glued number", match.start(), match.end(), match[0], old, new))
    for match in _GLUED_CONF.finditer(text, start, stop):
        if match["y1"] in ("19", "20") or int(match["y2"]) <= int(match["y1"]):
            continue  # CMR-2023 is a year written in full, not two glued
        old, new = f"{match['conf']}-{match['y1']}", f"{match['conf']}-{match['y2']}"
        found.append(Residue("glued number", match.start(), match.end(), match[0], old, new))
    for match in _GLUED_WORDS.finditer(text, start, stop):
        words = (match["old"], match["new"])
        found.append(Residue("glued words", match.start(), match.end(), match[0], *words))
    return sorted(found, key=lambda r: (r.start, r.end))


def residue_span(evidence: str) -> tuple[int, int] | None:
    """Read the offsets back from an evidence string (``None`` for compound labels)."""
    match = _EVIDENCE_SPAN.match(evidence)
    return (int(match[1]), int(match[2])) if match else None


def residue_within(
    meta: Iterable[tuple[str, str]], start: int, end: int
) -> tuple[tuple[str, str], ...]:
    """The ``revision_residue`` entries of ``meta`` whose offsets fall in ``[start, end)``."""
    kept = []
    for key, value in meta:
        if key != "revision_residue":
            continue
        span = residue_span(value)
        if span is not None and start <= span[0] and span[1] <= end:
            kept.append((key, value))
    return tuple(kept)


# --- two layers ------------------------------------------------------------------------


def before_text(
    text: str, revisions: Sequence[Revision], start: int, end: int, *, closed: bool = True
) -> str:
    """Rebuild the text before the change of ``text[start:end]`` (the proposed layer).

    Inserted stretches are dropped and deleted text is put back where it stood. A
    deletion exactly at ``end`` belongs to the span when ``closed`` (a paragraph owns
    what was deleted at its end), to the next span otherwise (a sentence does not own
    a deletion at the start of the next one).
    """
    pieces: list[str] = []
    pos = start
    # Deletions first at one point: Word writes "<del>old</del><ins>new</ins>".
    for rev in sorted(revisions, key=lambda r: (r.start, r.kind == "ins")):
        if rev.kind == "del":
            if start <= rev.start < end or (closed and rev.start == end):
                pieces.append(text[pos : max(pos, rev.start)])
                pieces.append(rev.text)
                pos = max(pos, rev.start)
        else:
            cut_start, cut_end = max(rev.start, start, pos), min(rev.end, end)
            if cut_start < cut_end:
                pieces.append(text[pos:cut_start])
                pos = cut_end
    pieces.append(text[pos:end])
    return "".join(pieces)


def change_of(proposed: str, before: str) -> Change:
    """Name what changed between the two layers of one block or segment."""
    if proposed == before:
        return Change.UNCHANGED
    if not proposed.strip():
        return Change.DELETED
    if not before.strip():
        return Change.INSERTED
    return Change.MODIFIED
