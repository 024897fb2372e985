r"""Parser for Word ``.docx`` files (WordprocessingML), tracked changes included.

ITU proposals are Word files whose revisions are tracked: ``w:ins`` and ``w:del`` (and
``w:moveTo``/``w:moveFrom``, read as insertion and deletion) around runs. Each
paragraph is read into two layers: the text as proposed (insertions kept, deletions
dropped), which is ``Document.text``, and the text before the change. Every insertion
and deletion is kept in ``Document.revisions``, anchored in the proposed text, so the
segmenter can give each segment both layers; each block has ``text_before`` and a
``change`` marker (inserted, deleted, modified, unchanged).

What is not text is kept as block metadata: bookmarks (``("bookmark", name)``), field
instructions (``("field", "REF _Ref1 \h")``; the field's displayed result stays in the
text), footnote references (``("footnote", n)``) and moves (``("moved", "to")``).
Footnote bodies (``word/footnotes.xml``) become FOOTNOTE blocks placed right after
the paragraph that refers to them, numbered in order of reference.

Structure is read as in the flattened text: a paragraph that is a heading of the
lexicon opens a section, ``label<TAB>text`` is a clause, front matter comes before the
first heading. A label changed by a revision (``<del>g</del><ins>f</ins>)``) gives
``old_label``/``new_label`` metadata. A document with no heading of the lexicon is kept
as plain paragraphs with a warning; bytes that are not a Word document are an
``InputError`` naming the file and what the bytes are instead.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from typing import Final

import lxml.etree as etree

from corpus.errors import InputError
from corpus.lexicon import section_key
from corpus.model import Block, BlockKind, Document, Revision, SourceFile
from corpus.parse._common import ClauseTracker, TextBuilder
from corpus.revision import before_text, change_of

W: Final[str] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MAIN_PART: Final[str] = "word/document.xml"
_FOOTNOTES_PART: Final[str] = "word/footnotes.xml"
#: Largest uncompressed XML part read, against zip bombs.
MAX_PART_BYTES: Final[int] = 64 * 1024 * 1024
_RESOLUTION_NUMBER: Final[re.Pattern[str]] = re.compile(
    r"^(?:RÉSOLUTION|RESOLUTION|RESOLUCIÓN|РЕЗОЛЮЦИЯ|القرار|第\s*\d+\s*号决议)", re.IGNORECASE
)
_PROPOSAL: Final[re.Pattern[str]] = re.compile(r"^(?:MOD|ADD|SUP|NOC)\s+\S+$")
_HTML_TITLE: Final[re.Pattern[bytes]] = re.compile(rb"<title[^>]*>([^<]{0,80})", re.IGNORECASE)
#: Elements whose content is never paragraph text.
_SKIP: Final[frozenset[str]] = frozenset(
    {"rPr", "pPr", "footnoteRef", "endnoteRef", "txbxContent", "AlternateContent", "drawing"}
)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass
class _Para:
    """One paragraph read into pieces: ``(op, text)`` with op keep, ins or del."""

    pieces: list[tuple[str, str]] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)
    #: Footnote ids referred to, with the offset in the proposed text.
    refs: list[tuple[int, str]] = field(default_factory=list)
    mark: str = "keep"  # the paragraph mark itself inserted or deleted

    @property
    def proposed(self) -> str:
        return "".join(t for op, t in self.pieces if op != "del")

    @property
    def before(self) -> str:
        return "".join(t for op, t in self.pieces if op != "ins")


class _Walker:
    """Reads the runs of one paragraph, following revisions and complex fields."""

    def __init__(self) -> None:
        self.para = _Para()
        self.fields: list[list[str]] = []  # instruction text of each open field
        self.in_instr: list[bool] = []

    def read(self, p: etree._Element) -> _Para:
        mark = p.find(f"{_w('pPr')}/{_w('rPr')}")
        if mark is not None:
            if mark.find(_w("ins")) is not None:
                self.para.mark = "ins"
            elif mark.find(_w("del")) is not None:
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
                if child.get(_w("type")) in (None, "textWrapping"):
                    self._text(op, "\n")
            elif name == "noBreakHyphen":
                self._text(op, "\u2011")
            elif name in ("footnoteReference", "endnoteReference"):
                if op != "del" and name == "footnoteReference":
                    self.para.refs.append((self._offset(), child.get(_w("id"), "")))
                elif name == "endnoteReference":
                    self.para.meta.append(("endnote", child.get(_w("id"), "")))
            elif name == "bookmarkStart":
                bookmark = child.get(_w("name"), "")
                if bookmark and bookmark != "_GoBack":
                    self.para.meta.append(("bookmark", bookmark))
            elif name == "fldSimple":
                self.para.meta.append(("field", " ".join(child.get(_w("instr"), "").split())))
                self._walk(child, op)
            elif name == "fldChar":
                self._field_char(child.get(_w("fldCharType"), ""))
            elif name in ("instrText", "delInstrText"):
                if self.fields:
                    self.fields[-1].append(child.text or "")
            else:  # r, hyperlink, smartTag, sdt, sdtContent, customXml, unknown wrappers
                self._walk(child, op)

    def _field_char(self, kind: str) -> None:
        """Complex fields: instruction between begin and separate, result until end."""
        if kind == "begin":
            self.fields.append([])
            self.in_instr.append(True)
        elif kind == "separate" and self.in_instr:
            self.in_instr[-1] = False
        elif kind == "end" and self.fields:
            instr = " ".join("".join(self.fields.pop()).split())
            self.in_instr.pop()
            if instr:
                self.para.meta.append(("field", instr))


# --- reading the package -----------------------------------------------------------------


def _sniff(data: bytes, source: SourceFile) -> None:
    """Say what the bytes are when they are not a zip archive.

    Raises:
        InputError: always, naming what the bytes look like.
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]:
        title = _HTML_TITLE.search(data[:4096])
        named = f' titled "{title.group(1).decode("utf-8", "replace").strip()}"' if title else ""
        problem = f"not a .docx file: an HTML page{named}, not a Word zip archive"
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        problem = (
            "not a .docx file: an OLE2 compound file (a legacy .doc or an encrypted"
            " document), not a Word zip archive"
        )
    elif head.startswith(b"<"):
        problem = "not a .docx file: an XML or text file, not a Word zip archive"
    else:
        problem = "not a .docx file: not a zip archive"
    raise InputError(problem, path=source.path)


def _read_part(archive: zipfile.ZipFile, name: str, source: SourceFile) -> etree._Element:
    """Parse one XML part of the package.

    Raises:
        InputError: the part is too large, damaged in the archive or not well-formed.
    """
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise InputError(
            f"{name} is too large ({info.file_size} bytes uncompressed)", path=source.path
        )
    try:
        raw = archive.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(
            f"{name} cannot be read from the zip archive: {exc}", path=source.path
        ) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        reason = str(exc.msg).split(", line ")[0]
        raise InputError(
            f"malformed XML in {name} at line {exc.lineno}: {reason}", path=source.path
        ) from None


def _open(data: bytes, source: SourceFile) -> tuple[etree._Element, etree._Element | None]:
    """Open the package and return the body and the footnotes root (if any).

    Raises:
        InputError: empty bytes, not a zip, no main document part, or not WordprocessingML.
    """
    if not data.strip():
        raise InputError("file is empty", path=source.path)
    if not data.startswith(b"PK"):
        _sniff(data, source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            f"not a .docx file: damaged zip archive ({exc})", path=source.path
        ) from None
    with archive:
        names = set(archive.namelist())
        if _MAIN_PART not in names:
            raise InputError(
                f"not a .docx file: the zip archive has no {_MAIN_PART}", path=source.path
            )
        root = _read_part(archive, _MAIN_PART, source)
        footnotes = (
            _read_part(archive, _FOOTNOTES_PART, source) if _FOOTNOTES_PART in names else None
        )
    if root.tag != _w("document"):
        raise InputError(
            f"not a WordprocessingML document: {_MAIN_PART} has root"
            f" <{etree.QName(root).localname}>, not <w:document>",
            path=source.path,
        )
    body = root.find(_w("body"))
    if body is None:
        raise InputError(f"{_MAIN_PART} has no <w:body>", path=source.path)
    return body, footnotes


def _paragraphs(container: etree._Element) -> list[etree._Element]:
    """Top-level paragraphs in document order (tables and content controls included)."""
    out = []
    for p in container.iter(_w("p")):
        ancestor = p.getparent()
        nested = False
        while ancestor is not None and ancestor is not container:
            if ancestor.tag in (_w("p"), _w("txbxContent")):
                nested = True
                break
            ancestor = ancestor.getparent()
        if not nested:
            out.append(p)
    return out


def _footnote_bodies(root: etree._Element | None) -> dict[str, list[_Para]]:
    """Footnote id -> its paragraphs; separators (types other than normal) left out."""
    if root is None:
        return {}
    bodies: dict[str, list[_Para]] = {}
    for note in root.iter(_w("footnote")):
        if note.get(_w("type"), "normal") != "normal":
            continue
        bodies[note.get(_w("id"), "")] = [_Walker().read(p) for p in _paragraphs(note)]
    return bodies


# --- structure ------------------------------------------------------------------------------


@dataclass
class _Builder:
    """Document text, revisions and blocks while the paragraphs are laid out."""

    source: SourceFile
    out: TextBuilder = field(default_factory=TextBuilder)
    revisions: list[Revision] = field(default_factory=list)
    #: Footnote id -> its number, in order of first reference.
    footnote_numbers: dict[str, str] = field(default_factory=dict)

    def unit(self, para: _Para) -> tuple[int, str, str]:
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


def parse_docx(source: SourceFile, data: bytes) -> Document:
    """Parse a ``.docx`` into blocks with both layers of every tracked change.

    Raises:
        InputError: bytes that are not a Word document (an HTML page, a legacy .doc,
            not a zip, a zip without ``word/document.xml``, malformed XML) or a
            document with no text in either layer; the message names ``source.path``.
    """
    body, footnote_root = _open(data, source)
    paras = [_Walker().read(p) for p in _paragraphs(body)]
    paras = [p for p in paras if p.proposed.strip() or p.before.strip()]
    if not paras:
        raise InputError("document has no text", path=source.path)
    notes = _footnote_bodies(footnote_root)
    build = _Builder(source)
    lang = source.lang
    warnings = build.out.warnings

    if _PROPOSAL.match(" ".join(paras[0].proposed.split())):
        marker = " ".join(paras[0].proposed.split())
        warnings.append(f"paragraph 1: proposal marker {marker!r} is not resolution text")
        paras = paras[1:]
    first = next(
        (
            i
            for i, p in enumerate(paras)
            if section_key(p.proposed, lang) or section_key(p.before, lang)
        ),
        None,
    )
    if first is None:
        warnings.append("no section headings recognised; every paragraph kept as plain text")
        first = len(paras)
    title = _front_matter(build, paras[:first], notes, body_only=first == len(paras))
    section = "body"
    tracker = ClauseTracker(lang, section)
    old_tracker = ClauseTracker(lang, section)
    for para in paras[first:]:
        key = section_key(para.proposed, lang) or (
            section_key(para.before, lang) if not para.proposed.strip() else None
        )
        if key is not None:
            warnings.extend(tracker.duplicates)
            section = key
            tracker, old_tracker = ClauseTracker(lang, key), ClauseTracker(lang, key)
            _plain(build, para, BlockKind.HEADING, section)
        else:
            _clause(build, para, section, tracker, old_tracker)
        _footnotes(build, para, notes)
    warnings.extend(tracker.duplicates)
    return _finish(build, title)


def _front_matter(
    build: _Builder, paras: list[_Para], notes: dict[str, list[_Para]], *, body_only: bool
) -> str:
    """Paragraphs before the first heading: number, title lines, enacting formula."""
    if body_only:
        for para in paras:
            _plain(build, para, BlockKind.PARAGRAPH, "body")
            _footnotes(build, para, notes)
        return ""
    rest = list(paras)
    number = rest.pop(0) if rest and _RESOLUTION_NUMBER.match(rest[0].proposed.strip()) else None
    formula = rest.pop() if rest and rest[-1].proposed.rstrip().endswith(",") else None
    titles = []
    for para, kind, section in (
        *([(number, BlockKind.TITLE, "title")] if number else []),
        *[(para, BlockKind.TITLE, "title") for para in rest],
        *([(formula, BlockKind.PARAGRAPH, "formula")] if formula else []),
    ):
        block = _plain(build, para, kind, section)
        if para in rest:
            titles.append(block)
        _footnotes(build, para, notes)
    return " ".join(" ".join(b.text.split()) for b in titles if b.text).strip()


def _plain(build: _Builder, para: _Para, kind: BlockKind, section: str) -> Block:
    """One paragraph as one block (heading, title, formula or body paragraph)."""
    base, proposed, _ = build.unit(para)
    block = build.out.add_slice(kind, section, base, base + len(proposed), meta=tuple(para.meta))
    build.snap(base, base + len(proposed), block.start, block.end)
    return block


def _clause(
    build: _Builder,
    para: _Para,
    section: str,
    tracker: ClauseTracker,
    old_tracker: ClauseTracker,
) -> None:
    """A body paragraph: ``label<TAB>text`` in either layer is a clause, else a paragraph."""
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
        return
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


def _cut_label(build: _Builder, base: int, label: str) -> None:
    """Remove a deleted clause's label from the deletion at ``base`` (kept in meta)."""
    for i, rev in enumerate(build.revisions):
        if rev.kind == "del" and rev.start == base and rev.text.startswith(label):
            rest = rev.text[len(label) :]
            if rest:
                build.revisions[i] = replace(rev, text=rest)
            else:
                del build.revisions[i]
            return


def _footnotes(build: _Builder, para: _Para, notes: dict[str, list[_Para]]) -> None:
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


def _finish(build: _Builder, title: str) -> Document:
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
