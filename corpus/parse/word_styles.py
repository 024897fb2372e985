"""ITU paragraph styles: what each style of ``word/styles.xml`` says a paragraph is.

ITU writes its structure in paragraph styles (the ITU templates' ``RecNo``,
``Heading1``, ``Call``, ``enumlev1`` …), and a paragraph names its style by id
(``<w:pStyle w:val="Headingb"/>``). Ids and display names vary between files and
languages (``Headingb`` / ``Heading_b`` / ``Heading b``; the Arabic template has
``FigureNotitle`` named ``Figure_No & title``), so both are folded (lower case,
letters and digits only) and looked up in one table; a style not in the table is
followed through ``w:basedOn`` to the nearest one that is (a local "Note + bold" is a
``Note``). Styles also carry numbering (``w:numPr``) that
:mod:`corpus.parse.word_numbering` renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import lxml.etree as etree

W: Final[str] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def qn(name: str) -> str:
    """The Clark name of a WordprocessingML element or attribute: ``{ns}name``."""
    return f"{{{W}}}{name}"


class Role(StrEnum):
    """What a paragraph is, by its ITU style."""

    DOC_NUMBER = "doc-number"  # RecNo, ResNo: "Recommendation ITU-T E.119"
    DOC_TITLE = "doc-title"  # Rectitle, Restitle
    DOC_REF = "doc-ref"  # Resref: "(Hammamet, 2016)"
    HEADING = "heading"  # Heading1..9 (level = n)
    SUBHEADING = "subheading"  # Headingb, Headingi: unnumbered (or "1)") bold heading
    SECTION_NO = "section-no"  # SectionNo: "SECTION 1"
    SECTION_TITLE = "section-title"
    ANNEX_NO = "annex-no"  # AnnexNo, AppendixNo, AnnexNoTitle …
    ANNEX_TITLE = "annex-title"
    CALL = "call"  # "considering", "resolves"
    LIST = "list"  # enumlev1..3 (level = n)
    NOTE = "note"
    CAPTION = "caption"  # figure and table numbers and titles, legends
    TABLE_TEXT = "table-text"
    REFERENCE = "reference"  # Reftext
    TOC = "toc"  # TOC1..9, "toc 0"
    COVER = "cover"  # cover-page styles
    FURNITURE = "furniture"  # header, footer, page number in the body
    PROPOSAL = "proposal"  # a proposal's marker, "MOD IAP/76A35/1": not resolution text
    BODY = "body"  # Normal and anything unknown


#: Folded style name -> role; ``None`` level means "take the digit in the name".
_TABLE: Final[dict[str, Role]] = {
    "recno": Role.DOC_NUMBER,
    "resno": Role.DOC_NUMBER,
    "qno": Role.DOC_NUMBER,
    "opinionno": Role.DOC_NUMBER,
    "decno": Role.DOC_NUMBER,
    "rectitle": Role.DOC_TITLE,
    "restitle": Role.DOC_TITLE,
    "qtitle": Role.DOC_TITLE,
    "opiniontitle": Role.DOC_TITLE,
    "dectitle": Role.DOC_TITLE,
    "resref": Role.DOC_REF,
    "recref": Role.DOC_REF,
    "qref": Role.DOC_REF,
    "decref": Role.DOC_REF,
    "headingb": Role.SUBHEADING,
    "headingi": Role.SUBHEADING,
    "sectionno": Role.SECTION_NO,
    "sectiontitle": Role.SECTION_TITLE,
    "annexno": Role.ANNEX_NO,
    "appendixno": Role.ANNEX_NO,
    "annexnotitle": Role.ANNEX_NO,
    "appendixnotitle": Role.ANNEX_NO,
    "annextitle": Role.ANNEX_TITLE,
    "appendixtitle": Role.ANNEX_TITLE,
    "annexref": Role.ANNEX_TITLE,
    "appendixref": Role.ANNEX_TITLE,
    "call": Role.CALL,
    "note": Role.NOTE,
    "figure": Role.CAPTION,
    "figurenotitle": Role.CAPTION,
    "figureno": Role.CAPTION,
    "figuretitle": Role.CAPTION,
    "figurelegend": Role.CAPTION,
    "tablenotitle": Role.CAPTION,
    "tableno": Role.CAPTION,
    "tabletitle": Role.CAPTION,
    "tablelegend": Role.CAPTION,
    "tablefin": Role.CAPTION,
    "tabletext": Role.TABLE_TEXT,
    "tablehead": Role.TABLE_TEXT,
    "reftext": Role.REFERENCE,
    "reftitle": Role.REFERENCE,
    "tocheading": Role.TOC,
    "couvrec": Role.COVER,
    "couvrec2": Role.COVER,
    "titrecov": Role.COVER,
    "titrecovbold": Role.COVER,
    "header": Role.FURNITURE,
    "footer": Role.FURNITURE,
    "pagenumber": Role.FURNITURE,
    "proposal": Role.PROPOSAL,
    "normal": Role.BODY,
}
_LEVELLED: Final[re.Pattern[str]] = re.compile(r"^(heading|enumlev|toc)(\d)$")
#: Roles that only ITU's templates give: a document using none of them has no usable
#: styles and is read the way a plain text is.
STRUCTURAL: Final[frozenset[Role]] = frozenset(
    {
        Role.DOC_NUMBER,
        Role.DOC_TITLE,
        Role.HEADING,
        Role.SUBHEADING,
        Role.SECTION_NO,
        Role.ANNEX_NO,
        Role.CALL,
        Role.LIST,
    }
)


def fold(name: str) -> str:
    """``Heading_b``, ``Heading b`` and ``Headingb`` -> ``headingb``; ``&`` dropped too."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def _lookup(name: str) -> tuple[Role, int] | None:
    folded = fold(name)
    if folded in _TABLE:
        return _TABLE[folded], 0
    match = _LEVELLED.match(folded)
    if match:
        kind, level = match[1], int(match[2])
        role = {"heading": Role.HEADING, "enumlev": Role.LIST, "toc": Role.TOC}[kind]
        return role, level
    return None


@dataclass(frozen=True, slots=True)
class Style:
    """One paragraph style: its role and level, and the numbering it carries, if any."""

    role: Role
    level: int = 0
    num_id: str | None = None
    ilvl: int = 0


@dataclass(frozen=True, slots=True)
class StyleSheet:
    """The paragraph styles of one document, by style id."""

    styles: dict[str, Style]
    default: Style

    def of(self, style_id: str | None) -> Style:
        """The style of a paragraph (its ``w:pStyle``), the default style without one."""
        if style_id is None:
            return self.default
        return self.styles.get(style_id) or _by_name(style_id) or Style(Role.BODY)


def _by_name(style_id: str) -> Style | None:
    found = _lookup(style_id)
    return Style(*found) if found else None


def read_styles(root: etree._Element | None) -> StyleSheet:
    """Read ``word/styles.xml`` (``None``: a document without one, all BODY)."""
    if root is None:
        return StyleSheet({}, Style(Role.BODY))
    raw: dict[str, etree._Element] = {}
    default_id = None
    for style in root.iter(qn("style")):
        if style.get(qn("type"), "paragraph") != "paragraph":
            continue
        sid = style.get(qn("styleId"), "")
        raw[sid] = style
        if style.get(qn("default")) in ("1", "true"):
            default_id = sid
    resolved: dict[str, Style] = {}

    def resolve(sid: str, depth: int = 0) -> Style:
        if sid in resolved:
            return resolved[sid]
        element = raw.get(sid)
        name_el = element.find(qn("name")) if element is not None else None
        name = name_el.get(qn("val"), "") if name_el is not None else ""
        found = _lookup(sid) or (_lookup(name) if name else None)
        num_id, ilvl = _numbering(element)
        if found is not None:
            style = Style(found[0], found[1], num_id, ilvl)
        else:
            based = element.find(qn("basedOn")) if element is not None else None
            parent = based.get(qn("val")) if based is not None else None
            if parent and parent in raw and depth < 20:
                base = resolve(parent, depth + 1)
                style = Style(base.role, base.level, num_id or base.num_id, ilvl or base.ilvl)
            else:
                style = Style(Role.BODY, 0, num_id, ilvl)
        resolved[sid] = style
        return style

    for sid in raw:
        resolve(sid)
    default = resolved.get(default_id or "", Style(Role.BODY))
    return StyleSheet(resolved, default)


def _numbering(element: etree._Element | None) -> tuple[str | None, int]:
    """The ``w:numPr`` of a style's paragraph properties: (numId, ilvl)."""
    if element is None:
        return None, 0
    num_pr = element.find(f"{qn('pPr')}/{qn('numPr')}")
    if num_pr is None:
        return None, 0
    num = num_pr.find(qn("numId"))
    lvl = num_pr.find(qn("ilvl"))
    num_id = num.get(qn("val")) if num is not None else None
    ilvl = int(lvl.get(qn("val"), "0")) if lvl is not None else 0
    return (num_id if num_id and num_id != "0" else None), ilvl
