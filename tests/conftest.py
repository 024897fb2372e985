"""Shared fixtures: the bundled real documents, one encoder per session, offline settings."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile

# Before anything imports Prefect or a model library: stay offline and quiet.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("DO_NOT_TRACK", "1")
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


@pytest.fixture(scope="session")
def qa_corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus loaded into a real DuckDB file, with the QA findings stored.

    Shared by the session: tests only read it.
    """
    from tests.warehouse_corpus import load_real_corpus

    return load_real_corpus(tmp_path_factory.mktemp("qa-corpus") / "corpus.duckdb", qa=True)
