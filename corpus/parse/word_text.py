"""Reading WordprocessingML text: runs, tracked changes, fields, footnotes, blocks.

Shared by the Word parsers (:mod:`corpus.parse.docx` for files read as plain text,
:mod:`corpus.parse.itu_word` for files read by their ITU styles). A paragraph is read
into two layers, the text as proposed and the text before the tracked changes, with
what is not text (bookmarks, field instructions, footnote references, moves) kept as
metadata; :class:`Builder` lays paragraphs out into ``Document.text`` and blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final

import lxml.etree as etree

from corpus.model import Block, BlockKind, Document, Revision, SourceFile
from corpus.parse._common import ClauseTracker, TextBuilder
from corpus.parse.word_styles import qn
from corpus.revision import before_text, change_of

#: Elements whose content is never paragraph text.
_SKIP: Final[frozenset[str]] = frozenset(
    {"rPr", "pPr", "footnoteRef", "endnoteRef", "txbxContent", "AlternateContent", "drawing"}
)


#: Fields whose result is a page number.
_PAGE_FIELDS: Final[frozenset[str]] = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES"})


@dataclass
class Para:
    """One paragraph read into pieces: ``(op, text)`` with op keep, ins or del."""

    pieces: list[tuple[str, str]] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)
    #: Footnote ids referred to, with the offset in the proposed text.
    refs: list[tuple[int, str]] = field(default_factory=list)
    mark: str = "keep"  # the paragraph mark itself inserted or deleted

    @property
    def proposed(self) -> str:
        """The text as proposed: insertions kept, deletions dropped."""
        return "".join(t for op, t in self.pieces if op != "del")

    @property
    def before(self) -> str:
        """The text before the tracked changes."""
        return "".join(t for op, t in self.pieces if op != "ins")


class RunReader:
    """Reads the runs of one paragraph, following revisions and complex fields."""

    def __init__(self) -> None:
        self.para = Para()
        self.fields: list[list[str]] = []  # instruction text of each open field
        self.in_instr: list[bool] = []

    def read(self, p: etree._Element) -> Para:
        """Read one ``w:p`` into its pieces and metadata."""
        mark = p.find(f"{qn('pPr')}/{qn('rPr')}")
        if mark is not None:
            if mark.find(qn("ins")) is not None:
                self.para.mark = "ins"
            elif mark.find(qn("del")) is not None:
                self.para.mark = "del"
        self._walk(p, "keep")
        if self.para.mark != "keep":
            # A paragraph mark tracked alone joins or splits paragraphs; the layers
            # are kept per paragraph as written, and the fact is recorded.
            self.para.meta.append(
                ("paragraph_mark", "inserted" if self.para.mark == "ins" else "deleted")
            )
        return self.para

    def _text(self, op: str, text: str) -> None:
        if op == "gone" or any(self.in_instr) or not text:
            return
        pieces = self.para.pieces
        if pieces and pieces[-1][0] == op:
            pieces[-1] = (op, pieces[-1][1] + text)
        else:
            pieces.append((op, text))

    def _offset(self) -> int:
        return len(self.para.proposed)

    def _walk(self, element: etree._Element, op: str) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments, processing instructions
            name = etree.QName(child).localname
            if name in _SKIP:
                continue
            if name in ("ins", "moveTo"):
                if name == "moveTo":
                    self.para.meta.append(("moved", "to"))
                self._walk(child, "gone" if op in ("del", "gone") else "ins")
            elif name in ("del", "moveFrom"):
                if name == "moveFrom":
                    self.para.meta.append(("moved", "from"))
                self._walk(child, "gone" if op in ("ins", "gone") else "del")
            elif name in ("t", "delText"):
                self._text("del" if name == "delText" and op == "keep" else op, child.text or "")
            elif name == "tab":
                self._text(op, "\t")
            elif name in ("br", "cr"):
                if child.get(qn("type")) in (None, "textWrapping"):
                    self._text(op, "\n")
            elif name == "noBreakHyphen":
                self._text(op, "\u2011")
            elif name in ("footnoteReference", "endnoteReference"):
                if op != "del" and name == "footnoteReference":
                    self.para.refs.append((self._offset(), child.get(qn("id"), "")))
                elif name == "endnoteReference":
                    self.para.meta.append(("endnote", child.get(qn("id"), "")))
            elif name == "bookmarkStart":
                bookmark = child.get(qn("name"), "")
                if bookmark and bookmark != "_GoBack":
                    self.para.meta.append(("bookmark", bookmark))
            elif name == "fldSimple":
                self.para.meta.append(("field", " ".join(child.get(qn("instr"), "").split())))
                self._walk(child, op)
            elif name == "fldChar":
                self._field_char(child.get(qn("fldCharType"), ""))
            elif name in ("instrText", "delInstrText"):
                if self.fields:
                    self.fields[-1].append(child.text or "")
            else:  # r, hyperlink, smartTag, sdt, sdtContent, customXml, unknown wrappers
                self._walk(child, op)

    def _field_char(self, kind: str) -> None:
        """Complex fields: instruction between begin and separate, result until end.

        The result of a page-number field (``PAGE``, ``NUMPAGES``) is page furniture,
        not text: it is dropped, the instruction kept in the meta as for any field.
        """
        if kind == "begin":
            self.fields.append([])
            self.in_instr.append(True)
        elif kind == "separate" and self.in_instr:
            words = "".join(self.fields[-1]).split()[:1] if self.fields else []
            self.in_instr[-1] = bool(words) and words[0].upper() in _PAGE_FIELDS
        elif kind == "end" and self.fields:
            instr = " ".join("".join(self.fields.pop()).split())
            self.in_instr.pop()
            if instr:
                self.para.meta.append(("field", instr))


def paragraphs(container: etree._Element) -> list[etree._Element]:
    """Top-level paragraphs in document order (tables and content controls included)."""
    out = []
    for p in container.iter(qn("p")):
        ancestor = p.getparent()
        nested = False
        while ancestor is not None and ancestor is not container:
            if ancestor.tag in (qn("p"), qn("txbxContent")):
                nested = True
                break
            ancestor = ancestor.getparent()
        if not nested:
            out.append(p)
    return out


def footnote_bodies(root: etree._Element | None) -> dict[str, list[Para]]:
    """Footnote id -> its paragraphs; separators (types other than normal) left out."""
    if root is None:
        return {}
    bodies: dict[str, list[Para]] = {}
    for note in root.iter(qn("footnote")):
        if note.get(qn("type"), "normal") != "normal":
            continue
        bodies[note.get(qn("id"), "")] = [RunReader().read(p) for p in paragraphs(note)]
    return bodies


@dataclass
class Builder:
    """Document text, revisions and blocks while the paragraphs are laid out."""

    source: SourceFile
    out: TextBuilder = field(default_factory=TextBuilder)
    revisions: list[Revision] = field(default_factory=list)
    #: Footnote id -> its number, in order of first reference.
    footnote_numbers: dict[str, str] = field(default_factory=dict)

    def unit(self, para: Para) -> tuple[int, str, str]:
        """Append the proposed text of ``para`` as one line; record its revisions."""
        base = self.out.pos
        pos = base
        for op, text in para.pieces:
            if op == "ins":
                self.revisions.append(Revision("ins", pos, pos + len(text), text))
                pos += len(text)
            elif op == "del":
                self.revisions.append(Revision("del", pos, pos, text))
            else:
                pos += len(text)
        self.out.add_unit(para.proposed)
        return base, para.proposed, para.before

    def snap(self, line_start: int, line_end: int, start: int, end: int) -> None:
        """Move deletions in the blank edges of a block onto its edges, so it owns them."""
        for i, rev in enumerate(self.revisions):
            if rev.kind == "del" and line_start <= rev.start < start:
                self.revisions[i] = replace(rev, start=start, end=start)
            elif rev.kind == "del" and end < rev.start <= line_end:
                self.revisions[i] = replace(rev, start=end, end=end)


def plain_block(build: Builder, para: Para, kind: BlockKind, section: str) -> Block:
    """One paragraph as one block (heading, title, formula or body paragraph)."""
    base, proposed, _ = build.unit(para)
    block = build.out.add_slice(kind, section, base, base + len(proposed), meta=tuple(para.meta))
    build.snap(base, base + len(proposed), block.start, block.end)
    return block


def lay_footnotes(build: Builder, para: Para, notes: dict[str, list[Para]]) -> None:
    """Lay out the footnotes ``para`` refers to, right after it, one block each."""
    if not para.refs:
        return
    anchor = build.out.blocks[-1]
    extra: list[tuple[str, str]] = []
    for _, note_id in para.refs:
        number = build.footnote_numbers.setdefault(note_id, str(len(build.footnote_numbers) + 1))
        extra.append(("footnote", number))
        body = notes.get(note_id)
        if not body:
            build.out.warnings.append(f"footnote {note_id} is referred to but has no text")
            continue
        start = build.out.pos
        for note_para in body:
            build.unit(note_para)
        end = build.out.pos - 1
        block = build.out.add_slice(
            BlockKind.FOOTNOTE,
            anchor.section,
            start,
            end,
            label=number,
            label_key=f"fn-{number}",
            parent_label_key=anchor.label_key,
            meta=(("anchor", number), ("footnote_id", note_id)),
        )
        build.snap(start, end, block.start, block.end)
    index = build.out.blocks.index(anchor)
    build.out.blocks[index] = replace(anchor, meta=anchor.meta + tuple(extra))


def finish_document(build: Builder, title: str) -> Document:
    """Give every block its before layer and change marker, and build the document."""
    text = build.out.text
    revisions = tuple(sorted(build.revisions, key=lambda r: (r.start, r.kind == "ins")))
    blocks = []
    for block in build.out.blocks:
        before = before_text(text, revisions, block.start, block.end).strip()
        blocks.append(replace(block, text_before=before, change=change_of(block.text, before)))
    source = build.source
    return Document(
        resolution=source.resolution,
        lang=source.lang,
        source=source,
        title=title,
        text=text,
        blocks=tuple(blocks),
        warnings=tuple(build.out.warnings),
        revisions=revisions,
    )


@dataclass(frozen=True, slots=True)
class Package:
    """The parts of a Word file the parsers read."""

    body: etree._Element
    footnotes: etree._Element | None
    styles: etree._Element | None
    numbering: etree._Element | None
    #: Paragraphs with text in the headers and footers (page furniture, never read).
    header_footer: int


def revision_clause(
    build: Builder,
    para: Para,
    section: str,
    tracker: ClauseTracker,
    old_tracker: ClauseTracker,
) -> Block:
    """A body paragraph: ``label<TAB>text`` in either layer is a clause, else a paragraph.

    The plain-text reading of a resolution's labelled paragraphs, both layers of a
    tracked change compared (a renumbered label gives ``old_label``/``new_label``, a
    clause deleted whole keeps its label as ``label_before``); returns the block made.
    """
    base, proposed, before = build.unit(para)
    new_label, tab, _ = proposed.partition("\t")
    old_label, old_tab, _ = before.partition("\t")
    new_info = old_info = None
    if tab and proposed.strip():
        try:
            new_info = tracker.classify(new_label)
        except ValueError:
            build.out.warnings.append(f"section {section}: {new_label!r} is not a clause label")
    if old_tab and before.strip():
        try:
            old_info = old_tracker.classify(old_label)
        except ValueError:
            old_info = None
    info = new_info or (old_info if not proposed.strip() else None)
    if info is None:
        block = build.out.add_slice(
            BlockKind.PARAGRAPH, section, base, base + len(proposed), meta=tuple(para.meta)
        )
        build.snap(base, base + len(proposed), block.start, block.end)
        return block
    meta = list(para.meta)
    if new_info is None:  # deleted whole: the label is the old one
        start = base
        meta.append(("label_before", old_label.strip()))
        # The label's deletion is not a revision of the clause text: drop it.
        _cut_label(build, base, old_label + "\t")
    else:
        start = base + len(new_label) + 1
        if old_info is not None and old_label.strip() != new_label.strip():
            meta.append(("label_before", old_label.strip()))
            if old_info.label.key != new_info.label.key:
                meta += [("old_label", old_info.label.key), ("new_label", new_info.label.key)]
    block = build.out.add_slice(
        BlockKind.CLAUSE,
        section,
        start,
        base + len(proposed),
        label=(new_label if new_info else old_label).strip(),
        label_key=info.label.key,
        parent_label_key=info.parent_key,
        meta=tuple(meta),
    )
    build.snap(start, base + len(proposed), block.start, block.end)
    return block


def _cut_label(build: Builder, base: int, label: str) -> None:
    """Remove a deleted clause's label from the deletion at ``base`` (kept in meta)."""
    for i, rev in enumerate(build.revisions):
        if rev.kind == "del" and rev.start == base and rev.text.startswith(label):
            rest = rev.text[len(label) :]
            if rest:
                build.revisions[i] = replace(rev, text=rest)
            else:
                del build.revisions[i]
            return
