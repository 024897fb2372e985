"""Parsing the bundled real documents, and the one-line errors on bad input."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from corpus.errors import InputError, UnknownLanguageError
from corpus.manifest import BUNDLED_MANIFEST, BUNDLED_SOURCES, read_manifest, read_source_bytes
from corpus.model import LANGS, BlockKind, Document, Lang, SourceFile, SourceFormat
from corpus.parse import parse_document

SOURCES = read_manifest(BUNDLED_MANIFEST)
UDHR = {s.lang: s for s in SOURCES if s.resolution == "udhr"}
RES130_EN = next(s for s in SOURCES if s.resolution == "130" and s.lang == "en")
RES130_FR = next(s for s in SOURCES if s.resolution == "130" and s.lang == "fr")

RES130_SECTIONS = [
    "recalling",
    "considering",
    "recognizing",
    "aware",
    "noting",
    "bearing-in-mind",
    "resolves",
    "instructs-sg-bureaux",
    "instructs-tsb",
    "instructs-bdt",
    "instructs-tsb-bdt",
    "instructs-sg",
    "requests-council",
    "invites-ms",
    "invites-ms-sm-assoc",
]


def parse(source: SourceFile) -> Document:
    return parse_document(source, read_source_bytes(source))


@pytest.fixture(scope="module")
def udhr() -> dict[Lang, Document]:
    return {lang: parse(UDHR[lang]) for lang in LANGS}


@pytest.fixture(scope="module")
def fr() -> Document:
    return parse(RES130_FR)


@pytest.fixture(scope="module")
def en() -> Document:
    return parse(RES130_EN)


def kinds(doc: Document) -> Counter[str]:
    return Counter(b.kind.value for b in doc.blocks)


def clauses(doc: Document, section: str) -> list[tuple[str | None, str | None]]:
    return [
        (b.label_key, b.parent_label_key)
        for b in doc.blocks
        if b.kind is BlockKind.CLAUSE and b.section == section
    ]


# --- manifest ------------------------------------------------------------------------


def test_manifest_lists_the_bundled_files() -> None:
    assert [s.path for s in SOURCES] == [
        "udhr/arb.html",
        "udhr/cmn_hans.html",
        "udhr/eng.html",
        "udhr/fra.html",
        "udhr/rus.html",
        "udhr/spa.html",
        "itu-res130/en.final-acts-2018.akn.xml",
        "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt",
    ]
    assert {s.lang for s in SOURCES if s.resolution == "udhr"} == set(LANGS)
    assert RES130_EN.format is SourceFormat.AKOMA_NTOSO
    assert BUNDLED_MANIFEST.parent == BUNDLED_SOURCES


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.path)
def test_every_bundled_file_matches_its_hash(source: SourceFile) -> None:
    data = read_source_bytes(source)
    assert hashlib.sha256(data).hexdigest() == source.sha256


def test_unknown_language_names_the_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        BUNDLED_MANIFEST.read_text(encoding="utf-8").replace('lang = "ru"', 'lang = "de"'),
        encoding="utf-8",
    )
    with pytest.raises(UnknownLanguageError) as caught:
        read_manifest(manifest)
    assert str(caught.value) == (
        f"{manifest}: file entry 5 (udhr/rus.html) has unknown language 'de'"
    )


def test_hash_mismatch_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "udhr").mkdir()
    (tmp_path / "udhr" / "eng.html").write_bytes(b"<html>changed</html>")
    digest = hashlib.sha256(b"<html>changed</html>").hexdigest()
    with pytest.raises(InputError) as caught:
        read_source_bytes(UDHR["en"], tmp_path)
    assert str(caught.value) == (
        f"udhr/eng.html: sha256 mismatch: manifest has {UDHR['en'].sha256[:12]}…,"
        f" file has {digest[:12]}…"
    )


def test_missing_and_empty_source_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^udhr/eng.html: file not found$"):
        read_source_bytes(UDHR["en"], tmp_path)
    (tmp_path / "udhr").mkdir()
    (tmp_path / "udhr" / "eng.html").write_bytes(b"")
    with pytest.raises(InputError, match=r"^udhr/eng.html: file is empty$"):
        read_source_bytes(UDHR["en"], tmp_path)


# --- every bundled file ----------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.path)
def test_every_block_is_an_exact_slice_of_the_text(source: SourceFile) -> None:
    doc = parse(source)
    assert doc.blocks
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
        assert block.text == block.text.strip() and block.text
    starts = [b.start for b in doc.blocks if b.kind is not BlockKind.FOOTNOTE]
    assert starts == sorted(starts)


# --- UDHR --------------------------------------------------------------------------------

PREAMBLE_PARAGRAPHS = {"ar": 9, "zh": 8, "en": 10, "fr": 9, "ru": 9, "es": 10}
ARTICLE_1_LABEL = {
    "ar": "المادة 1",
    "zh": "第一条",
    "en": "Article 1",
    "fr": "Article premier",
    "ru": "Статья 1",
    "es": "Artículo 1",
}


@pytest.mark.parametrize("lang", LANGS)
def test_udhr_structure(udhr: dict[Lang, Document], lang: Lang) -> None:
    doc = udhr[lang]
    articles = [b for b in doc.blocks if b.kind is BlockKind.CLAUSE]
    assert len(articles) == 30
    assert [b.label_key for b in articles] == [str(n) for n in range(1, 31)]
    assert articles[0].label == articles[0].text == ARTICLE_1_LABEL[lang]
    assert {b.section for b in articles} == {"article"}
    preamble = [b for b in doc.blocks if b.section == "preamble"]
    assert [b.kind for b in preamble[:1]] == [BlockKind.HEADING]
    assert sum(b.kind is BlockKind.PARAGRAPH for b in preamble) == PREAMBLE_PARAGRAPHS[lang]
    titles = [b for b in doc.blocks if b.kind is BlockKind.TITLE]
    assert [b.text for b in titles] == [doc.title]
    assert doc.blocks[0].kind is BlockKind.TITLE and doc.warnings == ()


def test_udhr_articles_have_the_same_paragraph_counts(udhr: dict[Lang, Document]) -> None:
    def per_article(doc: Document) -> list[int]:
        counts = Counter(b.parent_label_key for b in doc.blocks if b.section == "article")
        return [counts[str(n)] for n in range(1, 31)]

    reference = per_article(udhr["en"])
    assert sum(reference) == 50 and reference[10] == 2  # article 11: two list items
    for lang in LANGS:
        assert per_article(udhr[lang]) == reference, lang


def test_udhr_list_items_keep_their_rank(udhr: dict[Lang, Document]) -> None:
    article_11 = [b for b in udhr["en"].blocks if b.parent_label_key == "11"]
    assert [b.meta for b in article_11] == [(("list_item", "1"),), (("list_item", "2"),)]
    assert article_11[0].text.startswith("Everyone charged with a penal offence")


# --- Resolution 130, French flattened text ------------------------------------------------


def test_fr_block_counts_and_sections(fr: Document) -> None:
    assert kinds(fr) == {"clause": 163, "heading": 15, "paragraph": 5, "title": 2, "footnote": 1}
    assert [b.section for b in fr.blocks if b.kind is BlockKind.HEADING] == RES130_SECTIONS
    assert [b.text for b in fr.blocks if b.kind is BlockKind.HEADING][-2:] == [
        "invite les États Membres",
        "invite les États Membres, les Membres des Secteurs et les Associés",
    ]


def test_fr_front_matter_and_markers(fr: Document) -> None:
    title_number, title = [b for b in fr.blocks if b.kind is BlockKind.TITLE]
    assert title_number.text == "RÉSOLUTION 130 (RÉV. DUBAÏ, 2018bucarest, 2022)"
    assert title_number.meta == (
        ("bookmark", "_Toc407016224"),
        (
            "revision_residue",
            'glued year at 38-63: "DUBAÏ, 2018bucarest, 2022"'
            ' = old "DUBAÏ, 2018" -> new "bucarest, 2022"',
        ),
    )
    assert title.meta == (("bookmark", "_Toc165351506"), ("bookmark", "_Toc407016225"))
    assert fr.title == (
        "Renforcement du rôle de l'UIT dans l'instauration de la confiance et de la sécurité"
        " dans l'utilisation des technologies de l'information et de la communication"
    )
    formula = fr.blocks[2]
    assert (formula.kind, formula.section) == (BlockKind.PARAGRAPH, "formula")
    assert formula.text.startswith("La Conférence de plénipotentiaires")
    assert "[bookmark" not in fr.text and "[footnoteRef" not in fr.text and "[1:" not in fr.text
    assert fr.warnings[0] == "line 1: proposal marker 'MOD IAP/76A35/1' is not resolution text"
    assert not any("MOD" in b.text for b in fr.blocks)


def test_fr_footnote(fr: Document) -> None:
    (note,) = [b for b in fr.blocks if b.kind is BlockKind.FOOTNOTE]
    assert note.text.startswith("Par pays en développement, on entend aussi")
    assert (note.section, note.label, note.parent_label_key) == ("recalling", "1", "o")
    assert note.meta == (("anchor", "1"),)
    anchor = next(b for b in fr.blocks if ("footnote", "1") in b.meta)
    assert anchor.label == "no)" and anchor.text.endswith('en développement";')


def test_fr_unlabelled_lines_are_paragraphs(fr: Document) -> None:
    paragraphs = [(b.section, b.text) for b in fr.blocks if b.kind is BlockKind.PARAGRAPH]
    assert [section for section, _ in paragraphs] == [
        "formula",
        "bearing-in-mind",
        "instructs-tsb-bdt",
        "instructs-sg",
        "requests-council",
    ]
    assert paragraphs[2][1] == "dans les limites de leurs responsabilités respectives,"
    assert paragraphs[4][1].startswith("d'inclure le rapport du Secrétaire général")


def test_fr_sub_items_and_bullets(fr: Document) -> None:
    assert clauses(fr, "instructs-tsb")[:6] == [
        ("1", None),
        ("i", "1"),
        ("ii", "1"),
        ("iii", "1"),
        ("bullet-1", "iii"),
        ("bullet-2", "iii"),
    ]
    recognizing = clauses(fr, "recognizing")
    assert recognizing[11:14] == [("j", None), ("i", "j"), ("ii", "j")]


FR_COMPOUNDS = [
    ("recalling", "gf)", "g", "f"),
    ("recalling", "no)", "n", "o"),
    ("recalling", "op)", "o", "p"),
    ("recalling", "pq)", "p", "q"),
    ("recalling", "qr)", "q", "r"),
    ("considering", "dc)", "d", "c"),
    ("considering", "ge)", "g", "e"),
    ("considering", "hf)", "h", "f"),
    ("considering", "ig)", "i", "g"),
    ("considering", "jh)", "j", "h"),
    ("considering", "ki)", "k", "i"),
    ("considering", "nj)", "n", "j"),
    ("considering", "ok)", "o", "k"),
    ("considering", "pl)", "p", "l"),
    ("considering", "qm)", "q", "m"),
    ("considering", "rn)", "r", "n"),
    ("recognizing", "kj)", "k", "j"),
    ("recognizing", "lk)", "l", "k"),
    ("recognizing", "ml)", "m", "l"),
    ("recognizing", "nm)", "n", "m"),
    ("recognizing", "on)", "o", "n"),
    ("aware", "ed)", "e", "d"),
    ("aware", "fe)", "f", "e"),
    ("aware", "gf)", "g", "f"),
    ("aware", "hg)", "h", "g"),
    ("noting", "dc)", "d", "c"),
    ("resolves", "1213", "12", "13"),
    ("instructs-bdt", "98", "9", "8"),
    ("instructs-bdt", "109", "10", "9"),
    ("instructs-bdt", "1110", "11", "10"),
    ("instructs-tsb-bdt", "43", "4", "3"),
    ("instructs-tsb-bdt", "64", "6", "4"),
    ("instructs-tsb-bdt", "75", "7", "5"),
    ("instructs-tsb-bdt", "86", "8", "6"),
    ("instructs-tsb-bdt", "97", "9", "7"),
    ("instructs-tsb-bdt", "108", "10", "8"),
    ("instructs-tsb-bdt", "119", "11", "9"),
    ("instructs-tsb-bdt", "1210", "12", "10"),
    ("instructs-tsb-bdt", "1311", "13", "11"),
    ("instructs-sg", "23", "2", "3"),
    ("invites-ms-sm-assoc", "56", "5", "6"),
    ("invites-ms-sm-assoc", "67", "6", "7"),
]


def test_fr_compound_labels_are_all_found(fr: Document) -> None:
    found = []
    for b in fr.blocks:
        meta = dict(b.meta)
        if "old_label" in meta:
            assert b.label_key == meta["new_label"]
            residue = [v for k, v in b.meta if k == "revision_residue"]
            assert residue[0] == (
                f"compound label {b.label} = {meta['old_label']} -> {meta['new_label']}"
            )
            found.append((b.section, b.label, meta["old_label"], meta["new_label"]))
    assert found == FR_COMPOUNDS


def test_fr_plain_labels_stay_plain(fr: Document) -> None:
    resolves = clauses(fr, "resolves")
    assert [key for key, _ in resolves] == [
        *["1", "2", "3", "4", "4-bis", "5", "5-bis", "6", "7", "8", "9", "10", "11", "12", "13"]
    ]
    keys = {b.label: b.label_key for b in fr.blocks if b.kind is BlockKind.CLAUSE}
    assert keys["j bis)"] == "j-bis" and keys["l quater)"] == "l-quater"
    assert keys["2 ter"] == "2-ter" and keys["4 bis"] == "4-bis"


# --- Resolution 130, English Akoma Ntoso -------------------------------------------------


def test_en_block_counts_and_sections(en: Document) -> None:
    assert kinds(en) == {"clause": 134, "heading": 15, "paragraph": 5, "title": 2, "footnote": 1}
    assert [b.section for b in en.blocks if b.kind is BlockKind.HEADING] == RES130_SECTIONS
    assert en.warnings == ()
    assert en.title.startswith("Strengthening the role of ITU in building confidence")
    assert en.blocks[0].text == "RESOLUTION 130 (REV. DUBAI, 2018)"


def test_en_and_fr_share_section_keys(en: Document, fr: Document) -> None:
    def keys(doc: Document) -> list[str]:
        return [b.section for b in doc.blocks if b.kind is BlockKind.HEADING]

    assert keys(en) == keys(fr)


def test_en_merged_headings_are_recovered(en: Document) -> None:
    headings = {b.section: b.text for b in en.blocks if b.kind is BlockKind.HEADING}
    assert headings["instructs-sg-bureaux"] == (
        "instructs the Secretary-General and the Directors of the Bureaux"
    )
    assert headings["instructs-tsb-bdt"] == (
        "further instructs the Director of the Telecommunication Standardization Bureau"
        " and the Director of the Telecommunication Development Bureau"
    )
    assert headings["requests-council"] == "requests the ITU Council"
    paragraphs = {b.section: b.text for b in en.blocks if b.kind is BlockKind.PARAGRAPH}
    assert paragraphs["requests-council"].startswith("to include the report of the Secretary")
    assert paragraphs["instructs-tsb-bdt"] == "each within the scope of their responsibilities"
    last_sg_bureaux = [b for b in en.blocks if b.section == "instructs-sg-bureaux"][-1]
    assert last_sg_bureaux.text.endswith("between the study groups and programmes concerned,")


@pytest.mark.parametrize(
    ("section", "count"),
    [("resolves", 12), ("instructs-bdt", 11), ("instructs-tsb-bdt", 13), ("invites-ms", 7)],
)
def test_en_merged_clauses_are_split(en: Document, section: str, count: int) -> None:
    main = [key for key, parent in clauses(en, section) if parent is None]
    assert main == [str(n) for n in range(1, count + 1)]


def test_en_merged_labels_sub_items_and_bullets(en: Document) -> None:
    recalling = [b for b in en.blocks if b.section == "recalling" and b.kind is BlockKind.CLAUSE]
    assert [b.label_key for b in recalling] == list("abcdefghijklmnopq")
    assert recalling[0].label == "a)" and recalling[0].text.startswith("United Nations General")
    assert clauses(en, "instructs-sg-bureaux")[:4] == [
        ("1", None),
        ("i", "1"),
        ("ii", "1"),
        ("iii", "1"),
    ]
    assert clauses(en, "instructs-tsb")[4:6] == [("bullet-1", "iii"), ("bullet-2", "iii")]
    assert clauses(en, "recognizing")[10:13] == [("k", None), ("i", "k"), ("ii", "k")]


def test_en_footnote(en: Document) -> None:
    (note,) = [b for b in en.blocks if b.kind is BlockKind.FOOTNOTE]
    assert note.text.startswith("These include the least developed countries")
    assert (note.section, note.label, note.parent_label_key) == ("recalling", "1", "n")
    anchor = next(b for b in en.blocks if ("footnote", "1") in b.meta)
    assert anchor.text.endswith("particularly for developing countries;")
    p_clause = next(b for b in en.blocks if b.section == "recalling" and b.label_key == "p")
    assert p_clause.text.endswith("and cooperation between them;")


# --- bad input -------------------------------------------------------------------------------

HTML_ERROR_PAGE = (
    b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
)


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        (UDHR["en"], b"", "udhr/eng.html: file is empty"),
        (UDHR["ar"], b" \n\t\n", "udhr/arb.html: file is empty"),
        (RES130_FR, b"", "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt: file is empty"),
        (UDHR["en"], b"<html>\xff</html>", "udhr/eng.html: not valid UTF-8 at byte 6"),
        (
            RES130_FR,
            "rappelant\na)\tla Résolution".encode("latin-1"),
            "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt: not valid UTF-8 at byte 17",
        ),
        (
            RES130_EN,
            b'<statement xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
            b"<preamble></statement>",
            "itu-res130/en.final-acts-2018.akn.xml: malformed XML at line 1:"
            " Opening and ending tag mismatch: preamble line 1 and statement",
        ),
        (
            RES130_EN,
            HTML_ERROR_PAGE,
            "itu-res130/en.final-acts-2018.akn.xml: not an Akoma Ntoso document: root element"
            " is <html>, not in namespace http://docs.oasis-open.org/legaldocml/ns/akn/3.0",
        ),
        (
            RES130_EN,
            b"<!DOCTYPE html>\n<html><body><h1>Bad Gateway</h1><hr></body></html>",
            "itu-res130/en.final-acts-2018.akn.xml: malformed XML at line 2:"
            " Opening and ending tag mismatch: hr line 2 and body",
        ),
        (
            UDHR["en"],
            HTML_ERROR_PAGE,
            "udhr/eng.html: no UDHR structure: expected <h1>, a <header> preamble"
            " and <article data-number> elements",
        ),
    ],
)
def test_bad_input_gives_one_line_error(source: SourceFile, data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_document(source, data)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_text_without_headings_is_kept_with_a_warning() -> None:
    doc = parse_document(RES130_FR, b"une ligne\n\nune autre ligne\n")
    assert [(b.kind, b.section, b.text) for b in doc.blocks] == [
        (BlockKind.PARAGRAPH, "body", "une ligne"),
        (BlockKind.PARAGRAPH, "body", "une autre ligne"),
    ]
    assert doc.warnings == ("no section headings recognised; every line kept as a plain paragraph",)


def test_unclosed_footnote_is_an_input_error() -> None:
    source = replace(RES130_FR, path="x.txt")
    with pytest.raises(InputError) as caught:
        parse_document(source, b"rappelant\na)\ttexte [1: note sans fin\n")
    assert str(caught.value) == "x.txt:line 2: footnote 1 is not closed by ']'"
