"""Shared fixtures: the bundled real documents, one encoder per session, offline settings."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile

from corpus.environment import stay_offline

# Before anything imports Prefect or a model library: stay offline and quiet.
stay_offline()
# Runs that use the default embedding store write it here, not into the checkout: one
# store per test session, empty at its start, as on a fresh clone.
os.environ["ITU_CORPUS_EMBEDDING_CACHE"] = tempfile.mkdtemp(prefix="itu-corpus-embeddings-")
atexit.register(shutil.rmtree, os.environ["ITU_CORPUS_EMBEDDING_CACHE"], ignore_errors=True)

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from alignment.encoders import SentenceEncoder, load_encoder
from corpus.manifest import BUNDLED_SOURCES, read_manifest, read_source_bytes
from corpus.model import Lang, SegmentedDocument, SourceFile
from corpus.parse import parse_document
from corpus.segment import segment_document

if TYPE_CHECKING:
    from tests.test_fetch import LoopbackServer


def _shared_corpus() -> Path:
    """``shared/corpus`` beside the repository (or beside a folder holding the checkout)."""
    repo = Path(__file__).resolve().parents[1]
    for parent in repo.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    return repo.parent / "shared" / "corpus"


#: ITU's own Word files, beside the repository and never copied into it (ITU's copyright).
SHARED_CORPUS = _shared_corpus()


def shared_corpus(name: str) -> Path:
    """A folder of ``../shared/corpus``, or skip the test that needs it, saying why."""
    folder = SHARED_CORPUS / name
    if not folder.is_dir():
        pytest.skip(
            f"{folder} is absent: ITU's Word files are read from ../shared/corpus beside"
            " the repository, never copied into it"
        )
    return folder


@pytest.fixture(scope="session")
def bundled_sources() -> list[SourceFile]:
    return read_manifest(BUNDLED_SOURCES / "manifest.toml")


@pytest.fixture(scope="session")
def segmented(bundled_sources: list[SourceFile]) -> dict[tuple[str, Lang], SegmentedDocument]:
    """Every bundled document, parsed and segmented, keyed by (resolution, lang)."""
    out = {}
    for source in bundled_sources:
        doc = parse_document(source, read_source_bytes(source, BUNDLED_SOURCES))
        out[(source.resolution, source.lang)] = segment_document(doc)
    return out


@pytest.fixture(scope="session")
def encoder() -> Iterator[SentenceEncoder]:
    """The bundled USE-multilingual encoder, loaded once for the whole session."""
    yield load_encoder()


@pytest.fixture
def server() -> Iterator[tuple[LoopbackServer, str]]:
    """A real HTTP server on 127.0.0.1 (tests/test_fetch.py), and its base URL."""
    from tests.test_fetch import LoopbackServer

    srv = LoopbackServer()
    base = srv.start()
    yield srv, base
    srv.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A migrated warehouse with no run yet, in a temporary folder."""
    from warehouse.db import connect, init_schema

    path = tmp_path / "corpus.duckdb"
    con = connect(path)
    init_schema(con)
    con.close()
    return path


@pytest.fixture(scope="session")
def e119_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ITU-T E.119 in five languages, built once by the plain pipeline from a folder.

    The pipeline runs over a temporary copy of ``../shared/corpus/itu-t-e119`` (a folder
    of ITU's Word files without a manifest) into a real DuckDB file, whose path this
    returns; tests only read it. Skipped when ``../shared`` is absent.
    """
    from flows.config import RunConfig
    from flows.pipeline import build

    folder = tmp_path_factory.mktemp("e119") / "itu-t-e119"
    shutil.copytree(shared_corpus("itu-t-e119"), folder)
    db = folder.parent / "e119.duckdb"
    report = build(RunConfig(db=db, source=str(folder)))
    assert report.documents == 5, f"the pipeline read {report.documents} documents of {folder}"
    return db


@pytest.fixture(scope="session")
def qa_corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus built by the plain pipeline (no Prefect), QA findings included.

    Shared by the session: tests only read it (or copy it).
    """
    from flows.config import RunConfig
    from flows.pipeline import build

    path = tmp_path_factory.mktemp("qa-corpus") / "corpus.duckdb"
    build(RunConfig(db=path))
    return path
