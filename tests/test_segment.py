"""The segment hierarchy: small documents built by hand, then every bundled document.

The hand-built documents below were written for these tests: their blocks are
what a parser would emit, their text is copied from the bundled UDHR and the
French text of Resolution 130, so that the rules are tested one at a time.
"""

from __future__ import annotations

from collections import Counter

import pytest

from corpus.errors import InputError
from corpus.manifest import BUNDLED_MANIFEST, read_manifest, read_source_bytes
from corpus.model import (
    Block,
    BlockKind,
    Document,
    Lang,
    Level,
    SegmentedDocument,
    SourceFile,
    SourceFormat,
)
from corpus.normalize import normalize
from corpus.parse import parse_document
from corpus.segment import children_index, segment_document

# kind, section, text, label, label_key, parent_label_key, meta
Piece = tuple[BlockKind, str, str, str | None, str | None, str | None, tuple[tuple[str, str], ...]]


def piece(
    kind: BlockKind,
    section: str,
    text: str,
    label: str | None = None,
    key: str | None = None,
    parent: str | None = None,
    meta: tuple[tuple[str, str], ...] = (),
) -> Piece:
    return (kind, section, text, label, key, parent, meta)


def make_doc(resolution: str, lang: Lang, pieces: list[Piece]) -> Document:
    """Lay the pieces out one per line and give each block its exact offsets."""
    text, blocks = "", []
    for kind, section, body, label, key, parent, meta in pieces:
        start = len(text)
        text += body + "\n"
        blocks.append(
            Block(kind, section, body, start, start + len(body), label, key, parent, meta)
        )
    source = SourceFile(
        resolution=resolution,
        lang=lang,
        format=SourceFormat.FLATTENED_TEXT,
        path=f"hand/{resolution}.{lang}.txt",
        sha256="0" * 64,
        version="test",
        provenance="written for tests/test_segment.py",
        licence="none",
    )
    return Document(resolution, lang, source, "test", text, tuple(blocks))


T, H, P, C, F = (
    BlockKind.TITLE,
    BlockKind.HEADING,
    BlockKind.PARAGRAPH,
    BlockKind.CLAUSE,
    BlockKind.FOOTNOTE,
)

UDHR_EN = make_doc(
    "udhr",
    "en",
    [
        piece(T, "title", "Universal Declaration of Human Rights"),
        piece(H, "preamble", "Preamble"),
        piece(
            P,
            "preamble",
            "Whereas it is essential to promote the development of friendly relations between "
            "nations,",
        ),
        piece(P, "preamble", "The General Assembly"),
        piece(C, "article", "Article 1", "Article 1", "1"),
        piece(
            P,
            "article",
            "All human beings are born free and equal in dignity and rights. They are endowed "
            "with reason and conscience and should act towards one another in a spirit of "
            "brotherhood.",
            parent="1",
        ),
        piece(C, "article", "Article 2", "Article 2", "2"),
        piece(
            P,
            "article",
            "Everyone is entitled to all the rights and freedoms set forth in this Declaration.",
            parent="2",
        ),
        piece(
            P,
            "article",
            "Furthermore, no distinction shall be made on the basis of the political, "
            "jurisdictional or international status of the country or territory.",
            parent="2",
        ),
    ],
)

RES130_FR = make_doc(
    "130",
    "fr",
    [
        piece(T, "title", "RÉSOLUTION 130 (RÉV. DUBAÏ, 2018bucarest, 2022)"),
        piece(T, "title", "Renforcement du rôle de l'UIT dans l'instauration de la confiance "),
        piece(T, "title", "et de la sécurité dans l'utilisation des technologies "),
        piece(
            P,
            "formula",
            "La Conférence de plénipotentiaires de l'Union internationale des "
            "télécommunications (Dubaï, 2018Bucarest, 2022),",
        ),
        piece(H, "recalling", "rappelant"),
        piece(
            C,
            "recalling",
            "a)\tla Résolution 71/199 de l'Assemblée générale des Nations Unies, intitulée "
            '"Le droit à la vie privée à l\'ère du numérique";',
            "a)",
            "a",
        ),
        piece(
            C,
            "recalling",
            "no)\tla Résolution 58 (Rév. Dubaï, 2012Genève, 2022) de l'Assemblée mondiale de "
            "normalisation des télécommunications (l'AMNT);",
            "no)",
            "o",
        ),
        piece(
            F,
            "recalling",
            "1\tPar pays en développement, on entend aussi les pays les moins avancés.",
            "1",
            "1",
            meta=(("marker", "[footnoteRef:1]"),),
        ),
        piece(
            C,
            "recalling",
            "op)\tla Résolution 67 (Rév. Buenos Aires, 2017Kigali, 2022) de la CMDT;",
            "op)",
            "p",
        ),
        piece(C, "recalling", "i)\tla Résolution 50 de l'AMNT;", "i)", "i", "p"),
        piece(C, "recalling", "ii)\tla Résolution 58 de l'AMNT;", "ii)", "ii", "p"),
        piece(
            C,
            "recalling",
            "pq)\tla Résolution 69 (Rév. Buenos Aires, 2017Kigali, 2022) de la CMDT;",
            "pq)",
            "p",
        ),
    ],
)


@pytest.fixture(scope="module")
def udhr() -> SegmentedDocument:
    return segment_document(UDHR_EN)


@pytest.fixture(scope="module")
def res130() -> SegmentedDocument:
    return segment_document(RES130_FR)


def outline(sd: SegmentedDocument) -> list[tuple[str, str, str | None]]:
    return [(s.level.value, s.id, s.parent_id) for s in sd.segments]


def test_udhr_hierarchy_ids_and_parents(udhr: SegmentedDocument) -> None:
    assert outline(udhr) == [
        ("section", "udhr:en:title", None),
        ("paragraph", "udhr:en:title:p1", "udhr:en:title"),
        ("sentence", "udhr:en:title:p1:s1", "udhr:en:title:p1"),
        ("section", "udhr:en:preamble", None),
        ("paragraph", "udhr:en:preamble:p1", "udhr:en:preamble"),
        ("sentence", "udhr:en:preamble:p1:s1", "udhr:en:preamble:p1"),
        ("paragraph", "udhr:en:preamble:p2", "udhr:en:preamble"),
        ("sentence", "udhr:en:preamble:p2:s1", "udhr:en:preamble:p2"),
        ("section", "udhr:en:article", None),
        ("clause", "udhr:en:article.1", "udhr:en:article"),
        ("paragraph", "udhr:en:article.1:p1", "udhr:en:article.1"),
        ("sentence", "udhr:en:article.1:p1:s1", "udhr:en:article.1:p1"),
        ("sentence", "udhr:en:article.1:p1:s2", "udhr:en:article.1:p1"),
        ("clause", "udhr:en:article.2", "udhr:en:article"),
        ("paragraph", "udhr:en:article.2:p1", "udhr:en:article.2"),
        ("sentence", "udhr:en:article.2:p1:s1", "udhr:en:article.2:p1"),
        ("paragraph", "udhr:en:article.2:p2", "udhr:en:article.2"),
        ("sentence", "udhr:en:article.2:p2:s1", "udhr:en:article.2:p2"),
    ]


def test_section_text_is_its_heading_or_first_block(udhr: SegmentedDocument) -> None:
    sections = {s.key: s.text for s in udhr.at_level(Level.SECTION)}
    assert sections == {
        "title": "Universal Declaration of Human Rights",
        "preamble": "Preamble",
        "article": "Article 1",
    }
    assert all(s.label is None for s in udhr.at_level(Level.SECTION))


def test_article_clause_spans_its_paragraphs(udhr: SegmentedDocument) -> None:
    clauses = {s.key: s for s in udhr.at_level(Level.CLAUSE)}
    article2 = clauses["article.2"]
    assert article2.label == "Article 2"
    assert article2.text.startswith("Everyone is entitled")
    assert article2.text.endswith("country or territory.")
    assert "\n" in article2.text  # both paragraphs, with what lies between them
    assert clauses["article.1"].text == udhr.children("udhr:en:article.1")[0].text


def test_paragraphs_and_sentences_carry_the_enclosing_key(udhr: SegmentedDocument) -> None:
    by_id = {s.id: s for s in udhr.segments}
    for s in udhr.segments:
        if s.level in (Level.PARAGRAPH, Level.SENTENCE):
            assert s.parent_id is not None
            assert s.key == by_id[s.parent_id].key


def test_text_offsets_norm_and_positions(
    udhr: SegmentedDocument, res130: SegmentedDocument
) -> None:
    for sd in (udhr, res130):
        doc = sd.document
        assert [s.position for s in sd.segments] == list(range(len(sd.segments)))
        for s in sd.segments:
            assert s.text == doc.text[s.start : s.end]
            assert s.norm == normalize(s.text, doc.lang)
            assert (s.resolution, s.lang) == (doc.resolution, doc.lang)


def test_sentence_offsets_are_absolute(udhr: SegmentedDocument) -> None:
    s1, s2 = udhr.children("udhr:en:article.1:p1")
    assert s1.text == "All human beings are born free and equal in dignity and rights."
    assert s2.text.startswith("They are endowed")
    assert UDHR_EN.text[s2.start : s2.end] == s2.text
    assert s1.end < s2.start


def test_title_lines_are_paragraphs_of_one_section(res130: SegmentedDocument) -> None:
    title = res130.children("130:fr:title")
    assert [s.id for s in title] == ["130:fr:title:p1", "130:fr:title:p2", "130:fr:title:p3"]
    assert title[1].text == "Renforcement du rôle de l'UIT dans l'instauration de la confiance "
    assert res130.segments[0].text == "RÉSOLUTION 130 (RÉV. DUBAÏ, 2018bucarest, 2022)"
    # "(RÉV. DUBAÏ" does not split.
    assert len(res130.children("130:fr:title:p1")) == 1


def test_unattached_paragraph_is_a_child_of_its_section(res130: SegmentedDocument) -> None:
    [formula] = res130.children("130:fr:formula")
    assert formula.level is Level.PARAGRAPH
    assert formula.id == "130:fr:formula:p1"
    assert formula.key == "formula"


def test_clause_without_paragraph_blocks_gets_its_own_text(res130: SegmentedDocument) -> None:
    clause = next(s for s in res130.segments if s.id == "130:fr:recalling.a")
    [paragraph] = res130.children(clause.id)
    assert paragraph.id == "130:fr:recalling.a:p1"
    assert paragraph.text == clause.text
    assert (paragraph.start, paragraph.end) == (clause.start, clause.end)
    assert clause.label == "a)"


def test_footnote_is_a_paragraph_of_the_clause_it_follows(res130: SegmentedDocument) -> None:
    own, footnote = res130.children("130:fr:recalling.o")
    assert own.id == "130:fr:recalling.o:p1"
    assert footnote.id == "130:fr:recalling.o:p2"
    assert footnote.level is Level.PARAGRAPH
    assert footnote.key == "recalling.o"
    assert footnote.meta == (("marker", "[footnoteRef:1]"), ("footnote", "1"))
    assert footnote.text.startswith("1\tPar pays en développement")


def test_sub_items_nest_under_their_parent_clause(res130: SegmentedDocument) -> None:
    children = res130.children("130:fr:recalling.p")
    assert [(s.level.value, s.id) for s in children] == [
        ("paragraph", "130:fr:recalling.p:p1"),
        ("clause", "130:fr:recalling.p.i"),
        ("clause", "130:fr:recalling.p.ii"),
    ]
    assert [s.key for s in children[1:]] == ["recalling.p.i", "recalling.p.ii"]
    assert [s.id for s in res130.children("130:fr:recalling.p.ii")] == ["130:fr:recalling.p.ii:p1"]


def test_parent_label_is_the_most_recent_clause_or_a_chain() -> None:
    doc = make_doc(
        "130",
        "en",
        [
            piece(H, "resolves", "resolves"),
            piece(C, "resolves", "i) to continue;", "i)", "i"),
            piece(C, "resolves", "p) to study:", "p)", "p"),
            piece(C, "resolves", "i) the security of networks;", "i)", "i", "p"),
            piece(C, "resolves", "A. national CIRTs;", "A.", "A", "i"),
            piece(C, "resolves", "B. regional CIRTs;", "B.", "B", "p.i"),
        ],
    )
    sd = segment_document(doc)
    assert [(s.key, s.parent_id) for s in sd.at_level(Level.CLAUSE)] == [
        ("resolves.i", "130:en:resolves"),
        ("resolves.p", "130:en:resolves"),
        ("resolves.p.i", "130:en:resolves.p"),
        ("resolves.p.i.A", "130:en:resolves.p.i"),
        ("resolves.p.i.B", "130:en:resolves.p.i"),
    ]


def test_duplicate_clause_keys_get_a_suffix(res130: SegmentedDocument) -> None:
    clauses = [s for s in res130.at_level(Level.CLAUSE) if s.parent_id == "130:fr:recalling"]
    assert [(s.label, s.key) for s in clauses] == [
        ("a)", "recalling.a"),
        ("no)", "recalling.o"),
        ("op)", "recalling.p"),
        ("pq)", "recalling.p~2"),
    ]
    assert clauses[-1].id == "130:fr:recalling.p~2"
    assert [s.id for s in res130.children(clauses[-1].id)] == ["130:fr:recalling.p~2:p1"]
    ids = [s.id for s in res130.segments]
    assert len(ids) == len(set(ids))


def test_repeated_section_run_gets_a_suffix() -> None:
    doc = make_doc(
        "130",
        "en",
        [
            piece(H, "resolves", "resolves"),
            piece(C, "resolves", "1 to continue its work;", "1", "1"),
            piece(H, "instructs", "instructs the Secretary-General"),
            piece(C, "instructs", "1 to report;", "1", "1"),
            piece(H, "resolves", "resolves"),
            piece(C, "resolves", "1 to review;", "1", "1"),
        ],
    )
    sd = segment_document(doc)
    assert [s.id for s in sd.at_level(Level.SECTION)] == [
        "130:en:resolves",
        "130:en:instructs",
        "130:en:resolves~2",
    ]
    assert [s.id for s in sd.at_level(Level.CLAUSE)] == [
        "130:en:resolves.1",
        "130:en:instructs.1",
        "130:en:resolves.1~2",
    ]
    assert sd.at_level(Level.CLAUSE)[-1].parent_id == "130:en:resolves~2"


def test_ids_are_stable_across_runs() -> None:
    assert segment_document(RES130_FR) == segment_document(RES130_FR)


def test_children_index_matches_children(res130: SegmentedDocument) -> None:
    index = children_index(res130.segments)
    assert [s.id for s in index[None]] == [s.id for s in res130.at_level(Level.SECTION)]
    for s in res130.segments:
        assert index.get(s.id, []) == res130.children(s.id)


def test_document_without_blocks_is_an_input_error() -> None:
    doc = make_doc("130", "ar", [])
    with pytest.raises(InputError, match=r"^hand/130\.ar\.txt: no blocks to segment$"):
        segment_document(doc)


def test_block_whose_text_is_not_its_span_is_an_input_error() -> None:
    doc = make_doc("udhr", "zh", [piece(T, "title", "世界人权宣言")])
    shifted = Block(BlockKind.TITLE, "title", "世界人权宣言", 1, 7)
    bad = Document(doc.resolution, doc.lang, doc.source, doc.title, doc.text, (shifted,))
    with pytest.raises(InputError, match=r"^hand/udhr\.zh\.txt:block 0: title block text"):
        segment_document(bad)


# Every bundled document, through the real parsers.

BUNDLED = read_manifest(BUNDLED_MANIFEST)


@pytest.fixture(scope="module")
def bundled() -> dict[tuple[str, str], SegmentedDocument]:
    return {
        (s.resolution, s.lang): segment_document(parse_document(s, read_source_bytes(s)))
        for s in BUNDLED
    }


@pytest.mark.parametrize("source", BUNDLED, ids=lambda s: f"{s.resolution}-{s.lang}")
def test_bundled_document_segments_are_consistent(
    source: SourceFile, bundled: dict[tuple[str, str], SegmentedDocument]
) -> None:
    sd = bundled[(source.resolution, source.lang)]
    doc = sd.document
    ids = [s.id for s in sd.segments]
    assert len(ids) == len(set(ids))
    index = children_index(sd.segments)
    for s in sd.segments:
        assert s.text == doc.text[s.start : s.end]
        assert s.id.startswith(f"{doc.resolution}:{doc.lang}:")
        kinds = Counter(c.level for c in index.get(s.id, []))
        if s.level is Level.CLAUSE:
            assert kinds[Level.PARAGRAPH] >= 1, s.id
        if s.level is Level.PARAGRAPH:
            assert kinds[Level.SENTENCE] >= 1, s.id
            assert set(kinds) == {Level.SENTENCE}
        if s.level is Level.SENTENCE:
            assert s.text and s.text == s.text.strip()
            assert s.id not in index


@pytest.mark.parametrize("lang", ["ar", "en", "es", "fr", "ru", "zh"])
def test_udhr_has_thirty_article_clauses(
    lang: str, bundled: dict[tuple[str, str], SegmentedDocument]
) -> None:
    sd = bundled[("udhr", lang)]
    articles = [s for s in sd.at_level(Level.CLAUSE) if s.parent_id == f"udhr:{lang}:article"]
    assert [s.key for s in articles] == [f"article.{n}" for n in range(1, 31)]
