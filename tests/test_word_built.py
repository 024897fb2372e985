"""ITU-styled Word files built here: numbering, tables of contents, tables, furniture.

Every .docx below is written by these tests with the ITU template's style ids
(``Heading1``, ``enumlev1``, ``TOC1`` …) and zipped with zipfile; the wording is made
up for the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pytest

from corpus.labels import number_key, read_range
from corpus.model import Document, Lang, Level
from corpus.parse import parse_document
from corpus.parse.word_numbering import Numbering, letters, roman
from corpus.segment import segment_document
from tests.test_docx import SOURCE, W_NS, dele, docx, ins, t

STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W_NS}">'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "</w:style>"
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    "{h1}</w:style>"
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
    '<w:basedOn w:val="Heading1"/>{h2}</w:style>'
    '<w:style w:type="paragraph" w:styleId="Headingb"><w:name w:val="Heading_b"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="enumlev1"><w:name w:val="enumlev1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="enumlev2"><w:name w:val="enumlev2"/>'
    '<w:basedOn w:val="enumlev1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="RecNo"><w:name w:val="Rec_No"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Rectitle"><w:name w:val="Rec_title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="NoteX"><w:name w:val="Note + bold"/>'
    '<w:basedOn w:val="Note0"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Note0"><w:name w:val="Note"/></w:style>'
    "</w:styles>"
)
#: Heading1 and Heading2 numbered by the style (list 1), as many ITU files do.
STYLE_NUMBERED = {
    "h1": '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>',
    "h2": '<w:pPr><w:numPr><w:numId w:val="1"/><w:ilvl w:val="1"/></w:numPr></w:pPr>',
}
NUMBERING = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W_NS}">'
    '<w:abstractNum w:abstractNumId="10">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:pStyle w:val="Heading1"/><w:lvlText w:val="%1"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2"/></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="20">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="%1)"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/>'
    '<w:lvlText w:val="%2)"/></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="30">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/>'
    '<w:lvlText w:val="Annex %1"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1.%2"/></w:lvl>'
    "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="20"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="30"/></w:num>'
    "</w:numbering>"
)


def sp(style: str, *runs: str, num: tuple[int, int] | None = None, extra: str = "") -> str:
    """A paragraph in an ITU style, optionally numbered by ``w:numPr`` (numId, ilvl)."""
    numbering = ""
    if num is not None:
        numbering = f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{numbering}{extra}</w:pPr>{"".join(runs)}</w:p>'


def body(paragraphs: Iterable[str], *, sect: str = "<w:sectPr/>") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'
        f"{''.join(paragraphs)}{sect}</w:body></w:document>"
    )


def parse(
    document: str,
    *,
    lang: Lang = "en",
    styles: str = STYLES.format(h1="", h2=""),
    extra: dict[str, str] | None = None,
) -> Document:
    parts = {"word/document.xml": document, "word/styles.xml": styles}
    parts["word/numbering.xml"] = NUMBERING
    parts |= extra or {}
    return parse_document(replace(SOURCE, lang=lang, resolution="test"), docx("", parts=parts))


def clauses(doc: Document) -> list[tuple[str, str | None, str]]:
    """(key, label, text) of every clause, in order."""
    return [
        (s.key, s.label, s.text) for s in segment_document(doc).segments if s.level is Level.CLAUSE
    ]


def keys(doc: Document, level: Level) -> list[str]:
    return [s.key for s in segment_document(doc).segments if s.level is level]


# --- Word's automatic numbering ----------------------------------------------------------


def test_numbering_formats() -> None:
    assert [letters(n) for n in (1, 2, 26, 27, 28)] == ["a", "b", "z", "aa", "bb"]
    assert [roman(n) for n in (1, 4, 9, 14, 40)] == ["i", "iv", "ix", "xiv", "xl"]


def test_style_numbered_headings_and_numbered_lists() -> None:
    doc = parse(
        body(
            [
                sp("RecNo", t("Recommendation X.1")),
                sp("Rectitle", t("A test of numbering")),
                sp("Heading1", t("Scope")),
                sp("Normal", t("This text has a scope.")),
                sp("Heading1", t("Requirements")),
                sp("Heading2", t("Speed")),
                sp("Normal", t("It shall be fast:")),
                sp("enumlev1", t("in the morning;"), num=(2, 0)),
                sp("enumlev2", t("early;"), num=(2, 1)),
                sp("enumlev2", t("late;"), num=(2, 1)),
                sp("enumlev1", t("in the evening."), num=(2, 0)),
                sp("Heading2", t("Safety")),
                sp("enumlev1", t("first restarted item;"), num=(3, 0)),
                sp("NoteX", t("NOTE – A note styled after Note.")),
            ]
        ),
        styles=STYLES.format(**STYLE_NUMBERED),
    )
    assert clauses(doc) == [
        ("1", "1", "Scope\nThis text has a scope."),
        ("2", "2", "Requirements"),
        ("2.1", "2.1", "Speed\nIt shall be fast:"),
        ("2.1.a", "a)", "in the morning;"),
        ("2.1.a.i", "i)", "early;"),
        ("2.1.a.ii", "ii)", "late;"),
        ("2.1.b", "b)", "in the evening."),
        # A clause spans its paragraphs: the note after the item takes the item in.
        ("2.2", "2.2", "Safety\na)\tfirst restarted item;\nNOTE – A note styled after Note."),
        ("2.2.a", "a)", "first restarted item;"),
    ]
    assert ("auto_label", "2.1") in doc.blocks[[b.key for b in doc.blocks].index("2.1")].meta
    assert doc.title == "A test of numbering"
    assert doc.warnings == ()
    note = next(b for b in doc.blocks if b.text.startswith("NOTE"))
    assert ("style", "note") in note.meta


def test_numbering_overrides_and_restarts() -> None:
    numbering = Numbering.read(
        __import__("lxml.etree", fromlist=["fromstring"]).fromstring(NUMBERING.encode())
    )
    labels = [
        numbering.next_label("4", 0),  # Annex A
        numbering.next_label("4", 1),  # A.1
        numbering.next_label("4", 1),  # A.2
        numbering.next_label("4", 0),  # Annex B: level 1 restarts
        numbering.next_label("4", 1),  # B.1
        numbering.next_label("2", 0),  # a)
        numbering.next_label("2", 0),  # b)
        numbering.next_label("3", 0),  # a) again: num 3 restarts abstract 20
        numbering.next_label("99", 0),  # no such list
    ]
    assert labels == ["Annex A", "A.1", "A.2", "Annex B", "B.1", "a)", "b)", "a)", None]


# --- furniture ---------------------------------------------------------------------------

TOC_FIELD_BEGIN = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
)
TOC_FIELD_END = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
HEADER = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="{W_NS}">'
    f"<w:p>{t('Rec. X.1 (01/2026)')}</w:p><w:p/></w:hdr>"
)
FOOTER = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:ftr xmlns:w="{W_NS}"><w:p>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    f"{t('7')}"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>'
)
SECTION_BREAK = '<w:sectPr><w:type w:val="nextPage"/></w:sectPr>'


def cover_toc_body() -> str:
    """A cover page, a copyright page, a TOC field over three paragraphs, a TOC control."""
    return body(
        [
            sp("Normal", t("INTERNATIONAL TELECOMMUNICATION UNION")),
            sp("Normal", t("SERIES X: TESTS"), extra=SECTION_BREAK),
            sp("Normal", t("FOREWORD")),
            sp("Normal", t("A foreword of the kind ITU prints.")),
            sp("Normal", t("\uf0e3 ITU 2026")),
            sp("Normal", t("All rights reserved.")),
            sp("Normal", '<w:r><w:br w:type="page"/></w:r>', t("Table of Contents")),
            sp("Normal", TOC_FIELD_BEGIN, t("1\tScope\t1")),
            sp("Normal", t("2\tRequirements\t1")),
            sp("Normal", t("Bibliography\t2"), TOC_FIELD_END),
            '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
            "</w:docPartObj></w:sdtPr><w:sdtContent>"
            + sp("TOC1", t("1\tScope\t1"))
            + sp("Normal", t("Contents in a content control\t3"))
            + "</w:sdtContent></w:sdt>",
            sp(
                "RecNo",
                '<w:r><w:br w:type="page"/></w:r>',
                t("Recommendation X.1"),
            ),
            sp("Heading1", t("1\tScope")),
            sp(
                "Normal",
                t("This Recommendation is on page "),
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                t("4"),
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                t("."),
                extra=SECTION_BREAK,
            ),
            sp("Normal", t("SERIES OF ITU-T RECOMMENDATIONS")),
            sp("Normal", t("Series X\tTests")),
        ]
    )


def test_toc_cover_copyright_back_page_headers_and_footers_are_set_aside() -> None:
    doc = parse(
        cover_toc_body(),
        extra={"word/header1.xml": HEADER, "word/footer1.xml": FOOTER},
    )
    assert dict(doc.set_aside) == {
        "cover": 2,
        "copyright": 4,
        "toc": 6,
        "back": 2,
        "header_footer": 2,
    }
    for gone in ("Scope\t1", "Contents", "FOREWORD", "ITU 2026", "SERIES", "X.1 (01", "page 4"):
        assert gone not in doc.text, gone
    assert clauses(doc) == [("1", "1", "Scope\nThis Recommendation is on page .")]
    field = next(b for b in doc.blocks if b.text.startswith("This"))
    assert ("field", "PAGE") in field.meta


def test_a_document_without_itu_styles_is_read_as_plain_paragraphs_with_a_warning() -> None:
    doc = parse(body([sp("Normal", t("Just a letter.")), sp("Normal", t("Regards."))]))
    assert [b.text for b in doc.blocks] == ["Just a letter.", "Regards."]
    assert doc.warnings == (
        "no ITU paragraph styles and no section headings recognised;"
        " every paragraph kept as plain text",
    )
    assert doc.set_aside == ()


# --- tables ------------------------------------------------------------------------------


def tc(*paras: str) -> str:
    return f"<w:tc>{''.join(paras) or '<w:p/>'}</w:tc>"


def table(*rows: Iterable[str]) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{''.join(r)}</w:tr>" for r in rows) + "</w:tbl>"


def test_table_cells_are_clauses_under_their_table_and_row() -> None:
    doc = parse(
        body(
            [
                sp("Heading1", t("4\tAbbreviations")),
                sp("Normal", t("This Recommendation uses:")),
                table(
                    [tc(sp("Normal", t("BCP"))), tc(sp("Normal", t("Business continuity plan")))],
                    [tc(sp("Normal", t("DTN"))), tc()],
                ),
                table([tc(sp("Heading1", t("5\tA framed heading")), sp("Normal", t("Framed.")))]),
            ]
        )
    )
    assert clauses(doc) == [
        ("4", "4", "Abbreviations\nThis Recommendation uses:"),
        ("4.table-1", None, "BCP\nBusiness continuity plan\nDTN"),
        ("4.table-1.r1", None, "BCP\nBusiness continuity plan"),
        ("4.table-1.r1.c1", None, "BCP"),
        ("4.table-1.r1.c2", None, "Business continuity plan"),
        ("4.table-1.r2", None, "DTN"),
        ("4.table-1.r2.c1", None, "DTN"),
        ("5", "5", "A framed heading\nFramed."),
    ]
    paragraphs = [s for s in segment_document(doc).segments if s.level is Level.PARAGRAPH]
    assert [p.text for p in paragraphs if p.key.startswith("4.table")] == [
        "BCP",
        "Business continuity plan",
        "DTN",
    ]


# --- Arabic mirrored numbers ---------------------------------------------------------------


def test_arabic_mirrored_numbers_give_the_keys_of_the_other_languages() -> None:
    doc = parse(
        body(
            [
                sp("Heading1", t("7\tالمتطلبات")),
                sp("Heading2", t("1.7\tالاعتمادية")),
                sp("Normal", t("2.1.7\tتعريف أول.")),
                sp("Headingb", t("(4\tإطناب البيانات")),
                sp("Normal", t("نص الفقرة.")),
                sp("Heading2", t("7.2\tرقم مكتوب بالترتيب اللاتيني")),
                sp("Normal", t("المدى E.799-E.750.")),
            ]
        ),
        lang="ar",
    )
    assert [(key, label) for key, label, _ in clauses(doc)] == [
        ("7", "7"),
        ("7.1", "1.7"),
        ("7.1.2", "2.1.7"),
        ("7.1.4", "(4"),
        ("7.2", "7.2"),
    ]
    assert read_range("المدى E.799-E.750.") == ("E.750", "E.799")


@pytest.mark.parametrize(
    ("label", "lang", "key"),
    [
        ("1.7", "ar", "7.1"),
        ("2.1.3", "ar", "3.1.2"),
        ("7.7", "ar", "7.7"),
        ("٣.١", "ar", "1.3"),
        ("1.7", "en", "1.7"),
        ("A.16.2", "en", "A.16.2"),
        ("1bis.1.1", "fr", "1bis.1.1"),
        ("I.1", "es", "I.1"),
        ("1)", "en", None),
        ("Scope", "en", None),
    ],
)
def test_number_keys(label: str, lang: Lang, key: str | None) -> None:
    assert number_key(label, lang) == key


# --- a proposal with tracked changes, read by its styles -----------------------------------


def test_tracked_changes_in_call_sections_are_read_as_in_the_plain_text() -> None:
    doc = parse(
        body(
            [
                sp("Proposal", t("MOD\tXYZ/1")),
                sp(
                    "ResNo",
                    t("RESOLUTION 99 (REV. "),
                    dele("DUBAI, 2018"),
                    ins("BUCHAREST, 2022"),
                    t(")"),
                ),
                sp("Restitle", t("A test resolution")),
                sp("Call", t("considering")),
                sp("Normal", t("a)\tthat the first clause stays;")),
                sp("Normal", dele("b)\tthat this clause goes;")),
                sp("Normal", dele("c", rid=3), ins("b", rid=4), t(")\tthat this one moves up:")),
                sp("enumlev1", t("i)\ta sub-item;")),
                sp("Normal", t("and a closing paragraph.")),
            ]
        ),
        styles=STYLES.format(h1="", h2="").replace(
            "</w:styles>",
            '<w:style w:type="paragraph" w:styleId="ResNo"><w:name w:val="Res_No"/></w:style>'
            '<w:style w:type="paragraph" w:styleId="Restitle"><w:name w:val="Res_title"/>'
            '</w:style><w:style w:type="paragraph" w:styleId="Call"><w:name w:val="Call"/>'
            '</w:style><w:style w:type="paragraph" w:styleId="Proposal">'
            '<w:name w:val="Proposal"/></w:style></w:styles>',
        ),
    )
    assert doc.warnings == ("proposal marker 'MOD XYZ/1' is not resolution text",)
    segments = segment_document(doc).segments
    found = [(s.key, s.label, s.change) for s in segments if s.level is Level.CLAUSE]
    assert [(key, label) for key, label, _ in found] == [
        ("considering.a", "a)"),
        ("considering.b", "b)"),  # deleted whole: its label before the change
        ("considering.b~2", "b)"),  # c) renumbered b)
        ("considering.b.i", "i)"),
    ]
    renumbered = next(b for b in doc.blocks if b.text.startswith("that this one"))
    assert ("old_label", "c") in renumbered.meta and ("new_label", "b") in renumbered.meta
    assert doc.title == "A test resolution"


def test_a_label_alone_is_a_clause_of_its_own_text() -> None:
    doc = parse(
        body([sp("Heading1", t("1\tScope")), sp("Headingb", t("1)\t")), sp("Normal", t("x"))])
    )
    assert clauses(doc) == [("1", "1", "Scope"), ("1.1", "1)", "1)\t\nx")]


def test_text_above_a_table_of_contents_on_its_page_stays() -> None:
    doc = parse(
        body(
            [
                sp("Rectitle", t("A short Recommendation")),
                sp("Headingb", t("Summary")),
                sp("Normal", t("This summary shares its page with the contents.")),
                sp("Normal", t("It has two paragraphs.")),
                sp("Normal", t("Contents")),
                sp("TOC1", t("1\tScope\t1")),
                sp("Heading1", t("1\tScope")),
            ]
        )
    )
    assert dict(doc.set_aside) == {"toc": 2}
    assert keys(doc, Level.SECTION) == ["title", "summary", "body"]
    assert "It has two paragraphs." in doc.text and "Contents" not in doc.text
