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
from typing import Final

import lxml.etree as etree

from corpus.errors import InputError
from corpus.lexicon import section_key
from corpus.model import BlockKind, Document, SourceFile
from corpus.parse._common import ClauseTracker
from corpus.parse.itu_word import read_itu_word
from corpus.parse.word_styles import qn
from corpus.parse.word_text import (
    Builder,
    Package,
    Para,
    RunReader,
    finish_document,
    footnote_bodies,
    lay_footnotes,
    paragraphs,
    plain_block,
    revision_clause,
)

_MAIN_PART: Final[str] = "word/document.xml"
_FOOTNOTES_PART: Final[str] = "word/footnotes.xml"
_STYLES_PART: Final[str] = "word/styles.xml"
_NUMBERING_PART: Final[str] = "word/numbering.xml"
_HEADER_FOOTER: Final[re.Pattern[str]] = re.compile(r"^word/(?:header|footer)\d*\.xml$")
#: Largest uncompressed XML part read, against zip bombs.
MAX_PART_BYTES: Final[int] = 64 * 1024 * 1024
_RESOLUTION_NUMBER: Final[re.Pattern[str]] = re.compile(
    r"^(?:RÉSOLUTION|RESOLUTION|RESOLUCIÓN|РЕЗОЛЮЦИЯ|القرار|第\s*\d+\s*号决议)", re.IGNORECASE
)
_PROPOSAL: Final[re.Pattern[str]] = re.compile(r"^(?:MOD|ADD|SUP|NOC)\s+\S+$")
_HTML_TITLE: Final[re.Pattern[bytes]] = re.compile(rb"<title[^>]*>([^<]{0,80})", re.IGNORECASE)


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


def open_package(data: bytes, source: SourceFile) -> Package:
    """Open the package and read its body, footnotes, styles and numbering.

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
        parts = {
            name: _read_part(archive, name, source) if name in names else None
            for name in (_FOOTNOTES_PART, _STYLES_PART, _NUMBERING_PART)
        }
        header_footer = sum(
            _lines(_read_part(archive, name, source))
            for name in sorted(names)
            if _HEADER_FOOTER.match(name)
        )
    if root.tag != qn("document"):
        raise InputError(
            f"not a WordprocessingML document: {_MAIN_PART} has root"
            f" <{etree.QName(root).localname}>, not <w:document>",
            path=source.path,
        )
    body = root.find(qn("body"))
    if body is None:
        raise InputError(f"{_MAIN_PART} has no <w:body>", path=source.path)
    return Package(
        body,
        parts[_FOOTNOTES_PART],
        parts[_STYLES_PART],
        parts[_NUMBERING_PART],
        header_footer,
    )


def _lines(root: etree._Element) -> int:
    """Paragraphs with text in a header or footer part."""
    return sum(
        1 for p in root.iter(qn("p")) if "".join(t.text or "" for t in p.iter(qn("t"))).strip()
    )


# --- structure ------------------------------------------------------------------------------


def parse_docx(source: SourceFile, data: bytes) -> Document:
    """Parse a ``.docx`` into blocks with both layers of every tracked change.

    Raises:
        InputError: bytes that are not a Word document (an HTML page, a legacy .doc,
            not a zip, a zip without ``word/document.xml``, malformed XML) or a
            document with no text in either layer; the message names ``source.path``.
    """
    package = open_package(data, source)
    styled = read_itu_word(package, source)
    if styled is not None:
        return styled
    body, footnote_root = package.body, package.footnotes
    paras = [RunReader().read(p) for p in paragraphs(body)]
    paras = [p for p in paras if p.proposed.strip() or p.before.strip()]
    if not paras:
        raise InputError("document has no text", path=source.path)
    notes = footnote_bodies(footnote_root)
    build = Builder(source)
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
        warnings.append(
            "no ITU paragraph styles and no section headings recognised;"
            " every paragraph kept as plain text"
        )
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
            plain_block(build, para, BlockKind.HEADING, section)
        else:
            revision_clause(build, para, section, tracker, old_tracker)
        lay_footnotes(build, para, notes)
    warnings.extend(tracker.duplicates)
    return finish_document(build, title)


def _front_matter(
    build: Builder, paras: list[Para], notes: dict[str, list[Para]], *, body_only: bool
) -> str:
    """Paragraphs before the first heading: number, title lines, enacting formula."""
    if body_only:
        for para in paras:
            plain_block(build, para, BlockKind.PARAGRAPH, "body")
            lay_footnotes(build, para, notes)
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
        block = plain_block(build, para, kind, section)
        if para in rest:
            titles.append(block)
        lay_footnotes(build, para, notes)
    return " ".join(" ".join(b.text.split()) for b in titles if b.text).strip()
