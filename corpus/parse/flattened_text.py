"""Parser for Word texts flattened to plain text (one clause per line, tab after label).

These are ITU proposals with tracked changes flattened: deleted and inserted text sit
side by side, labels are compounds of old and new (see :mod:`corpus.labels`), and
Word's ``[bookmark: …]``, ``[footnoteRef:N]`` and ``[N: …]`` markers are inline.
``Document.text`` is the file with those markers removed (footnote bodies stay, without
their brackets); every block is an exact slice of it.

Revision residue besides compound labels (glued years, glued numbers, glued words; see
:mod:`corpus.revision`) is recorded on the block it falls in as
``("revision_residue", evidence)`` entries; the text itself is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

from corpus.errors import InputError
from corpus.lexicon import section_key
from corpus.model import Block, BlockKind, Document, SourceFile
from corpus.parse._common import ClauseTracker, TextBuilder, decode_utf8
from corpus.revision import find_residue

_MARKER: Final[re.Pattern[str]] = re.compile(
    r"\[bookmark: (?P<bookmark>[^\]]*)\]"
    r"|\[footnoteRef:(?P<ref>\d+)\](?P=ref)?"
    r"|\[(?P<body>\d+): "
)
_PROPOSAL: Final[re.Pattern[str]] = re.compile(r"^(?P<action>MOD|ADD|SUP|NOC)\s+(?P<ref>\S+)$")
_RESOLUTION_NUMBER: Final[re.Pattern[str]] = re.compile(
    r"^(?:RÉSOLUTION|RESOLUTION|RESOLUCIÓN|РЕЗОЛЮЦИЯ|القرار|第\s*\d+\s*号决议)", re.IGNORECASE
)
_SEPARATOR: Final[re.Pattern[str]] = re.compile(r"^_{3,}$")
_FOOTNOTE_LABEL: Final[re.Pattern[str]] = re.compile(r"^(\d+)\s+")


@dataclass
class _Markers:
    """Marker positions, as offsets in the cleaned text."""

    bookmarks: list[tuple[int, str]] = field(default_factory=list)
    refs: list[tuple[int, str]] = field(default_factory=list)
    bodies: list[tuple[int, int, str]] = field(default_factory=list)


def _strip_markers(raw: str, source: SourceFile) -> tuple[str, _Markers]:
    """Remove Word markers, remembering where each was in the cleaned text."""
    out: list[str] = []
    found = _Markers()
    pos = 0  # in raw
    length = 0  # of cleaned text so far
    for match in _MARKER.finditer(raw):
        if match.start() < pos:  # inside a footnote body already copied
            continue
        out.append(raw[pos : match.start()])
        length += match.start() - pos
        pos = match.end()
        if match["bookmark"] is not None:
            found.bookmarks.append((length, match["bookmark"]))
        elif match["ref"] is not None:
            found.refs.append((length, match["ref"]))
        else:
            close = raw.find("]", pos)
            if close < 0:
                line = raw.count("\n", 0, match.start()) + 1
                raise InputError(
                    f"footnote {match['body']} is not closed by ']'",
                    path=source.path,
                    position=f"line {line}",
                )
            body = raw[pos:close]
            found.bodies.append((length, length + len(body), match["body"]))
            out.append(body)
            length += len(body)
            pos = close + 1
    out.append(raw[pos:])
    return "".join(out), found


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``, trimmed of edge whitespace."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def parse_flattened_text(source: SourceFile, data: bytes) -> Document:
    """Parse a flattened Word text into titles, headings, clauses and footnotes.

    Raises:
        InputError: undecodable or empty bytes, or an unclosed footnote body.
    """
    raw = decode_utf8(data, source)
    text, markers = _strip_markers(raw, source)
    out = TextBuilder(parts=[text], pos=len(text))
    spans = _lines(text)
    lang = source.lang

    if spans and _PROPOSAL.match(text[spans[0][0] : spans[0][1]]):
        marker = " ".join(text[spans[0][0] : spans[0][1]].split())
        out.warnings.append(f"line 1: proposal marker {marker!r} is not resolution text")
        spans = spans[1:]
    spans = [s for s in spans if not _SEPARATOR.match(text[s[0] : s[1]])]
    body_starts = [start for start, _, _ in markers.bodies]
    first_heading = next(
        (i for i, (a, b) in enumerate(spans) if section_key(text[a:b], lang)), None
    )
    title = ""
    if first_heading is None:
        out.warnings.append("no section headings recognised; every line kept as a plain paragraph")
        for a, b in spans:
            out.add_slice(BlockKind.PARAGRAPH, "body", a, b)
        first_heading = len(spans)
    else:
        title = _front_matter(out, spans[:first_heading])

    tracker: ClauseTracker | None = None
    section = "body"
    for a, b in spans[first_heading:]:
        line = text[a:b]
        key = section_key(line, lang)
        if key is not None:
            if tracker is not None:
                out.warnings.extend(tracker.duplicates)
            section = key
            tracker = ClauseTracker(lang, section)
            out.add_slice(BlockKind.HEADING, section, a, b)
            continue
        tracker = tracker or ClauseTracker(lang, section)
        end = min([b, *(s for s in body_starts if a <= s < b)])
        _clause_line(out, tracker, section, a, end, text)
    if tracker is not None:
        out.warnings.extend(tracker.duplicates)
    for start, end, number in markers.bodies:
        _footnote(out, start, end, number, text)
    blocks = _attach_residue(_attach_markers(out.blocks, markers), text)
    return Document(
        resolution=source.resolution,
        lang=source.lang,
        source=source,
        title=title,
        text=text,
        blocks=tuple(sorted(blocks, key=lambda blk: (blk.start, blk.kind != BlockKind.HEADING))),
        warnings=tuple(out.warnings),
    )


def _front_matter(out: TextBuilder, spans: list[tuple[int, int]]) -> str:
    """Lines before the first heading: resolution number, title lines, enacting formula."""
    text = out.text
    if not spans:
        return ""
    rest = list(spans)
    if _RESOLUTION_NUMBER.match(text[rest[0][0] : rest[0][1]]):
        out.add_slice(BlockKind.TITLE, "title", *rest.pop(0))
    formula = rest.pop() if len(rest) >= 2 or (rest and text[rest[-1][1] - 1] == ",") else None
    title = ""
    if rest:
        block = out.add_slice(BlockKind.TITLE, "title", rest[0][0], rest[-1][1])
        title = " ".join(block.text.split())
    if formula is not None:
        out.add_slice(BlockKind.PARAGRAPH, "formula", *formula)
    return title


def _clause_line(
    out: TextBuilder, tracker: ClauseTracker, section: str, a: int, b: int, text: str
) -> None:
    """One body line: ``label<TAB>text`` is a clause, anything else a paragraph."""
    line = text[a:b]
    label, tab, rest = line.partition("\t")
    if tab and rest.strip():
        try:
            info = tracker.classify(label)
        except ValueError:
            out.warnings.append(f"section {section}: {label!r} is not a clause label")
        else:
            start = a + len(label) + 1
            out.add_slice(
                BlockKind.CLAUSE,
                section,
                start,
                b,
                label=label.strip(),
                label_key=info.label.key,
                parent_label_key=info.parent_key,
                meta=info.meta,
            )
            return
    out.add_slice(BlockKind.PARAGRAPH, section, a, b)


def _footnote(out: TextBuilder, start: int, end: int, number: str, text: str) -> None:
    """A footnote body ``N<TAB>text``: the repeated number becomes its label."""
    body = text[start:end]
    match = _FOOTNOTE_LABEL.match(body)
    offset = match.end() if match else 0
    anchor = next((b for b in out.blocks if b.start <= start <= b.end + 2), None)
    out.add_slice(
        BlockKind.FOOTNOTE,
        anchor.section if anchor else "footnotes",
        start + offset,
        end,
        label=number,
        label_key=f"fn-{number}",
        parent_label_key=anchor.label_key if anchor else None,
        meta=(("anchor", number),),
    )


def _attach_markers(blocks: list[Block], markers: _Markers) -> list[Block]:
    """Record bookmark names and footnote references on the block they fall in."""
    extra: dict[int, list[tuple[str, str]]] = {}
    events = [(p, "bookmark", n) for p, n in markers.bookmarks]
    events += [(p, "footnote", n) for p, n in markers.refs]
    for pos, kind, name in events:
        index = _block_at(blocks, pos)
        if index is not None:
            extra.setdefault(index, []).append((kind, name))
    return [
        replace(b, meta=b.meta + tuple(extra[i])) if i in extra else b for i, b in enumerate(blocks)
    ]


def _block_at(blocks: list[Block], pos: int) -> int | None:
    """The block containing ``pos``, or the first block starting on the same line after it."""
    for i, block in enumerate(blocks):
        if block.kind is not BlockKind.FOOTNOTE and block.start <= pos <= block.end:
            return i
    following = [
        (b.start, i)
        for i, b in enumerate(blocks)
        if b.start >= pos and b.kind is not BlockKind.FOOTNOTE
    ]
    return min(following)[1] if following else None


def _attach_residue(blocks: list[Block], text: str) -> list[Block]:
    """Record each piece of revision residue on the block whose span holds it.

    Residue outside every block (a proposal marker line) is not recorded: it is not
    resolution text.
    """
    extra: dict[int, list[tuple[str, str]]] = {}
    for residue in find_residue(text):
        holders = [
            i for i, b in enumerate(blocks) if b.start <= residue.start and residue.end <= b.end
        ]
        if holders:
            smallest = min(holders, key=lambda i: blocks[i].end - blocks[i].start)
            extra.setdefault(smallest, []).append(residue.as_meta())
    return [
        replace(b, meta=b.meta + tuple(extra[i])) if i in extra else b for i, b in enumerate(blocks)
    ]
