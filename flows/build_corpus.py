"""The ``build_corpus`` Prefect flow: sources -> parse -> segment -> embed -> align -> load.

Only wiring lives here; every task is one call into the library. A language
whose file cannot be read or parsed is recorded as missing with its reason and
the run goes on with the others.
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
from corpus.manifest import BUNDLED_SOURCES, read_manifest, read_source_bytes
from corpus.model import Document, Lang, SegmentedDocument, SourceFile
from corpus.parse import parse_document
from corpus.segment import segment_document
from warehouse.load import LoadStats, RunRecord, load_run

MANIFEST_NAME = "manifest.toml"


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


@task(name="read sources", cache_policy=NO_CACHE)
def read_sources_task(manifest: Path) -> list[SourceFile]:
    """Read the manifest of the snapshot (or of any mirror directory)."""
    return read_manifest(manifest)


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(source: SourceFile, root: Path) -> Document:
    """Read one raw file (hash checked) and parse it into a document."""
    return parse_document(source, read_source_bytes(source, root))


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


@task(name="load", cache_policy=NO_CACHE)
def load_task(
    db: Path, run: RunRecord, docs: Sequence[SegmentedDocument], groups: Sequence[Group]
) -> LoadStats:
    """Load the run into DuckDB in one transaction."""
    return load_run(db, run, docs, groups)


@flow(name="build_corpus", log_prints=True)
def build_corpus(
    db: Path,
    manifest: Path = BUNDLED_SOURCES / MANIFEST_NAME,
    encoder: str = DEFAULT_ENCODER,
    languages: Sequence[Lang] | None = None,
    resolutions: Sequence[str] | None = None,
) -> RunReport:
    """Build the corpus from the sources in ``manifest`` into the database ``db``."""
    logger = get_run_logger()
    started = datetime.now(UTC)
    sources = [
        s
        for s in read_sources_task(manifest)
        if (languages is None or s.lang in languages)
        and (resolutions is None or s.resolution in resolutions)
    ]
    missing: dict[str, str] = {}
    segmented: list[SegmentedDocument] = []
    for source in sources:
        try:
            document = parse_task(source, manifest.parent)
            segmented.append(segment_task(document))
        except CorpusError as exc:
            missing[f"{source.resolution}:{source.lang}"] = str(exc)
            logger.warning("skipping %s %s: %s", source.resolution, source.lang, exc)
        except Exception as exc:  # a bug in one language must not sink the other five
            missing[f"{source.resolution}:{source.lang}"] = f"internal error: {exc!r}"
            logger.exception("failed on %s %s", source.resolution, source.lang)
    by_resolution: dict[str, dict[Lang, SegmentedDocument]] = defaultdict(dict)
    for doc in segmented:
        by_resolution[doc.document.resolution][doc.document.lang] = doc
    cache = embed_task(segmented, encoder)
    groups = [g for res, docs in by_resolution.items() for g in align_task(res, docs, cache)]
    langs = sorted({doc.document.lang for doc in segmented})
    params = BertalignParams()
    run = RunRecord(
        run_id=f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
        started_at=started,
        finished_at=datetime.now(UTC),
        status="partial" if missing else "ok",
        signature=run_signature(cache.encoder.name, params, langs, sources),
        encoder=cache.encoder.name,
        encoder_version=cache.encoder.version,
        languages=tuple(langs),
        summary={"documents": len(segmented), "groups": len(groups), "embedded": cache.encoded},
        missing=missing,
    )
    stats = load_task(db, run, segmented, groups) if segmented else None
    return RunReport(
        run_id=run.run_id,
        signature=run.signature,
        db=db,
        documents=len(segmented),
        groups=len(groups),
        embedded=cache.encoded,
        missing=missing,
        stats=stats,
    )
