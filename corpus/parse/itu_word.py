"""ITU Word files read by their paragraph styles: sections, numbered clauses, lists, tables.

ITU's templates carry the structure in styles (:mod:`corpus.parse.word_styles`), so a
file that uses them is read by them; one that does not is left to the plain reading of
:mod:`corpus.parse.docx`. Page furniture (cover, copyright page, table of contents,
back page, headers and footers: :mod:`corpus.parse.word_layout`) is kept out and
counted in ``Document.set_aside``.

Sections (keys language-neutral, as everywhere):

* ``title``: the document number, title and reference (``RecNo``, ``Rectitle``,
  ``ResNo``, ``Restitle``, ``Resref``); ``formula``: the paragraph ending in a comma
  after a resolution's title ("The World Telecommunication Standardization Assembly
  (Hammamet, 2016),"). A repeat of the title (ITU-T Recommendations print it on the
  title page and again above clause 1) is set aside as ``title_repeat``;
* a ``Call`` heading ("considering", "resolves") opens the section the lexicon names;
* ``summary``, ``history``, ``keywords``, ``introduction``, ``bibliography``: unnumbered
  part headings (:data:`corpus.lexicon.DOCUMENT_PARTS`);
* ``SectionNo`` ("SECTION 1bis") opens ``section.1bis``; ``AnnexNo``/``AppendixNo``
  ("Annex A", "Appendix II") opens ``annex.A``/``appendix.II``;
* numbered clauses of a Recommendation's main part are in ``body``.

Clauses: a numbered heading (``Heading1``..``Heading9``, or any paragraph whose label is
a multi-level number such as ``3.1.1``) is a clause keyed by its number, the same in
every language (Arabic mirrored numbers turned round: ``1.7`` is 7.1), under the clause
its number extends; its title and the paragraphs, notes, captions and references after
it are its paragraphs. A labelled ``Headingb`` ("1) Data redundancy") and the list
items (``enumlev1``..``3``, labelled ``a)``, ``i)``, ``–`` or not at all) are clauses
under the clause they follow, keyed ``{parent}.{label}`` (``7.1.1``, ``1.3.a``,
``1.5.b.ii``, ``2.4.bullet-3``). Inside a ``Call`` section, labelled paragraphs are read
as in a resolution's plain text (``considering.a``). A labelled paragraph's number may
come from Word's automatic numbering (:mod:`corpus.parse.word_numbering`); it is then
written into the text as Word shows it, with ``("auto_label", label)`` meta.

Tables: a table with more than one cell is a clause ``{parent}.table-{n}``, each row a
clause ``….r{i}`` and each cell with text a clause ``….r{i}.c{j}`` holding its
paragraphs, so that tables of the same shape align cell by cell and others by their
rows. A one-cell table is a frame and read as the paragraphs it holds.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Final

from corpus.labels import Label, ascii_digits, number_key, parse_label
from corpus.lexicon import part_key, section_key
from corpus.model import BlockKind, Document, SourceFile
from corpus.parse._common import ClauseTracker
from corpus.parse.word_layout import KINDS, Cell, Item, count, furniture, layout
from corpus.parse.word_numbering import Numbering
from corpus.parse.word_styles import Role, fold, qn, read_styles
from corpus.parse.word_text import (
    Builder,
    Package,
    Para,
    RunReader,
    finish_document,
    footnote_bodies,
    lay_footnotes,
    plain_block,
    revision_clause,
)

#: Sections before a Recommendation's main part: a numbered heading there opens ``body``.
_FRONT: Final[frozenset[str]] = frozenset(
    {"title", "formula", "summary", "history", "keywords", "introduction"}
)
_SECTION_NUMBER: Final[re.Pattern[str]] = re.compile(r"(\d+)\s*(bis|ter|quater)?", re.IGNORECASE)
_ANNEX_LETTER: Final[re.Pattern[str]] = re.compile(r"^\s*\S+\s+([A-Z]|[IVXLC]+|\d+)(?![\w])")
#: Cyrillic capitals that ITU's Russian texts use as annex letters (Приложение А).
_CYRILLIC_LATIN: Final[dict[str, str]] = {"А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H"}
_HOMOGLYPHS: Final[dict[str, str]] = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "т": "t"}


@dataclass(frozen=True, slots=True)
class _Split:
    """A paragraph cut into a label and its text: offsets into the proposed text."""

    label: str
    text_at: int


def _split(text: str) -> _Split | None:
    """``3.1<TAB>Terms`` -> label ``3.1``, text from after the tab; leading tabs skipped."""
    lead = len(text) - len(text.lstrip(" \t"))
    label, tab, _ = text[lead:].partition("\t")
    if not tab or not label.strip() or len(label.strip()) > 16:
        return None
    return _Split(label.strip(), lead + len(label) + 1)


@dataclass
class _Reader:
    """The structure while the kept paragraphs of one file are read in order."""

    source: SourceFile
    notes: dict[str, list[Para]]
    build: Builder
    section: str = "title"
    #: Clause keys of the current section, for parents and Arabic mirrored numbers.
    clauses: set[str] = field(default_factory=set)
    #: The numbered clause the next item or Headingb goes under.
    anchor: str | None = None
    #: The clause that takes the next plain paragraphs.
    capture: str | None = None
    #: Open list items by level (enumlev1 first).
    lists: list[str] = field(default_factory=list)
    tracker: ClauseTracker | None = None
    old_tracker: ClauseTracker | None = None
    #: How a clause is found by its children when that is not its full key: a clause
    #: of a Call section, read the plain-text way, is found by its label key.
    refs: dict[str, str] = field(default_factory=dict)
    counters: Counter[str] = field(default_factory=Counter)
    last_label: dict[str, Label] = field(default_factory=dict)
    tables: dict[int, str] = field(default_factory=dict)
    cells: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    seen_titles: set[str] = field(default_factory=set)
    repeats: int = 0

    @property
    def warnings(self) -> list[str]:
        return self.build.out.warnings

    # --- sections -----------------------------------------------------------------

    def open_section(self, key: str, para: Para | None) -> None:
        """Start section ``key``; ``para`` is its heading, if it has one."""
        self.section = key
        self.clauses, self.lists = set(), []
        self.anchor = self.capture = None
        if self.tracker is not None:
            self.warnings.extend(self.tracker.duplicates)
        self.tracker = self.old_tracker = None
        if para is not None:
            plain_block(self.build, para, BlockKind.HEADING, key)

    def known(self, key: str) -> bool:
        return key in self.clauses or self.section.partition(".")[2] == key

    # --- blocks -------------------------------------------------------------------

    def clause(
        self,
        para: Para,
        key: str,
        parent: str | None,
        split: _Split | None,
        meta: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """A clause keyed ``key`` whose own text (after its label) is its first paragraph."""
        base, proposed, _ = self.build.unit(para)
        end = base + len(proposed)
        start = base + (split.text_at if split else 0)
        if not proposed[start - base :].strip():
            start = base  # a label alone ("1)" with nothing after it) is its own text
        out = self.build.out
        block = out.add_slice(
            BlockKind.CLAUSE,
            self.section,
            start,
            end,
            label=split.label if split else None,
            label_key=key,
            parent_label_key=self.ref(parent),
            meta=(*para.meta, *meta),
            key=key,
        )
        self.build.snap(start, end, block.start, block.end)
        if block.text:
            out.add_slice(BlockKind.PARAGRAPH, self.section, start, end, parent_label_key=key)
        self.clauses.add(key)
        self.notes_of(para, key)

    def container(self, key: str, parent: str | None) -> None:
        """A clause with no text of its own (a table, a row)."""
        pos = self.build.out.pos
        self.build.out.add_slice(
            BlockKind.CLAUSE, self.section, pos, pos, parent_label_key=self.ref(parent), key=key
        )
        self.clauses.add(key)

    def paragraph(
        self, para: Para, parent: str | None, meta: tuple[tuple[str, str], ...] = ()
    ) -> None:
        base, proposed, _ = self.build.unit(para)
        end = base + len(proposed)
        block = self.build.out.add_slice(
            BlockKind.PARAGRAPH,
            self.section,
            base,
            end,
            parent_label_key=self.ref(parent),
            meta=(*para.meta, *meta),
        )
        self.build.snap(base, end, block.start, block.end)
        self.notes_of(para, parent)

    def notes_of(self, para: Para, parent: str | None) -> None:
        """Footnotes right after the paragraph that calls them, in the same clause."""
        blocks = self.build.out.blocks
        first = len(blocks)
        lay_footnotes(self.build, para, self.notes)
        for i in range(first, len(blocks)):
            blocks[i] = replace(blocks[i], parent_label_key=self.ref(parent))

    def ref(self, key: str | None) -> str | None:
        """What a child names its parent clause by (its full key, or its label key)."""
        return self.refs.get(key, key) if key is not None else None

    # --- one paragraph ------------------------------------------------------------

    def read(self, item: Item, para: Para) -> None:
        role = item.style.role
        text = para.proposed.strip()
        if role is Role.PROPOSAL:
            self.warnings.append(
                f"proposal marker {' '.join(text.split())!r} is not resolution text"
            )
        elif item.cell is not None:
            self.cell(item.cell, para)
        elif role in (Role.DOC_NUMBER, Role.DOC_TITLE, Role.DOC_REF):
            self.title(role, para, text)
        elif role is Role.CALL:
            key = section_key(text, self.source.lang)
            if key is None:
                self.warnings.append(f"Call heading {text!r} is not in the lexicon")
                key = f"call-{self.counters['call'] + 1}"
                self.counters["call"] += 1
            self.open_section(key, para)
            self.tracker = ClauseTracker(self.source.lang, key)
            self.old_tracker = ClauseTracker(self.source.lang, key)
        elif role is Role.SECTION_NO:
            match = _SECTION_NUMBER.search(ascii_digits(text))
            number = (match[1] + (match[2] or "").lower()) if match else None
            if number is None:
                self.counters["section"] += 1
                number = f"#{self.counters['section']}"
            self.open_section(f"section.{number}", para)
        elif role is Role.ANNEX_NO:
            self.open_section(self.annex_key(item, text), para)
        elif role in (Role.SECTION_TITLE, Role.ANNEX_TITLE):
            self.paragraph(para, None, (("heading", "title"),))
        elif role is Role.HEADING:
            self.heading(para, item.style.level)
        elif role is Role.SUBHEADING:
            self.subheading(para, text)
        elif role is Role.LIST:
            self.list_item(para, max(item.style.level, 1))
        else:
            self.body(para, role)

    def title(self, role: Role, para: Para, text: str) -> None:
        norm = " ".join(text.replace("\u0640", "").split())
        if _fingerprint(norm) in self.seen_titles:
            self.repeats += 1
            return
        self.seen_titles.add(_fingerprint(norm))
        if self.section != "title":
            self.open_section("title", None)
        if role is Role.DOC_TITLE:
            self.titles.append(norm)
        plain_block(self.build, para, BlockKind.TITLE, "title")

    def annex_key(self, item: Item, text: str) -> str:
        part = part_key(text, self.source.lang)
        if part is not None:
            return part
        first_line = text.split("\n")[0]
        latin = "".join(_CYRILLIC_LATIN.get(c, c) for c in ascii_digits(first_line))
        match = _ANNEX_LETTER.match(latin)
        kind = "appendix" if "appendix" in fold(item.style_id or "") else "annex"
        if match is None:
            self.warnings.append(f"annex heading {first_line!r} has no letter or number")
            self.counters[kind] += 1
            return f"{kind}.#{self.counters[kind]}"
        return f"{kind}.{match[1]}"

    def numbered(self, para: Para, split: _Split, key: str, *, heading: bool = False) -> None:
        """A clause numbered document-wide, under the clause its number extends.

        A numbered heading is the anchor of the labelled ``Headingb`` after it; a
        numbered paragraph inside it (a definition ``3.1.1``) is not.
        """
        if self.section in _FRONT:
            self.open_section("body", None)
        parent = None
        parts = key.split(".")
        for n in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:n])
            if prefix in self.clauses:
                parent = prefix
                break
        self.clause(para, key, parent, split)
        if heading or self.anchor is None or not key.startswith(f"{self.anchor}."):
            self.anchor = key
        self.capture = key
        self.lists = []

    def heading(self, para: Para, level: int) -> None:
        text = para.proposed
        split = _split(text)
        key = number_key(split.label, self.source.lang, known=self.known) if split else None
        if split is not None and key is not None:
            self.numbered(para, split, key, heading=True)
            return
        part = part_key(text, self.source.lang)
        if part is not None:
            self.open_section(part, para)
            return
        self.paragraph(para, self.capture, (("heading", str(level)),))

    def subheading(self, para: Para, text: str) -> None:
        split = _split(para.proposed)
        if split is not None:
            key = number_key(split.label, self.source.lang, known=self.known)
            if key is not None and "." in key:
                self.numbered(para, split, key, heading=True)
                return
            own = self.label_part(split.label, self.anchor)
            if own is not None:
                key = self.child_key(self.anchor, own)
                self.clause(para, key, self.anchor, split)
                self.capture, self.lists = key, []
                return
        part = part_key(text, self.source.lang)
        if part is not None:
            self.open_section(part, para)
        else:
            if self.section in _FRONT:
                self.warnings.append(f"part heading {text!r} is not in the lexicon")
            self.paragraph(para, self.capture, (("heading", "b"),))

    def list_item(self, para: Para, level: int) -> None:
        split = _split(para.proposed)
        lists = self.lists[: level - 1]
        parent = lists[-1] if lists else self.capture
        own = self.label_part(split.label, parent) if split else None
        if own is None:
            self.counters[f"bullet:{parent}"] += 1
            own = f"bullet-{self.counters[f'bullet:{parent}']}"
            split = None
        key = self.child_key(parent, own)
        self.clause(para, key, parent, split)
        self.lists = [*lists, key]

    def body(self, para: Para, role: Role) -> None:
        split = _split(para.proposed)
        meta: tuple[tuple[str, str], ...] = ()
        if role not in (Role.BODY, Role.TABLE_TEXT):
            meta = (("style", role.value),)
        if split is not None and role is Role.BODY:
            key = number_key(split.label, self.source.lang, known=self.known)
            if key is not None and "." in key:
                self.numbered(para, split, key)
                return
            if self.capture is not None and self.tracker is None:
                own = self.label_part(split.label, self.capture)
                if own is not None:
                    key = self.child_key(self.capture, own)
                    self.clause(para, key, self.capture, split)
                    self.lists = [key]
                    return
        if self.tracker is not None and role is Role.BODY:
            self.resolution_clause(para)
            return
        if self.section == "title" and self.seen_titles and para.proposed.rstrip().endswith(","):
            self.open_section("formula", None)
        self.lists = []
        self.paragraph(para, None if self.tracker is not None else self.capture, meta)

    def resolution_clause(self, para: Para) -> None:
        """A paragraph of a Call section, read as a resolution's plain text is.

        ``a)<TAB>that …`` is a clause ``considering.a``, a roman sub-item nests under
        it, anything else is a paragraph of the section; both layers of a tracked
        change are compared (renumbered labels, clauses deleted whole).
        """
        assert self.tracker is not None and self.old_tracker is not None
        block = revision_clause(self.build, para, self.section, self.tracker, self.old_tracker)
        lay_footnotes(self.build, para, self.notes)
        self.lists = []
        if block.kind is BlockKind.CLAUSE and block.label_key is not None:
            own = block.label_key
            chain = f"{block.parent_label_key}.{own}" if block.parent_label_key else own
            key = f"{self.section}.{chain}"
            self.refs[key] = own
            self.clauses.add(key)
            self.capture = key

    def label_part(self, label: str, parent: str | None) -> str | None:
        """The key part of a list label (``a)`` -> ``a``, ``–`` -> ``bullet-n``), or None."""
        scope = parent or self.section
        try:
            parsed = parse_label(label, self.source.lang, after=self.last_label.get(scope))
        except ValueError:
            return None
        if parsed.is_compound:
            parsed = Label(parsed.raw, parsed.raw.strip("()[]. "), parsed.kind)
        self.last_label[scope] = parsed
        if parsed.kind == "bullet":
            self.counters[f"bullet:{parent}"] += 1
            return f"bullet-{self.counters[f'bullet:{parent}']}"
        return parsed.key

    def child_key(self, parent: str | None, own: str) -> str:
        return f"{parent or self.section}.{own}"

    def cell(self, cell: Cell, para: Para) -> None:
        table = self.tables.get(cell.table)
        if table is None:
            parent = self.capture
            self.counters[f"table:{parent or self.section}"] += 1
            table = self.child_key(
                parent, f"table-{self.counters[f'table:{parent or self.section}']}"
            )
            self.tables[cell.table] = table
            self.container(table, parent)
        row = f"{table}.r{cell.row}"
        if row not in self.clauses:
            self.container(row, table)
        key = f"{row}.c{cell.col}"
        if key in self.cells:
            self.paragraph(para, key)
        else:
            self.cells.add(key)
            self.clause(para, key, row, None)


def _fingerprint(text: str) -> str:
    """Letters and digits only, Cyrillic look-alikes as Latin: "МСЭ-Т Е.119" = "МСЭT E.119"."""
    folded = "".join(_HOMOGLYPHS.get(c, c) for c in text.casefold())
    return "".join(c for c in folded if c.isalnum())


def _auto_label(item: Item, numbering: Numbering) -> str | None:
    """The label Word's automatic numbering shows before this paragraph, if any."""
    ppr = item.p.find(qn("pPr"))
    num_pr = ppr.find(qn("numPr")) if ppr is not None else None
    num_id, ilvl = item.style.num_id, None
    if num_pr is not None:
        num = num_pr.find(qn("numId"))
        lvl = num_pr.find(qn("ilvl"))
        if num is not None:
            num_id = num.get(qn("val"))
        if lvl is not None:
            ilvl = int(lvl.get(qn("val"), "0"))
    if not num_id or num_id == "0":
        return None
    if ilvl is None:
        ilvl = item.style.ilvl or numbering.level_of_style(num_id, item.style_id)
    return numbering.next_label(num_id, ilvl)


def read_itu_word(package: Package, source: SourceFile) -> Document | None:
    """Read a Word file by its ITU styles; ``None`` when it uses none of them."""
    sheet = read_styles(package.styles)
    items = layout(package.body, sheet)
    if not any(item.structural for item in items):
        return None
    kinds = furniture(items)
    lists = Numbering.read(package.numbering)
    reader = _Reader(source, footnote_bodies(package.footnotes), Builder(source))
    for i, item in enumerate(items):
        label = _auto_label(item, lists)
        if i in kinds:
            continue
        para = RunReader().read(item.p)
        if not (para.proposed.strip() or para.before.strip()):
            continue
        if label:
            para.pieces.insert(0, ("keep", f"{label}\t"))
            para.meta.append(("auto_label", label))
        reader.read(item, para)
    if reader.tracker is not None:
        reader.warnings.extend(reader.tracker.duplicates)
    counts = count(items, kinds)
    counts["header_footer"] = package.header_footer
    counts["title_repeat"] = reader.repeats
    doc = finish_document(reader.build, " ".join(reader.titles))
    set_aside = tuple((kind, counts[kind]) for kind in (*KINDS, "title_repeat") if counts[kind])
    return replace(doc, set_aside=set_aside)
