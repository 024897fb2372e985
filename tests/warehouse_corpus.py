"""The bundled corpus, parsed, segmented, embedded and aligned once per test session.

Not a test module: the warehouse test modules call :func:`real_corpus` and load its result
into a DuckDB file of their own. It runs the library functions the flow wires together,
without Prefect, so the acceptance tests see the real texts and groups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cache
from pathlib import Path

from alignment.encoders import EmbeddingCache, load_encoder
from alignment.model import Group
from alignment.sixway import SixWayAligner, embed_segments
from corpus.manifest import BUNDLED_SOURCES, read_manifest, read_source_bytes
from corpus.model import Lang, SegmentedDocument
from corpus.parse import parse_document
from corpus.segment import segment_document
from warehouse.similarity import pair_similarities


@cache
def real_corpus() -> tuple[
    tuple[SegmentedDocument, ...], tuple[Group, ...], dict[str, dict[tuple[Lang, Lang], float]]
]:
    """Documents, groups and per-pair similarities of the bundled corpus."""
    docs = []
    for source in read_manifest(BUNDLED_SOURCES / "manifest.toml"):
        document = parse_document(source, read_source_bytes(source, BUNDLED_SOURCES))
        docs.append(segment_document(document))
    embeddings = EmbeddingCache(load_encoder())
    embed_segments(embeddings, docs)
    by_resolution: dict[str, dict[Lang, SegmentedDocument]] = defaultdict(dict)
    for doc in docs:
        by_resolution[doc.document.resolution][doc.document.lang] = doc
    aligner = SixWayAligner(embeddings)
    groups = [g for res, by_lang in by_resolution.items() for g in aligner.align(res, by_lang)]
    return tuple(docs), tuple(groups), pair_similarities(groups, docs, embeddings.get)


def load_real_corpus(path: Path, run_id: str = "run-real", qa: bool = False) -> Path:
    """Load the bundled corpus into a DuckDB file at ``path`` (and run the QA on it)."""
    from warehouse.load import RunRecord, load_run
    from warehouse.qa.run import run_qa

    docs, groups, similarities = real_corpus()
    run = RunRecord(
        run_id=run_id,
        started_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        finished_at=dt.datetime(2025, 3, 1, 0, 1, tzinfo=dt.UTC),
        status="ok",
        signature="enc:usem3|test",
        encoder="usem3",
        encoder_version="test",
        languages=("ar", "en", "es", "fr", "ru", "zh"),
    )
    load_run(path, run, docs, groups, similarities)
    if qa:
        run_qa(path)
    return path
