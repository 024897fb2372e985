"""The body of a Word file as ITU lays it out: paragraphs, tables, pages, furniture.

:func:`layout` walks ``w:body`` in reading order into :class:`Item` s, one per
paragraph, each knowing its style, the table cell it sits in (a one-cell table is
only a frame, read through), its page (explicit page breaks and section breaks; Word
lays out the rest) and its Word section, and whether a table of contents holds it (a
``TOC`` field, which may run over many paragraphs, or a content control of the
"Table of Contents" gallery).

:func:`furniture` then says which paragraphs are not corpus text and why:

* ``toc``: table-of-contents lines (``TOC*`` styles, ``TOC`` fields, TOC content
  controls), the unstyled lines among them and up to two short lines just above them on
  their page (the "Table of Contents" title, the "Page" column heading);
* ``copyright``: the page holding ITU's copyright line ("© ITU 2017"), that is the
  foreword, the notes on intellectual property and "All rights reserved";
* ``cover``: leading Word sections with none of ITU's structural styles (the cover
  page and the list of the series on its back);
* ``back``: trailing Word sections with none of them (the back page listing the
  ITU-T series);
* wherever they stand, paragraphs in a cover style (``CouvRec``, ``titrecov``) are
  ``cover``, in a header, footer or page-number style ``header_footer``.

Only paragraphs with text are counted; blank ones are dropped anyway.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import lxml.etree as etree

from corpus.parse.word_styles import STRUCTURAL, Role, Style, StyleSheet, qn

_COPYRIGHT: Final[re.Pattern[str]] = re.compile(
    r"^[\W_\uf0e3]*(?:ITU|UIT|МСЭ|国际电联)[\W_]*(?:19|20)\d\d[\W_]*$"
)
_TOC_GALLERY: Final[str] = "Table of Contents"
#: Lines above a table of contents that belong to it: its title and the "Page" heading.
_TOC_HEADING_LINES: Final[int] = 2
_TOC_HEADING_CHARS: Final[int] = 40
#: Kinds of furniture, in the order they are reported.
KINDS: Final[tuple[str, ...]] = ("cover", "copyright", "toc", "back", "header_footer")


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a paragraph sits in a table: table number in the document, row, column."""

    table: int
    row: int
    col: int


@dataclass(slots=True)
class Item:
    """One paragraph of the body, where it sits and how it is styled."""

    p: etree._Element
    style: Style
    style_id: str | None
    page: int
    section: int
    cell: Cell | None = None
    toc: bool = False
    text: str = ""

    @property
    def structural(self) -> bool:
        """Whether the paragraph has text and one of ITU's structural styles."""
        return bool(self.text.strip()) and self.style.role in STRUCTURAL


@dataclass
class _Walk:
    items: list[Item] = field(default_factory=list)
    styles: StyleSheet | None = None
    page: int = 0
    section: int = 0
    tables: int = 0
    #: Open fields across paragraphs: [instruction so far, is a TOC].
    fields: list[list[str | bool]] = field(default_factory=list)

    def visit(self, container: etree._Element, cell: Cell | None, toc: bool) -> None:
        for child in container:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "p":
                self.paragraph(child, cell, toc)
            elif name == "tbl":
                self.table(child, cell, toc)
            elif name == "sdt":
                gallery = child.find(f"{qn('sdtPr')}/{qn('docPartObj')}/{qn('docPartGallery')}")
                is_toc = gallery is not None and gallery.get(qn("val")) == _TOC_GALLERY
                content = child.find(qn("sdtContent"))
                if content is not None:
                    self.visit(content, cell, toc or is_toc)
            elif name not in ("sectPr", "bookmarkStart", "bookmarkEnd"):
                self.visit(child, cell, toc)

    def table(self, tbl: etree._Element, cell: Cell | None, toc: bool) -> None:
        rows = [tr for tr in tbl if isinstance(tr.tag, str) and tr.tag == qn("tr")]
        cells = [[tc for tc in tr.iter(qn("tc")) if _owner(tc) is tr] for tr in rows]
        if len(rows) == 1 and len(cells[0]) == 1:
            self.visit(cells[0][0], cell, toc)  # a frame, not a table
            return
        self.tables += 1
        number = self.tables
        for r, row in enumerate(cells, start=1):
            for c, tc in enumerate(row, start=1):
                self.visit(tc, Cell(number, r, c), toc)

    def paragraph(self, p: etree._Element, cell: Cell | None, toc: bool) -> None:
        ppr = p.find(qn("pPr"))
        style_id = None
        if ppr is not None:
            ps = ppr.find(qn("pStyle"))
            style_id = ps.get(qn("val")) if ps is not None else None
            if ppr.find(qn("pageBreakBefore")) is not None and self.items:
                self.page += 1
        before, after = _page_breaks(p)
        if before and self.items:
            self.page += 1
        in_toc = toc or self._fields(p)
        assert self.styles is not None
        style = self.styles.of(style_id)
        text = "".join(t.text or "" for t in p.iter(qn("t")) if _owner_p(t) is p)
        self.items.append(
            Item(p, style, style_id, self.page, self.section, cell, in_toc, text.strip())
        )
        if after:
            self.page += 1
        if ppr is not None and ppr.find(qn("sectPr")) is not None:
            self.section += 1
            self.page += 1

    def _fields(self, p: etree._Element) -> bool:
        """Follow complex and simple fields; whether a TOC field covers any of ``p``."""
        inside = any(f[1] for f in self.fields)
        for el in p.iter(qn("fldChar"), qn("instrText"), qn("fldSimple")):
            if el.tag == qn("fldSimple"):
                inside = inside or _is_toc(el.get(qn("instr"), ""))
            elif el.tag == qn("instrText") and self.fields:
                top = self.fields[-1]
                top[0] = str(top[0]) + (el.text or "")
                top[1] = _is_toc(str(top[0]))
            elif el.tag == qn("fldChar"):
                kind = el.get(qn("fldCharType"))
                if kind == "begin":
                    self.fields.append(["", False])
                elif kind == "end" and self.fields:
                    self.fields.pop()
            inside = inside or any(f[1] for f in self.fields)
        return inside


def _is_toc(instr: str) -> bool:
    return instr.split()[:1] == ["TOC"]


def _owner(tc: etree._Element) -> etree._Element | None:
    """The row a cell belongs to (a nested table's cells belong to its own rows)."""
    parent = tc.getparent()
    while parent is not None and parent.tag != qn("tr"):
        parent = parent.getparent()
    return parent


def _owner_p(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != qn("p"):
        parent = parent.getparent()
    return parent


def _page_breaks(p: etree._Element) -> tuple[bool, bool]:
    """Whether a page break in ``p`` comes before any of its text, or after some."""
    seen_text = False
    before = after = False
    for el in p.iter(qn("t"), qn("br")):
        if el.tag == qn("t"):
            seen_text = seen_text or bool((el.text or "").strip())
        elif el.get(qn("type")) == "page":
            if seen_text:
                after = True
            else:
                before = True
    return before, after


def layout(body: etree._Element, styles: StyleSheet) -> list[Item]:
    """Every paragraph of the body in reading order, with where it sits (module doc)."""
    walk = _Walk(styles=styles)
    walk.visit(body, None, False)
    return walk.items


def furniture(items: list[Item]) -> dict[int, str]:
    """Index of each paragraph that is page furniture -> its kind (module docstring)."""
    out: dict[int, str] = {}
    pages: dict[int, list[int]] = {}
    for i, item in enumerate(items):
        pages.setdefault(item.page, []).append(i)
    for members in pages.values():
        if any(_COPYRIGHT.match(items[i].text) for i in members):
            whole = not any(items[i].structural for i in members)
            for i in members:
                if whole or _COPYRIGHT.match(items[i].text):
                    out[i] = "copyright"
        tocs = [i for i in members if items[i].toc or items[i].style.role is Role.TOC]
        if tocs:
            for i in members:
                if tocs[0] <= i <= tocs[-1] and (items[i].toc or not items[i].structural):
                    out.setdefault(i, "toc")
            for i in _heading_lines(items, [i for i in members if i < tocs[0]]):
                out.setdefault(i, "toc")
    for i, item in enumerate(items):
        if item.style.role is Role.COVER:
            out.setdefault(i, "cover")
        elif item.style.role is Role.FURNITURE:
            out.setdefault(i, "header_footer")
    sections = sorted({item.section for item in items})
    content = {item.section for item in items if item.structural}
    for edge, kind in ((sections, "cover"), (list(reversed(sections)), "back")):
        for section in _leading(edge, content):
            for i, item in enumerate(items):
                if item.section == section:
                    out.setdefault(i, kind)
    return out


def _heading_lines(items: list[Item], before: list[int]) -> list[int]:
    """The table of contents' own title and column heading ("Page") just above it."""
    found: list[int] = []
    for i in reversed(before):
        text = items[i].text
        if not text:
            continue
        sentence = len(text.split()) > 1 and text.endswith((".", ":", ";", "。"))
        short = len(text) <= _TOC_HEADING_CHARS and not sentence  # "Page", "Стр.", a title
        if items[i].structural or not short or len(found) == _TOC_HEADING_LINES:
            break
        found.append(i)
    return found


def _leading(sections: list[int], content: set[int]) -> Iterator[int]:
    """The sections at the start of ``sections`` that hold no structural paragraph."""
    if not content:
        return
    for section in sections:
        if section in content:
            return
        yield section


def count(items: list[Item], kinds: dict[int, str]) -> Counter[str]:
    """How many paragraphs with text each kind of furniture took out."""
    return Counter(kind for i, kind in kinds.items() if items[i].text)
