"""The bundled corpus, parsed, segmented, embedded and aligned once per test session.

Not a test module: the warehouse test modules call :func:`real_corpus` and load its result
into a DuckDB file of their own. It runs the library functions the flow wires together,
without Prefect, so the acceptance tests see the real texts and groups.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

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
