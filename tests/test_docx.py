"""The .docx parser on small Word files built here, tracked changes included.

Every .docx below was written for these tests: the WordprocessingML is typed by hand
and zipped with zipfile. The wording is that of ITU Resolution 130 (English, 2018)
as in the bundled Akoma Ntoso file, with revisions of the kind the 2022 proposals
carry (a new venue and year, a renumbered clause, a clause deleted, one inserted).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import replace
from xml.sax.saxutils import escape

import pytest

from corpus.errors import InputError
from corpus.model import BlockKind, Change, Document, Level, SourceFile, SourceFormat
from corpus.parse import parse_document
from corpus.revision import before_text
from corpus.segment import segment_document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)

SOURCE = SourceFile(
    resolution="130",
    lang="en",
    format=SourceFormat.DOCX,
    path="hand/130.en.docx",
    sha256="0" * 64,
    version="test",
    provenance="written for tests/test_docx.py",
    licence="none",
)


# --- a tiny WordprocessingML writer -----------------------------------------------------


def t(text: str) -> str:
    """A run of plain text (tabs become <w:tab/>)."""
    parts = text.split("\t")
    inner = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' for p in parts)
    return f"<w:r>{inner}</w:r>"


def ins(text: str, rid: int = 1) -> str:
    return f'<w:ins w:id="{rid}" w:author="ITU" w:date="2022-06-01T00:00:00Z">{t(text)}</w:ins>'


def dele(text: str, rid: int = 2) -> str:
    parts = text.split("\t")
    inner = "<w:tab/>".join(
        f'<w:delText xml:space="preserve">{escape(p)}</w:delText>' for p in parts
    )
    date = "2022-06-01T00:00:00Z"
    return f'<w:del w:id="{rid}" w:author="ITU" w:date="{date}"><w:r>{inner}</w:r></w:del>'


def p(*runs: str, mark: str = "") -> str:
    """A paragraph; ``mark`` "ins" or "del" tracks the paragraph mark itself."""
    ppr = ""
    if mark:
        ppr = f'<w:pPr><w:rPr><w:{mark} w:id="9" w:author="ITU"/></w:rPr></w:pPr>'
    return f"<w:p>{ppr}{''.join(runs)}</w:p>"


def document(paragraphs: Iterable[str]) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
        f"<w:body>{''.join(paragraphs)}<w:sectPr/></w:body></w:document>"
    )


def footnotes(notes: dict[str, str]) -> str:
    body = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
    )
    for note_id, text in notes.items():
        body += (
            f'<w:footnote w:id="{note_id}"><w:p><w:r><w:footnoteRef/></w:r>{t(text)}</w:p>'
            "</w:footnote>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W_NS}">{body}</w:footnotes>'
    )


def docx(body: str, notes: str | None = None, *, parts: dict[str, str] | None = None) -> bytes:
    """Zip the parts into a .docx (only what the parser reads, plus the content types)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        if parts is None:
            archive.writestr("word/document.xml", body)
            if notes is not None:
                archive.writestr("word/footnotes.xml", notes)
        else:
            for name, content in parts.items():
                archive.writestr(name, content)
    return buffer.getvalue()


FIELD_REF = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> REF _Ref51 \\h </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>Annex 1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
)

RES130 = document(
    [
        p(t("MOD\tIAP/76A35/1")),
        p(
            '<w:bookmarkStart w:id="0" w:name="_Toc407016224"/>',
            t("RESOLUTION 130 (REV. "),
            dele("DUBAI, 2018"),
            ins("BUCHAREST, 2022"),
            t(")"),
            '<w:bookmarkEnd w:id="0"/>',
        ),
        p(
            t(
                "Strengthening the role of ITU in building confidence and security in the use"
                " of information and communication technologies"
            )
        ),
        p(
            t("The Plenipotentiary Conference of the International Telecommunication Union ("),
            dele("Dubai, 2018"),
            ins("Bucharest, 2022"),
            t("),"),
        ),
        p(t("recalling")),
        p(
            t("a)\tUnited Nations General Assembly (UNGA) Resolution "),
            dele("68/198"),
            ins("76/189"),
            t(", on information and communication technologies for development;"),
        ),
        p(
            dele(
                "b)\tUNGA Resolution 57/239, on the creation of a global culture of cybersecurity;"
            ),
            mark="del",
        ),
        p(
            dele("c"),
            ins("b"),
            t(")\tUNGA Resolution 71/199, on the right to privacy in the digital age;"),
        ),
        p(
            ins(
                "c)\tUNGA Resolution 70/125, on the outcome document of the high-level meeting"
                " of the General Assembly on the overall review of the implementation of the"
                " outcomes of WSIS;"
            ),
            mark="ins",
        ),
        p(
            t(
                "d)\tResolution 58 (Rev. Dubai, 2012) of the World Telecommunication"
                " Standardization Assembly, on encouraging the creation of national computer"
                " incident response teams, particularly for developing countries"
            ),
            '<w:r><w:footnoteReference w:id="2"/></w:r>',
            t(";"),
        ),
        p(t("resolves")),
        p(
            t("1\tto continue to give this work high priority within ITU."),
            ins(" It shall be reviewed every four years."),
            dele(" The Council shall report on it."),
        ),
        p(
            t("2\tto take into account the report referred to in "),
            FIELD_REF,
            t(", published on the "),
            '<w:fldSimple w:instr=" HYPERLINK &quot;https://www.itu.int/&quot; ">',
            t("ITU website"),
            "</w:fldSimple>",
            t(";"),
        ),
    ]
)
NOTES = footnotes(
    {
        "2": "\tThese include the least developed countries, small island developing states,"
        " landlocked developing countries and countries with economies in transition."
    }
)


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse_document(SOURCE, docx(RES130, NOTES))


def layers(doc: Document) -> list[tuple[str, str | None, str, str | None, Change | None]]:
    return [(b.kind.value, b.label, b.text, b.text_before, b.change) for b in doc.blocks]


def test_both_layers_of_every_block(doc: Document) -> None:
    u, m, i, d = Change.UNCHANGED, Change.MODIFIED, Change.INSERTED, Change.DELETED
    title = (
        "Strengthening the role of ITU in building confidence and security in the use"
        " of information and communication technologies"
    )
    assert layers(doc) == [
        (
            "title",
            None,
            "RESOLUTION 130 (REV. BUCHAREST, 2022)",
            "RESOLUTION 130 (REV. DUBAI, 2018)",
            m,
        ),
        ("title", None, title, title, u),
        (
            "paragraph",
            None,
            "The Plenipotentiary Conference of the International Telecommunication Union"
            " (Bucharest, 2022),",
            "The Plenipotentiary Conference of the International Telecommunication Union"
            " (Dubai, 2018),",
            m,
        ),
        ("heading", None, "recalling", "recalling", u),
        (
            "clause",
            "a)",
            "United Nations General Assembly (UNGA) Resolution 76/189, on information and"
            " communication technologies for development;",
            "United Nations General Assembly (UNGA) Resolution 68/198, on information and"
            " communication technologies for development;",
            m,
        ),
        (
            "clause",
            "b)",
            "",
            "UNGA Resolution 57/239, on the creation of a global culture of cybersecurity;",
            d,
        ),
        (
            "clause",
            "b)",
            "UNGA Resolution 71/199, on the right to privacy in the digital age;",
            "UNGA Resolution 71/199, on the right to privacy in the digital age;",
            u,
        ),
        (
            "clause",
            "c)",
            "UNGA Resolution 70/125, on the outcome document of the high-level meeting of the"
            " General Assembly on the overall review of the implementation of the outcomes"
            " of WSIS;",
            "",
            i,
        ),
        (
            "clause",
            "d)",
            "Resolution 58 (Rev. Dubai, 2012) of the World Telecommunication Standardization"
            " Assembly, on encouraging the creation of national computer incident response"
            " teams, particularly for developing countries;",
            "Resolution 58 (Rev. Dubai, 2012) of the World Telecommunication Standardization"
            " Assembly, on encouraging the creation of national computer incident response"
            " teams, particularly for developing countries;",
            u,
        ),
        (
            "footnote",
            "1",
            "These include the least developed countries, small island developing states,"
            " landlocked developing countries and countries with economies in transition.",
            "These include the least developed countries, small island developing states,"
            " landlocked developing countries and countries with economies in transition.",
            u,
        ),
        ("heading", None, "resolves", "resolves", u),
        (
            "clause",
            "1",
            "to continue to give this work high priority within ITU. It shall be reviewed"
            " every four years.",
            "to continue to give this work high priority within ITU. The Council shall report"
            " on it.",
            m,
        ),
        (
            "clause",
            "2",
            "to take into account the report referred to in Annex 1, published on the ITU website;",
            "to take into account the report referred to in Annex 1, published on the ITU website;",
            u,
        ),
    ]


def test_offsets_index_the_proposed_text(doc: Document) -> None:
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    assert "DUBAI, 2018" not in doc.text and "57/239" not in doc.text
    assert "REF _Ref51" not in doc.text and "HYPERLINK" not in doc.text
    # The whole before layer can be rebuilt from the revisions (but for the label of
    # the clause deleted whole, which is in its meta).
    before = before_text(doc.text, doc.revisions, 0, len(doc.text))
    assert "RESOLUTION 130 (REV. DUBAI, 2018)" in before
    assert "c)\tUNGA Resolution 71/199" in before and "76/189" not in before
    assert [(r.kind, r.text) for r in doc.revisions][:4] == [
        ("del", "DUBAI, 2018"),
        ("ins", "BUCHAREST, 2022"),
        ("del", "Dubai, 2018"),
        ("ins", "Bucharest, 2022"),
    ]


def test_labels_keys_and_meta(doc: Document) -> None:
    clauses = [b for b in doc.blocks if b.kind is BlockKind.CLAUSE]
    assert [(b.section, b.label_key) for b in clauses] == [
        ("recalling", "a"),
        ("recalling", "b"),
        ("recalling", "b"),
        ("recalling", "c"),
        ("recalling", "d"),
        ("resolves", "1"),
        ("resolves", "2"),
    ]
    deleted, renumbered, inserted = clauses[1:4]
    assert deleted.meta == (("paragraph_mark", "deleted"), ("label_before", "b)"))
    assert renumbered.meta == (("label_before", "c)"), ("old_label", "c"), ("new_label", "b"))
    assert inserted.meta == (("paragraph_mark", "inserted"),)
    assert clauses[4].meta == (("footnote", "1"),)
    assert clauses[6].meta == (
        ("field", "REF _Ref51 \\h"),
        ("field", 'HYPERLINK "https://www.itu.int/"'),
    )
    assert doc.blocks[0].meta == (("bookmark", "_Toc407016224"),)
    note = next(b for b in doc.blocks if b.kind is BlockKind.FOOTNOTE)
    assert (note.section, note.parent_label_key) == ("recalling", "d")
    assert note.meta == (("anchor", "1"), ("footnote_id", "2"))
    assert doc.title.startswith("Strengthening the role of ITU")
    # The deleted b) is numbered in the before layer only, so no duplicate is reported.
    assert doc.warnings == (
        "paragraph 1: proposal marker 'MOD IAP/76A35/1' is not resolution text",
    )


def test_segments_carry_both_layers(doc: Document) -> None:
    sd = segment_document(doc)
    for s in sd.segments:
        assert doc.text[s.start : s.end] == s.text
        assert s.change is not None and s.text_before is not None
    by_id = {s.id: s for s in sd.segments}
    deleted = by_id["130:en:recalling.b"]
    assert (deleted.text, deleted.change, deleted.start == deleted.end) == (
        "",
        Change.DELETED,
        True,
    )
    [sentence] = [s for s in sd.segments if s.parent_id == "130:en:recalling.b:p1"]
    assert (sentence.text, sentence.text_before, sentence.change) == (
        "",
        "UNGA Resolution 57/239, on the creation of a global culture of cybersecurity;",
        Change.DELETED,
    )
    assert by_id["130:en:recalling.b~2"].change is Change.UNCHANGED
    assert by_id["130:en:recalling.c"].change is Change.INSERTED
    sentences = [
        (s.text, s.text_before, s.change)
        for s in sd.segments
        if s.parent_id == "130:en:resolves.1:p1"
    ]
    assert sentences == [
        (
            "to continue to give this work high priority within ITU.",
            "to continue to give this work high priority within ITU.",
            Change.UNCHANGED,
        ),
        (
            "It shall be reviewed every four years.",
            "The Council shall report on it.",
            Change.MODIFIED,
        ),
    ]
    footnote = next(
        s for s in sd.segments if ("footnote", "1") in s.meta and s.level is Level.PARAGRAPH
    )
    assert footnote.parent_id == "130:en:recalling.d"


def test_docx_without_revisions_is_all_unchanged() -> None:
    body = document([p(t("recalling")), p(t("a)\tUNGA Resolution 71/199;"))])
    doc = parse_document(SOURCE, docx(body))
    assert doc.revisions == ()
    assert {b.change for b in doc.blocks} == {Change.UNCHANGED}
    assert all(s.text_before == s.text for s in segment_document(doc).segments)


def test_inserted_then_deleted_text_is_in_neither_layer() -> None:
    nested = '<w:ins w:id="1" w:author="A">' + dele("draft ") + t("final ") + "</w:ins>"
    body = document([p(t("recalling")), p(t("a)\tthe "), nested, t("text;"))])
    clause = parse_document(SOURCE, docx(body)).blocks[1]
    assert (clause.text, clause.text_before) == ("the final text;", "the text;")


def test_moves_are_a_deletion_and_an_insertion() -> None:
    body = document(
        [
            p(t("recalling")),
            p(t("a)\tfirst;"), '<w:moveFrom w:id="3" w:author="A">', t(" moved"), "</w:moveFrom>"),
            p(
                t("b)\tsecond"),
                '<w:moveTo w:id="4" w:author="A">',
                t(" moved"),
                "</w:moveTo>",
                t(";"),
            ),
        ]
    )
    a, b = parse_document(SOURCE, docx(body)).blocks[1:]
    assert (a.text, a.text_before, a.meta) == ("first;", "first; moved", (("moved", "from"),))
    assert (b.text, b.text_before, b.meta) == ("second moved;", "second;", (("moved", "to"),))


# --- malformed input -----------------------------------------------------------------------

HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1></body></html>"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "hand/130.en.docx: file is empty"),
        (b"recalling\na)\tsome text\n", "hand/130.en.docx: not a .docx file: not a zip archive"),
        (
            HTML_ERROR_PAGE,
            'hand/130.en.docx: not a .docx file: an HTML page titled "404 Not Found",'
            " not a Word zip archive",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
            "hand/130.en.docx: not a .docx file: an OLE2 compound file (a legacy .doc or an"
            " encrypted document), not a Word zip archive",
        ),
        (
            b"PK\x03\x04 truncated",
            "hand/130.en.docx: not a .docx file: damaged zip archive (File is not a zip file)",
        ),
        (
            docx("", parts={"word/styles.xml": "<styles/>"}),
            "hand/130.en.docx: not a .docx file: the zip archive has no word/document.xml",
        ),
        (
            docx("<w:document><w:body>"),
            "hand/130.en.docx: malformed XML in word/document.xml at line 1:"
            " Namespace prefix w on document is not defined",
        ),
        (
            docx("<html><body>Bad Gateway</body></html>"),
            "hand/130.en.docx: not a WordprocessingML document: word/document.xml has root"
            " <html>, not <w:document>",
        ),
        (docx(document([p(t("  ")), p()])), "hand/130.en.docx: document has no text"),
    ],
)
def test_malformed_docx_gives_one_line_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_document(SOURCE, data)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_docx_without_structure_falls_back_to_paragraphs_with_a_warning() -> None:
    body = document(
        [p(t("Minutes of the meeting.")), p(t("The meeting opened at 09:30. It closed at 12:00."))]
    )
    doc = parse_document(replace(SOURCE, path="minutes.docx"), docx(body))
    assert [(b.kind, b.section, b.text) for b in doc.blocks] == [
        (BlockKind.PARAGRAPH, "body", "Minutes of the meeting."),
        (BlockKind.PARAGRAPH, "body", "The meeting opened at 09:30. It closed at 12:00."),
    ]
    assert doc.warnings == (
        "no ITU paragraph styles and no section headings recognised;"
        " every paragraph kept as plain text",
    )
    sentences = [s.text for s in segment_document(doc).at_level(Level.SENTENCE)]
    assert sentences == [
        "Minutes of the meeting.",
        "The meeting opened at 09:30.",
        "It closed at 12:00.",
    ]
