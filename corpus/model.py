"""Typed records shared by every stage: source files, parsed documents, segments.

Raw text is never altered once extracted: every record keeps it verbatim, and
anything normalised for matching lives in a separate field (``Segment.norm``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Literal, TypeGuard

Lang = Literal["ar", "en", "es", "fr", "ru", "zh"]
#: The six official languages of ITU, in the order used for columns everywhere.
LANGS: Final[tuple[Lang, ...]] = ("ar", "en", "es", "fr", "ru", "zh")


def is_lang(code: str) -> TypeGuard[Lang]:
    """Tell whether ``code`` is one of the six official language codes."""
    return code in LANGS


class SourceFormat(StrEnum):
    """Formats a source file can be in; each has one parser in ``corpus.parse``."""

    UDHR_HTML = "udhr-html"
    AKOMA_NTOSO = "akoma-ntoso"
    FLATTENED_TEXT = "flattened-text"
    DOCX = "docx"


class Level(StrEnum):
    """Levels of the segment hierarchy, from coarse to fine."""

    SECTION = "section"
    CLAUSE = "clause"
    PARAGRAPH = "paragraph"
    SENTENCE = "sentence"


class BlockKind(StrEnum):
    """What a parsed block is in the document's structure."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CLAUSE = "clause"
    FOOTNOTE = "footnote"


class Change(StrEnum):
    """What a tracked revision did to a block or segment, comparing its two layers.

    Only sources that carry tracked changes (``.docx``) set it; ``None`` elsewhere
    means "not known", not "unchanged".
    """

    UNCHANGED = "unchanged"
    INSERTED = "inserted"
    DELETED = "deleted"
    MODIFIED = "modified"


@dataclass(frozen=True, slots=True)
class Revision:
    """One tracked change, anchored in ``Document.text`` (the text as proposed).

    An insertion covers ``Document.text[start:end]`` (``text`` repeats it); a
    deletion is not in ``Document.text`` at all, so ``start == end`` is the point
    where it stood and ``text`` is what was deleted. With both kinds, the text
    before the change of any span can be rebuilt (``corpus.revision.before_text``).
    """

    kind: Literal["ins", "del"]
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One raw file of the bundled snapshot or a fetch, with its provenance."""

    resolution: str
    lang: Lang
    format: SourceFormat
    path: str
    sha256: str
    version: str
    provenance: str
    licence: str


@dataclass(frozen=True, slots=True)
class Block:
    """One structural piece of a parsed document, before sentence splitting.

    ``section`` is the language-neutral key of the section the block belongs
    to (``"preamble"``, ``"recalling"``, ``"article.3"`` …). ``label`` is the
    clause label exactly as written (``"gf)"``, ``"2 bis"``), ``label_key``
    its language-neutral form (``"f"``, ``"2-bis"``), ``None`` when unlabelled.
    ``start``/``end`` are character offsets of ``text`` in ``Document.text``.

    Sources with tracked changes give two layers: ``text`` is the text as proposed
    (insertions kept, deletions dropped), ``text_before`` the text before the change
    and ``change`` compares them; both stay ``None`` for sources without revisions.
    A block deleted whole has ``text == ""`` at the point where it stood.

    ``key`` is set by sources that number their clauses document-wide (ITU Word
    files: ``7.1``, ``A.16.2``, ``1.3.a``): the clause's full structural key, used as
    is instead of ``{section}.{label chain}``; ``parent_label_key`` then names the
    parent clause by its full key. A CLAUSE block with empty text and a ``key`` is a
    container (a table, a row): its span is that of the clauses under it.
    """

    kind: BlockKind
    section: str
    text: str
    start: int
    end: int
    label: str | None = None
    label_key: str | None = None
    parent_label_key: str | None = None
    meta: tuple[tuple[str, str], ...] = ()
    text_before: str | None = None
    change: Change | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """One language version of one resolution, as extracted from its source.

    ``text`` is the text as proposed when the source has tracked changes; every
    offset of every block and segment indexes it. ``revisions`` lists the tracked
    changes in document order (empty for sources without them). ``set_aside``
    counts the paragraphs kept out of the text because they are page furniture
    (``("toc", 18)``, ``("cover", 30)``, ``("header_footer", 9)`` …), so a user can see
    what was left out and why.
    """

    resolution: str
    lang: Lang
    source: SourceFile
    title: str
    text: str
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = ()
    revisions: tuple[Revision, ...] = ()
    set_aside: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Segment:
    """A node of the segment hierarchy of one document.

    ``id`` is stable across runs for the same source: it is built from the
    resolution, the language and the structural path, never from a counter
    over the whole document. ``key`` is the language-neutral structural key of
    the nearest keyed ancestor (section or clause), so that segments of one
    clause share it in all six languages.

    ``start``/``end`` index ``Document.text`` (the proposed layer), so that
    ``document.text[start:end] == text`` always. ``text_before`` and ``change`` are
    the layer before the tracked changes and what changed, set only for sources with
    revisions (see :class:`Block`).
    """

    id: str
    resolution: str
    lang: Lang
    level: Level
    key: str
    position: int
    text: str
    norm: str
    start: int
    end: int
    parent_id: str | None = None
    label: str | None = None
    meta: tuple[tuple[str, str], ...] = field(default=())
    text_before: str | None = None
    change: Change | None = None


@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    """A document with its segments in document order (parents before children)."""

    document: Document
    segments: tuple[Segment, ...]

    def at_level(self, level: Level) -> list[Segment]:
        """Return the segments of one level in document order."""
        return [s for s in self.segments if s.level is level]

    def children(self, parent_id: str) -> list[Segment]:
        """Return the direct children of one segment in document order."""
        return [s for s in self.segments if s.parent_id == parent_id]
