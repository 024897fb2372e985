"""A folder of files without a manifest: document and language from names, format from bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from corpus.errors import InputError
from corpus.fetch.acquire import gather
from corpus.fetch.folder import NAME_RULES, FolderSource, identify, sniff_format
from corpus.fetch.registry import load_registry
from corpus.manifest import BUNDLED_SOURCES
from corpus.model import SourceFormat
from tests.test_docx import RES130, docx


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("T-REC-E.119-201704-I!!MSW-E.docx", ("T-REC-E.119-201704-I", "en")),
        ("T-REC-E.119-201704-I!!MSW-A.docx", ("T-REC-E.119-201704-I", "ar")),
        ("S22-PP-C-0076!A35!MSW-F.docx", ("S22-PP-C-0076!A35", "fr")),
        ("S22-PP-C-0076!A35!PDF-C.pdf", ("S22-PP-C-0076!A35", "zh")),
        ("T-RES-T.1-2016-MSW-R.docx", ("T-RES-T.1-2016", "ru")),
        ("Y.3507-201812.en.docx", ("Y.3507-201812", "en")),
        ("udhr.es.html", ("udhr", "es")),
    ],
)
def test_document_and_language_from_the_name(name: str, expected: tuple[str, str]) -> None:
    assert identify(name) == expected


@pytest.mark.parametrize("name", ["notes.docx", "E.119-MSW-G.docx", "Y.3507.de.docx"])
def test_a_name_fitting_neither_rule_is_a_one_line_error(name: str) -> None:
    with pytest.raises(InputError) as caught:
        identify(name)
    assert (
        str(caught.value)
        == f"{name}: cannot tell the document and language from the name: {NAME_RULES}"
    )
    assert "\n" not in str(caught.value)


def test_format_from_the_bytes() -> None:
    assert sniff_format(docx(RES130)) is SourceFormat.DOCX
    assert (
        sniff_format((BUNDLED_SOURCES / "udhr" / "fra.html").read_bytes()) is SourceFormat.UDHR_HTML
    )
    akn = BUNDLED_SOURCES / "itu-res130" / "en.final-acts-2018.akn.xml"
    assert sniff_format(akn.read_bytes()) is SourceFormat.AKOMA_NTOSO
    assert sniff_format("1\tthat…\n".encode()) is SourceFormat.FLATTENED_TEXT
    assert sniff_format(b"%PDF-1.7\n") is None


def test_a_folder_is_read_as_a_manifest_would_be(tmp_path: Path) -> None:
    (tmp_path / "S22-PP-C-0076!A35!MSW-E.docx").write_bytes(docx(RES130))
    (tmp_path / "S22-PP-C-0076!A35!PDF-F.pdf").write_bytes(b"%PDF-1.7\n")
    (tmp_path / "udhr.fr.html").write_bytes((BUNDLED_SOURCES / "udhr" / "fra.html").read_bytes())
    (tmp_path / "README.md").write_text("notes are not documents", encoding="utf-8")
    registry = load_registry()
    assert registry.source(str(tmp_path)) == FolderSource(str(tmp_path), tmp_path)
    gathered = gather(registry, str(tmp_path))
    by_key = {r.key: r for r in gathered.results}
    assert sorted(by_key) == ["S22-PP-C-0076!A35:en", "S22-PP-C-0076!A35:fr", "udhr:fr"]
    word = by_key["S22-PP-C-0076!A35:en"].source
    assert word is not None and word.format is SourceFormat.DOCX
    assert word.sha256 == hashlib.sha256(docx(RES130)).hexdigest()
    assert (
        word.provenance
        == f"folder {tmp_path.resolve()} (no manifest): S22-PP-C-0076!A35!MSW-E.docx"
    )
    assert gathered.missing == {
        "S22-PP-C-0076!A35:fr": "S22-PP-C-0076!A35!PDF-F.pdf: a PDF or legacy Word file:"
        " no parser for this format"
    }
    only = gather(registry, str(tmp_path), resolutions=["udhr"])
    assert [r.key for r in only.results] == ["udhr:fr"]


def test_a_misnamed_file_stops_the_folder_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "Y.3507-201812.en.docx").write_bytes(docx(RES130))
    (tmp_path / "draft.docx").write_bytes(docx(RES130))
    with pytest.raises(InputError, match=r"^draft\.docx: cannot tell the document"):
        gather(load_registry(), str(tmp_path))
