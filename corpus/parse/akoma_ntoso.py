"""Parser for Akoma Ntoso 3.0 resolutions converted from PDF (ITU Final Acts).

The converter leaves PDF artefacts that would misalign clauses if kept, so this
parser repairs them, each repair found from the text itself:

* a label merged into the text when ``<num>`` is missing (``a) United Nations …``,
  ``1 to continue …``): the label is recovered and the text starts after it;
* operative sub-headings merged at the end of a paragraph (``…, instructs the
  Director of …``): the heading is split off into a HEADING block of its own
  section; numbering restarting at 1 inside one ``hcontainer`` without such a
  heading is reported as a warning;
* several clauses merged into one paragraph (``…; 10 to support …; 11 to report …``)
  or sub-items and bullets merged into one point (``…; ii) …; • …``): split at the
  embedded labels that continue the numbering;
* footnotes inlined after a rule of underscores (``____ 1 These include …``): a
  FOOTNOTE block, and the reference digit glued to a word earlier (``countries1;``)
  is removed from the text and recorded as ``("footnote", "1")``.

``Document.text`` is the text of every ``<p>`` (whitespace collapsed), one per line,
minus footnote reference digits; every block is an exact slice of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import lxml.etree as etree

from corpus.errors import InputError
from corpus.lexicon import HEADINGS, section_key
from corpus.model import BlockKind, Document, Lang, SourceFile
from corpus.parse._common import ClauseTracker, TextBuilder, collapse_space, decode_utf8

AKN_NS: Final[str] = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_NS: Final[dict[str, str]] = {"a": AKN_NS}

#: Lexicon keys of operative headings, the ones the converter merges into paragraphs.
OPERATIVE_KEYS: Final[frozenset[str]] = frozenset(
    {
        "resolves",
        "further-resolves",
        "instructs-sg-bureaux",
        "instructs-tsb",
        "instructs-bdt",
        "instructs-br",
        "instructs-tsb-bdt",
        "instructs-sg",
        "requests-sg",
        "requests-council",
        "invites-ms",
        "invites-ms-sm-assoc",
        "encourages",
        "urges",
        "calls-upon",
    }
)
_MERGED_LETTER: Final[re.Pattern[str]] = re.compile(r"^\(?([a-z](?: bis| ter| quater)?)\)\s+")
_MERGED_NUMBER: Final[re.Pattern[str]] = re.compile(r"^(\d{1,2}(?: bis| ter| quater)?)\s+(?=\w)")
_FOOTNOTE: Final[re.Pattern[str]] = re.compile(r"\s*_{5,}\s*(\d{1,2})\s+")
_EMBEDDED: Final[re.Pattern[str]] = re.compile(
    r"(?<=[;:,])\s+(?P<label>\d{1,2}(?= [^\W\d])|[ivx]{1,4}\)(?= )|•(?= ))\s*"
)


@dataclass(frozen=True, slots=True)
class _Piece:
    """A stretch of one ``<p>``: its offsets in that text and the label before it."""

    start: int
    end: int
    label: str | None


def parse_akoma_ntoso(source: SourceFile, data: bytes) -> Document:
    """Parse an Akoma Ntoso resolution into titles, headings, clauses and footnotes.

    Raises:
        InputError: undecodable, empty or malformed XML, or XML that is not an
            Akoma Ntoso document with a preamble or body.
    """
    text = decode_utf8(data, source)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        reason = str(exc.msg).split(", line ")[0]
        raise InputError(
            f"malformed XML at line {exc.lineno}: {reason}", path=source.path
        ) from None
    if etree.QName(root).namespace != AKN_NS:
        raise InputError(
            f"not an Akoma Ntoso document: root element is <{etree.QName(root).localname}>,"
            f" not in namespace {AKN_NS}",
            path=source.path,
        )
    preamble = root.find(".//a:preamble", _NS)
    body = root.find(".//a:mainBody", _NS)
    if preamble is None and body is None:
        raise InputError("Akoma Ntoso document has no <preamble> or <mainBody>", path=source.path)
    return _Reader(source, root).read(preamble, body)


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return collapse_space("".join(str(t) for t in element.itertext()))


class _Reader:
    """Walks one document, keeping the output and the footnote bookkeeping together."""

    def __init__(self, source: SourceFile, root: etree._Element) -> None:
        self.source = source
        self.lang: Lang = source.lang
        self.root = root
        self.out = TextBuilder()
        all_text = " ".join(str(t) for t in root.itertext())
        self.pending_footnotes = [m.group(1) for m in _FOOTNOTE.finditer(all_text)]
        self.headings = _operative_headings(self.lang)
        self.refs: list[tuple[int, str]] = []

    def read(self, preamble: etree._Element | None, body: etree._Element | None) -> Document:
        title = self._preface()
        if preamble is not None:
            for formula in preamble.findall("a:formula", _NS):
                for p in formula.iter(f"{{{AKN_NS}}}p"):
                    self.out.add(BlockKind.PARAGRAPH, "formula", _text(p))
            for recitals in preamble.findall("a:recitals", _NS):
                self._recitals(recitals)
        if body is not None:
            for container in body.findall("a:hcontainer", _NS):
                self._hcontainer(container)
        for number in self.pending_footnotes:
            self.out.warnings.append(f"footnote {number} has no reference in the text")
        return Document(
            resolution=self.source.resolution,
            lang=self.source.lang,
            source=self.source,
            title=title,
            text=self.out.text,
            blocks=tuple(self.out.blocks),
            warnings=tuple(self.out.warnings),
        )

    # --- preface and preamble ---------------------------------------------------

    def _preface(self) -> str:
        preface = self.root.find(".//a:preface", _NS)
        if preface is None:
            return ""
        title = ""
        for element in preface:
            content = _text(element)
            if content:
                self.out.add(BlockKind.TITLE, "title", content)
                if etree.QName(element).localname == "container" or not title:
                    title = content
        return title

    def _recitals(self, recitals: etree._Element) -> None:
        intro = _text(recitals.find("a:intro", _NS))
        section = self._section(intro, recitals.get("eId", "recitals"))
        tracker = ClauseTracker(self.lang, section)
        if intro:
            self.out.add(BlockKind.HEADING, section, intro)
        for recital in recitals.findall("a:recital", _NS):
            num = _text(recital.find("a:num", _NS)) or None
            for p in recital.findall("a:p", _NS):
                self._unit(_text(p), section, tracker, num)
                num = None
        self.out.warnings.extend(tracker.duplicates)

    def _section(self, heading: str, fallback: str) -> str:
        key = section_key(heading, self.lang)
        if key is None:
            key = re.sub(r"^(recs|hcont)_", "", fallback).replace("_", "-")
            self.out.warnings.append(f"heading {heading!r} not in the lexicon; section {key!r}")
        return key

    # --- body -------------------------------------------------------------------

    def _hcontainer(self, container: etree._Element) -> None:
        heading = _text(container.find("a:heading", _NS))
        section = self._section(heading, container.get("eId", "hcontainer"))
        if heading:
            self.out.add(BlockKind.HEADING, section, heading)
        tracker = ClauseTracker(self.lang, section)
        for paragraph in container.findall("a:paragraph", _NS):
            num = _text(paragraph.find("a:num", _NS)) or None
            if num is not None and num.strip() == "1" and tracker.main is not None:
                self.out.warnings.append(
                    f"section {tracker.section}: numbering restarts at 1 with no heading"
                    " before it (merged heading not recovered)"
                )
            for p in paragraph.findall("a:content/a:p", _NS):
                tracker = self._operative_unit(_text(p), tracker, num)
                num = None
            for point in paragraph.iterfind("a:list/a:point", _NS):
                pnum = _text(point.find("a:num", _NS)) or None
                for p in point.iter(f"{{{AKN_NS}}}p"):
                    self._unit(_text(p), tracker.section, tracker, pnum)
                    pnum = None
        self.out.warnings.extend(tracker.duplicates)

    def _operative_unit(self, text: str, tracker: ClauseTracker, num: str | None) -> ClauseTracker:
        """One operative ``<p>``: its clauses, then any merged heading and what follows.

        Returns the tracker of the section the next paragraph belongs to.
        """
        section = tracker.section
        text = self._drop_footnote_refs(text)
        base = self.out.add_unit(text)
        merged = self._merged_heading(text)
        clause_end = merged[0] if merged else len(text)
        self._pieces(base, text, 0, clause_end, section, tracker, num)
        if merged is None:
            return tracker
        start, end, key = merged
        self.out.warnings.extend(tracker.duplicates)
        self.out.add_slice(BlockKind.HEADING, key, base + start, base + end)
        tracker = ClauseTracker(self.lang, key)
        rest = text[end:].lstrip(" ,")
        if rest:
            self.out.add_slice(
                BlockKind.PARAGRAPH, key, base + len(text) - len(rest), base + len(text)
            )
        return tracker

    def _merged_heading(self, text: str) -> tuple[int, int, str] | None:
        """Find an operative heading glued after ``, `` near the end of a paragraph."""
        best: tuple[int, int, str] | None = None
        for wording, key in self.headings:
            for match in re.finditer(r"(?<=, )" + re.escape(wording) + r"(?=$|[ ,])", text):
                candidate = (match.start(), match.end(), key)
                if best is None or (candidate[0], -candidate[1]) < (best[0], -best[1]):
                    best = candidate
        return best

    # --- clauses ----------------------------------------------------------------

    def _unit(self, text: str, section: str, tracker: ClauseTracker, num: str | None) -> None:
        """One ``<p>`` of a recital or point: footnote split, then clause pieces."""
        text = self._drop_footnote_refs(text)
        base = self.out.add_unit(text)
        end = len(text)
        footnote = _FOOTNOTE.search(text)
        if footnote is not None:
            end = footnote.start()
            number = footnote.group(1)
            self.out.add_slice(
                BlockKind.FOOTNOTE,
                section,
                base + footnote.end(),
                base + len(text),
                label=number,
                label_key=f"fn-{number}",
                parent_label_key=self._footnote_parent(number),
                meta=(("anchor", number),),
            )
            footnote_block = self.out.blocks.pop()
        else:
            footnote_block = None
        self._pieces(base, text, 0, end, section, tracker, num)
        if footnote_block is not None:
            self.out.blocks.append(footnote_block)

    def _pieces(
        self,
        base: int,
        text: str,
        start: int,
        end: int,
        section: str,
        tracker: ClauseTracker,
        num: str | None,
    ) -> None:
        """Emit the clauses of ``text[start:end]``, splitting at embedded labels."""
        label = num
        if label is None:
            merged = _MERGED_LETTER.match(text, start) or _MERGED_NUMBER.match(text, start)
            if merged is not None:
                label, start = (
                    merged.group(1) + (")" if merged.re is _MERGED_LETTER else ""),
                    (merged.end()),
                )
        if label is None:
            self.out.add_slice(BlockKind.PARAGRAPH, section, base + start, base + end)
            return
        pieces: list[_Piece] = []
        current = _Piece(start, end, label)
        shadow = ClauseTracker(self.lang, section, tracker.main, tracker.sub, tracker.bullets)
        shadow.classify(label)
        for match in _EMBEDDED.finditer(text, start, end):
            embedded = match["label"]
            if not _continues(shadow, embedded):
                continue
            shadow.classify(embedded)
            pieces.append(_Piece(current.start, match.start(), current.label))
            current = _Piece(match.end(), end, embedded)
        pieces.append(current)
        for piece in pieces:
            assert piece.label is not None
            try:
                info = tracker.classify(piece.label)
            except ValueError:
                self.out.warnings.append(f"section {section}: {piece.label!r} is not a label")
                self.out.add_slice(BlockKind.PARAGRAPH, section, base + piece.start, base + end)
                continue
            self.out.add_slice(
                BlockKind.CLAUSE,
                section,
                base + piece.start,
                base + piece.end,
                label=piece.label,
                label_key=info.label.key,
                parent_label_key=info.parent_key,
                meta=info.meta + self._refs_in(base + piece.start, base + piece.end),
            )

    # --- footnotes ----------------------------------------------------------------

    def _drop_footnote_refs(self, text: str) -> str:
        """Remove a footnote reference digit glued to a word (``countries1;``)."""
        for number in list(self.pending_footnotes):
            ref = re.search(r"(?<=[^\W\d_])" + number + r"(?=[;,.:\"”)])", text)
            if ref is None:
                continue
            self.pending_footnotes.remove(number)
            self.refs.append((self.out.pos + ref.start(), number))
            text = text[: ref.start()] + text[ref.end() :]
        return text

    def _refs_in(self, start: int, end: int) -> tuple[tuple[str, str], ...]:
        return tuple(("footnote", n) for pos, n in self.refs if start <= pos <= end)

    def _footnote_parent(self, number: str) -> str | None:
        for block in reversed(self.out.blocks):
            if ("footnote", number) in block.meta:
                return block.label_key
        return None


def _continues(tracker: ClauseTracker, label: str) -> bool:
    """Tell whether an embedded label continues the list (so is no stray number)."""
    if label == "•":
        return tracker.sub is not None or tracker.main is not None
    if label.endswith(")"):
        return label[:-1] == tracker.next_roman()
    return tracker.next_number() == int(label)


def _operative_headings(lang: Lang) -> list[tuple[str, str]]:
    """Operative heading wordings of one language, longest first."""
    rows = [(w, k) for k, lg, w in HEADINGS if lg == lang and k in OPERATIVE_KEYS]
    return sorted(rows, key=lambda row: -len(row[0]))
