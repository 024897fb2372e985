"""From parsed blocks to the segment hierarchy section > clause > paragraph > sentence.

The hierarchy is what alignment walks: sections and clauses carry
language-neutral keys (``recalling.f``, ``article.3``) so that the six
language versions of one clause find each other by key, and only paragraphs
and sentences inside a clause need a sentence aligner.

Rules (``segment_document``):

* one SECTION per run of consecutive blocks with the same ``section`` key;
  its text is its opening HEADING block, or else its first block;
* one CLAUSE per CLAUSE block, keyed ``{section}.{label_key}``; a sub-item
  (``parent_label_key`` set) nests under its parent clause and extends its
  key (``{section}.{parent chain}.{label_key}``); a block that carries its own
  full ``key`` (ITU Word files number clauses document-wide: ``7.1``) keeps it,
  and a blank one with clauses under it (a table, a row) spans them;
* PARAGRAPH blocks with a ``parent_label_key`` are that clause's paragraphs
  and its text becomes their span; other PARAGRAPH, TITLE and non-opening
  HEADING blocks are paragraphs of their section; a clause without paragraph
  blocks gets one paragraph holding its own text, so that every clause has
  at least one;
* FOOTNOTE blocks are paragraphs of the clause they anchor in (named by
  ``parent_label_key``, else the clause they follow) or of their section;
* every paragraph is split into SENTENCE segments.

Offsets (``start``/``end``) of every segment index ``Document.text``, the text
as proposed, so that ``doc.text[s.start:s.end] == s.text`` for every segment.

Two layers, for documents with tracked changes (``Document.revisions`` set, or
blocks with a ``change``): every segment also gets ``text_before``, its span
rebuilt as it was before the change (:func:`corpus.revision.before_text`), and
``change``. Sentences are cut on the proposed text; a sentence owns what was
deleted from the start of its paragraph (first sentence) or from its own start
up to the start of the next sentence, so a sentence deleted whole inside a
paragraph that survives shows in the before text of the sentence after it. A
paragraph deleted whole has empty proposed text: its sentences are its before
text split by the same splitter, each with empty ``text`` and ``start == end``.

Revision residue (``("revision_residue", evidence)`` meta with offsets) goes
down to every paragraph and sentence whose span holds it, so that the
warehouse shows it at each level; compound-label residue stays on its clause.

Ids are built from the structural path, never from a document-wide counter,
so that they are stable across runs: ``{resolution}:{lang}:{key}`` for
sections and clauses, then ``:p{n}`` and ``:s{m}``. A key met twice in one
document (the French revision text has clauses whose compound labels end up
alike) takes a ``~2``, ``~3`` … suffix, in the key and so in the id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from corpus.errors import InputError
from corpus.model import Block, BlockKind, Change, Document, Level, Segment, SegmentedDocument
from corpus.normalize import normalize
from corpus.revision import before_text, change_of, residue_within
from corpus.sentences import split_sentences

Meta = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class _Node:
    """A section, clause or paragraph while the tree is being built."""

    level: Level
    key: str
    start: int
    end: int
    label: str | None = None
    meta: Meta = ()
    children: list[_Node] = field(default_factory=list)
    #: Clauses only: whether PARAGRAPH blocks were attached (their span is the text).
    paragraph_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class _SectionState:
    """Lookups valid inside one section run."""

    node: _Node
    #: The section key as the blocks give it, before any ~n suffix.
    section: str
    #: Clause by its chain of label keys relative to the section ("a", "a.i").
    by_chain: dict[str, _Node] = field(default_factory=dict)
    #: Clause by its own label key, the most recent one winning.
    by_label: dict[str, _Node] = field(default_factory=dict)
    #: Chain of each clause node, by identity.
    chains: dict[int, str] = field(default_factory=dict)
    #: Clause the next unanchored footnote belongs to, if any.
    current_clause: _Node | None = None
    unlabelled: int = 0


class _Keys:
    """Hands out keys unique within one document, suffixing repeats with ~n."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def claim(self, key: str) -> str:
        """Return ``key``, or ``key~n`` with the smallest n >= 2 not yet used."""
        unique, n = key, 1
        while unique in self._seen:
            n += 1
            unique = f"{key}~{n}"
        self._seen.add(unique)
        return unique


def _check_blocks(doc: Document) -> list[Block]:
    """Return the blocks that hold text, after checking their offsets.

    Raises:
        InputError: no blocks, or a block whose text is not its span of
            ``doc.text`` (segment text must be an exact slice).

    """
    if not doc.blocks:
        raise InputError("no blocks to segment", path=doc.source.path, lang=doc.lang)
    kept = []
    for i, block in enumerate(doc.blocks):
        if not 0 <= block.start <= block.end <= len(doc.text) or (
            doc.text[block.start : block.end] != block.text
        ):
            raise InputError(
                f"{block.kind} block text does not match its offsets {block.start}:{block.end}",
                path=doc.source.path,
                lang=doc.lang,
                position=f"block {i}",
            )
        # Blank clauses may still gather paragraphs, and a blank opening
        # heading still names its section; a block deleted whole lives on in
        # the before layer; other blank blocks hold nothing.
        if (
            block.text.strip()
            or block.kind in (BlockKind.CLAUSE, BlockKind.HEADING)
            or block.change is Change.DELETED
        ):
            kept.append(block)
    return kept


def _runs(blocks: Iterable[Block]) -> Iterator[list[Block]]:
    """Group consecutive blocks with the same section key."""
    run: list[Block] = []
    for block in blocks:
        if run and block.section != run[0].section:
            yield run
            run = []
        run.append(block)
    if run:
        yield run


def _find_parent(state: _SectionState, parent_label_key: str) -> _Node | None:
    """Find a clause by its own label key (the most recent one), else by chain ("p.i").

    The most recent clause wins: a sub-item "i" refers to the "i" just above
    it, not to an earlier top-level "i)" of the same section.
    """
    return state.by_label.get(parent_label_key) or state.by_chain.get(parent_label_key)


def _add_clause(state: _SectionState, block: Block, keys: _Keys) -> None:
    """Create a clause node under its parent clause, or under the section."""
    section = state.node
    parent = _find_parent(state, block.parent_label_key) if block.parent_label_key else None
    if block.key is not None:
        # Numbered document-wide by the source: the key is the clause's own.
        _place(state, parent or section, block, keys.claim(block.key), block.key)
        return
    if block.label_key is None:
        state.unlabelled += 1
        own = f"#{state.unlabelled}"
    else:
        own = block.label_key
    if parent is not None:
        chain = f"{state.chains[id(parent)]}.{own}"
        container = parent
    else:
        # An unknown parent still shows in the key, so that the clause cannot
        # be mistaken for a top-level one of the same label.
        chain = f"{block.parent_label_key}.{own}" if block.parent_label_key else own
        container = section
    node = _Node(
        Level.CLAUSE,
        keys.claim(f"{state.section}.{chain}"),
        block.start,
        block.end,
        block.label,
        block.meta,
    )
    container.children.append(node)
    state.chains[id(node)] = chain
    state.by_chain[chain] = node
    state.by_label[own] = node
    state.current_clause = node


def _place(state: _SectionState, container: _Node, block: Block, key: str, own: str) -> None:
    """Add a clause whose full key the source gave, findable by that key."""
    node = _Node(Level.CLAUSE, key, block.start, block.end, block.label, block.meta)
    container.children.append(node)
    state.chains[id(node)] = own
    state.by_chain[own] = node
    state.by_label[own] = node
    state.current_clause = node


def _footnote_meta(block: Block) -> Meta:
    """Keep the block's meta and add ("footnote", anchor) unless it is there."""
    if any(k == "footnote" for k, _ in block.meta):
        return block.meta
    given = dict(block.meta)
    anchor = given.get("anchor") or block.label_key or block.label or ""
    return (*block.meta, ("footnote", anchor))


def _build_section(run: list[Block], keys: _Keys) -> _Node:
    """Build the tree of one section run."""
    first = run[0]
    section = _Node(Level.SECTION, keys.claim(first.section), first.start, first.end)
    if first.kind is BlockKind.HEADING:
        section.meta = first.meta
        run = run[1:]
    state = _SectionState(section, first.section)
    for block in run:
        if block.kind is BlockKind.CLAUSE:
            _add_clause(state, block, keys)
            continue
        if block.kind is BlockKind.FOOTNOTE:
            anchor = block.parent_label_key
            anchored = _find_parent(state, anchor) if anchor else None
            container = anchored or state.current_clause or section
            container.children.append(
                _Node(
                    Level.PARAGRAPH,
                    container.key,
                    block.start,
                    block.end,
                    block.label,
                    _footnote_meta(block),
                )
            )
            continue
        if block.kind is BlockKind.HEADING and not block.text.strip():
            continue
        # PARAGRAPH, TITLE and a HEADING inside the section.
        clause = _find_parent(state, block.parent_label_key) if block.parent_label_key else None
        container = clause or section
        node = _Node(Level.PARAGRAPH, container.key, block.start, block.end, block.label)
        node.meta = block.meta
        container.children.append(node)
        if clause is not None:
            clause.paragraph_spans.append((block.start, block.end))
        else:
            state.current_clause = None
    return section


def _finish_clauses(doc: Document, node: _Node) -> None:
    """Give each clause its text span and, if it has no paragraph blocks, one paragraph.

    Raises:
        InputError: a clause has neither text nor paragraphs.

    """
    for child in node.children:
        if child.level is not Level.CLAUSE:
            continue
        if child.paragraph_spans:
            child.start = child.paragraph_spans[0][0]
            child.end = child.paragraph_spans[-1][1]
        elif not doc.text[child.start : child.end].strip() and _container(child):
            # A table or a row: no text of its own, the span of the clauses under it.
            _finish_clauses(doc, child)
            child.start = child.children[0].start
            child.end = child.children[-1].end
            continue
        elif doc.text[child.start : child.end].strip() or _before(doc, child.start, child.end):
            own = _Node(Level.PARAGRAPH, child.key, child.start, child.end)
            own.meta = residue_within(child.meta, child.start, child.end)
            child.children.insert(0, own)
        else:
            raise InputError(
                f"clause {child.key!r} has neither text nor paragraphs",
                path=doc.source.path,
                lang=doc.lang,
                position=f"{child.start}",
            )
        _finish_clauses(doc, child)


def _container(node: _Node) -> bool:
    """Tell whether a clause holds only clauses (a table, a row), no text of its own."""
    return bool(node.children) and all(c.level is Level.CLAUSE for c in node.children)


def _layered(doc: Document) -> bool:
    """Tell whether the document has two layers (a source with tracked changes)."""
    return bool(doc.revisions) or any(b.change is not None for b in doc.blocks)


def _before(doc: Document, start: int, end: int, *, closed: bool = True) -> str:
    """The before layer of ``doc.text[start:end]``, stripped ("" without revisions)."""
    if not doc.revisions:
        return ""
    return before_text(doc.text, doc.revisions, start, end, closed=closed).strip()


def _layers(
    doc: Document, text: str, start: int, end: int, *, closed: bool = True
) -> tuple[str | None, Change | None]:
    """``(text_before, change)`` of one span, or ``(None, None)`` for one-layer documents."""
    if not _layered(doc):
        return None, None
    before = (
        before_text(doc.text, doc.revisions, start, end, closed=closed).strip()
        if doc.revisions
        else text
    )
    return before, change_of(text, before)


def _sentences(doc: Document, node: _Node, node_id: str, norm: str) -> Iterator[Segment]:
    """Yield the sentences of one paragraph node, with both layers where there are two.

    ``norm`` is the paragraph's matching form: a sentence that is the whole paragraph
    (most are) has the same one.
    """
    text = doc.text[node.start : node.end]
    spans = split_sentences(text, doc.lang)
    layered = _layered(doc)
    if not spans and layered:
        # Deleted whole: the before text, split the same way, at the paragraph's place.
        before = _before(doc, node.start, node.end)
        for m, (start, end) in enumerate(split_sentences(before, doc.lang), start=1):
            yield Segment(
                id=f"{node_id}:s{m}",
                resolution=doc.resolution,
                lang=doc.lang,
                level=Level.SENTENCE,
                key=node.key,
                position=0,
                text="",
                norm="",
                start=node.start,
                end=node.start,
                parent_id=node_id,
                text_before=before[start:end],
                change=Change.DELETED,
            )
        return
    for m, (start, end) in enumerate(spans, start=1):
        sentence = doc.text[node.start + start : node.start + end]
        text_before: str | None = None
        change: Change | None = None
        if layered:
            own_start = node.start if m == 1 else node.start + start
            last = m == len(spans)
            own_end = node.end if last else node.start + spans[m][0]
            text_before, change = _layers(doc, sentence, own_start, own_end, closed=last)
        yield Segment(
            id=f"{node_id}:s{m}",
            resolution=doc.resolution,
            lang=doc.lang,
            level=Level.SENTENCE,
            key=node.key,
            position=0,
            text=sentence,
            norm=norm if sentence == text else normalize(sentence, doc.lang),
            start=node.start + start,
            end=node.start + end,
            parent_id=node_id,
            meta=residue_within(node.meta, node.start + start, node.start + end),
            text_before=text_before,
            change=change,
        )


def _emit(doc: Document, node: _Node, node_id: str, parent_id: str | None) -> Iterator[Segment]:
    """Yield ``node`` and its descendants as segments, depth first (document order)."""
    text = doc.text[node.start : node.end]
    text_before, change = _layers(doc, text, node.start, node.end)
    norm = normalize(text, doc.lang)
    yield Segment(
        id=node_id,
        resolution=doc.resolution,
        lang=doc.lang,
        level=node.level,
        key=node.key,
        position=0,  # set once the whole document is laid out
        text=text,
        norm=norm,
        start=node.start,
        end=node.end,
        parent_id=parent_id,
        label=node.label,
        meta=node.meta,
        text_before=text_before,
        change=change,
    )
    if node.level is Level.PARAGRAPH:
        yield from _sentences(doc, node, node_id, norm)
        return
    paragraphs = 0
    for child in node.children:
        if child.level is Level.PARAGRAPH:
            paragraphs += 1
            child_id = f"{node_id}:p{paragraphs}"
        else:
            child_id = f"{doc.resolution}:{doc.lang}:{child.key}"
        yield from _emit(doc, child, child_id, node_id)


def segment_document(doc: Document) -> SegmentedDocument:
    """Build the segment hierarchy of one document (rules in the module docstring).

    Args:
        doc: A parsed document; its blocks are in document order.

    Returns:
        The document with its segments, parents before children, numbered
        by ``position`` in that order.

    Raises:
        InputError: the document has no blocks, a block's text is not the
            slice of ``doc.text`` its offsets say, or a clause has no text at all.

    """
    keys = _Keys()
    segments: list[Segment] = []
    for run in _runs(_check_blocks(doc)):
        section = _build_section(run, keys)
        _finish_clauses(doc, section)
        section_id = f"{doc.resolution}:{doc.lang}:{section.key}"
        segments.extend(_emit(doc, section, section_id, None))
    numbered = tuple(replace(s, position=i) for i, s in enumerate(segments))
    return SegmentedDocument(document=doc, segments=numbered)


def children_index(segments: Iterable[Segment]) -> dict[str | None, list[Segment]]:
    """Map each parent id (None for sections) to its children in document order.

    ``SegmentedDocument.children`` scans all segments per call; walking a
    whole tree with this index is linear instead.
    """
    index: dict[str | None, list[Segment]] = {}
    for segment in segments:
        index.setdefault(segment.parent_id, []).append(segment)
    return index
