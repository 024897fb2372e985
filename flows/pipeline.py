"""The corpus build as one plain function: sources, parse, segment, embed, align, load, QA.

:func:`build` runs the named steps of a run in order; each step is a plain function of
typed values, callable on its own. How the steps that fan out are executed is the
:class:`Steps` given to :func:`build`: :class:`InProcess` (the default) calls them one
after the other in this process; the ``build_corpus`` Prefect flow passes steps that
submit each call as a task to its task runner (threads or Dask, see
:mod:`flows.build_corpus`). The wiring is written once, here.

Runs are incremental: a resolution whose sources all have the sha256 already loaded,
aligned with the same encoder and max-align, is skipped (no parsing, embedding or
alignment; the warehouse keeps it as it is) and the run record says so. Embeddings go
through the persistent store (``embedding_cache``), so a rebuilt resolution re-embeds
only the texts that changed. Sources come through the source registry
(:mod:`corpus.fetch`). A language whose file cannot be fetched, read or parsed is
recorded as missing with its reason and the run goes on with the others.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol, TypeVar

from alignment.bertalign_core import BertalignParams
from alignment.encoders import EmbeddingCache, SentenceEncoder, load_encoder
from alignment.model import PIVOT_ORDER, Group
from alignment.sixway import SixWayAligner, embed_segments
from corpus.environment import frozen_heap
from corpus.errors import CorpusError
from corpus.fetch.acquire import FetchOne, Gathered, LanguageResult, gather
from corpus.fetch.http import FetchPolicy
from corpus.fetch.registry import DocumentEntry, HttpSource, Registry, load_registry
from corpus.fetch.store import DEFAULT_RAW_STORE, FetchRecord, RawStore
from corpus.model import Lang, SegmentedDocument, SourceFile
from corpus.parse import parse_document
from corpus.progress import progress
from corpus.segment import segment_document
from flows.config import RunConfig
from warehouse.changes import SourceState, loaded_documents, plan_skips
from warehouse.load import Loader, LoadStats, PairSimilarities, RunRows, loading, run_rows
from warehouse.publish import run_lock
from warehouse.report.render import Reports, write_reports
from warehouse.restore import keep_last_good
from warehouse.runs import RunRecord, RunSignature, RunSummary
from warehouse.similarity import pair_similarities

T = TypeVar("T")

#: Why the QA did not run when the run rebuilt nothing.
QA_SKIPPED = "skipped: no resolution rebuilt, earlier findings hold"


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did, for the command line and for tests."""

    run_id: str
    signature: RunSignature
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
    #: ``resolution:lang`` the run could not read whose stored version it kept -> the run
    #: that loaded it (aligned again with the others, so it stays in every view and export).
    kept: dict[str, str] = field(default_factory=dict)


class Steps(Protocol):
    """How :func:`build` executes its steps: in process, or as tasks of a flow."""

    def log(self) -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
        """Where the run's warnings go."""
        ...

    def fetcher(self, policy: FetchPolicy) -> FetchOne | None:
        """How to fetch one URL under ``policy`` (``None``: one attempt, no retries)."""
        ...

    def call(self, step: Callable[..., T], *args: Any) -> T:
        """Run one step and return its result (exceptions propagate)."""
        ...

    def submit(self, step: Callable[..., T], calls: Sequence[tuple[Any, ...]]) -> Pending[T]:
        """Start ``step`` once per argument tuple; the caller collects the outcomes later."""
        ...


class Pending(Protocol[T]):
    """Calls started by :meth:`Steps.submit`, possibly still running."""

    def results(self) -> list[T | Exception]:
        """Wait for every call: each result, or the exception it raised, in order."""
        ...


@dataclass(frozen=True, slots=True)
class Done[R]:
    """Calls already made: their outcomes."""

    outcomes: list[R | Exception]

    def results(self) -> list[R | Exception]:
        """The outcomes, in order."""
        return self.outcomes


class InProcess:
    """Steps called one after the other in this process: the plain pipeline."""

    def log(self) -> logging.Logger:
        """The ``flows.pipeline`` logger."""
        return logging.getLogger(__name__)

    def fetcher(self, policy: FetchPolicy) -> FetchOne | None:
        """One attempt per URL, as :func:`corpus.fetch.acquire.gather` does by default."""
        return None

    def call(self, step: Callable[..., T], *args: Any) -> T:
        """Call ``step``."""
        return step(*args)

    def submit(self, step: Callable[..., T], calls: Sequence[tuple[Any, ...]]) -> Done[T]:
        """Call ``step`` on each argument tuple in turn, now, keeping each exception."""
        out: list[T | Exception] = []
        for args in calls:
            try:
                out.append(step(*args))
            except Exception as exc:  # the caller decides what a failure means
                out.append(exc)
        return Done(out)


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run will rebuild: the files to parse, and the resolutions it skips."""

    ready: tuple[LanguageResult, ...]
    skipped: Mapping[str, str]

    @property
    def todo(self) -> list[LanguageResult]:
        """The language versions to parse: those of the resolutions not skipped."""
        return [r for r in self.ready if r.resolution not in self.skipped]


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


# --- the steps ------------------------------------------------------------------------------


def gather_sources(
    config: RunConfig,
    run_id: str | None = None,
    fetcher: Callable[[FetchPolicy], FetchOne | None] | None = None,
    registry: Registry | None = None,
) -> Gathered:
    """Step 1: every language version from the source (gaps from the fallback).

    ``registry`` is the one of ``config.sources_config`` if the caller has read it already.

    Raises:
        InputError: an unknown source, or a mirror whose manifest cannot be read.
    """
    if registry is None:
        registry = load_registry(config.sources_config)
    return gather(
        registry,
        config.source,
        fallback=config.fallback,
        resolutions=config.resolutions or None,
        langs=config.languages or None,
        store=RawStore(config.raw_store or DEFAULT_RAW_STORE),
        fetch_one=fetcher(registry.policy) if fetcher else None,
        run_id=run_id,
    )


def plan_run(config: RunConfig, gathered: Gathered) -> Plan:
    """Step 2: the resolutions whose sources are unchanged since they were loaded."""
    ready = tuple(gathered.ready)
    skipped: dict[str, str] = {}
    if config.incremental:
        states = [SourceState(r.resolution, r.lang, r.source.sha256) for r in ready if r.source]
        max_align = BertalignParams().max_align
        skipped = plan_skips(states, loaded_documents(config.db), config.encoder, max_align)
    return Plan(ready, skipped)


def unchanged_sources(config: RunConfig) -> Gathered | None:
    """The sources of an incremental run of a local source that would rebuild nothing.

    Read before any orchestration starts (gathering a folder or the snapshot is reading
    and hashing files), so that an unchanged weekly run costs what checking it costs;
    :func:`build` takes them instead of reading them again. ``None`` when the run has
    something to do: any gap, a fallback or an HTTP source says so too (the run itself
    decides those).
    """
    if not config.incremental:
        return None
    registry = load_registry(config.sources_config)
    wanted = [config.source, *([config.fallback] if config.fallback else [])]
    if any(isinstance(registry.source(spec), HttpSource) for spec in wanted):
        return None
    gathered = gather_sources(config, registry=registry)
    if gathered.missing or gathered.fallbacks:
        return None
    plan = plan_run(config, gathered)
    return gathered if plan.ready and not plan.todo else None


def parse_source(source: SourceFile, data: bytes) -> SegmentedDocument:
    """Parse one raw file (already checked) and segment it."""
    doc = segment_document(parse_document(source, data))
    progress(f"parsed {source.resolution}:{source.lang}: {len(doc.segments)} segments")
    return doc


def parse_resolution(
    files: Sequence[tuple[SourceFile, bytes | CorpusError]],
) -> list[SegmentedDocument | Exception]:
    """Step 3, once per resolution: parse each of its language versions.

    A language that fails, or whose file could not be read again (its error in place of
    its bytes), gives its exception in its place instead of raising, so that it does not
    sink the others. One step per resolution, not per file: a task costs the orchestrator
    about as much as parsing a short document.
    """
    out: list[SegmentedDocument | Exception] = []
    for source, data in files:
        if isinstance(data, CorpusError):
            out.append(data)
            continue
        try:
            out.append(parse_source(source, data))
        except Exception as exc:  # the pipeline decides what a failure means
            out.append(exc)
    return out


_encoders: dict[str, SentenceEncoder] = {}
_encoders_lock = threading.Lock()


def shared_encoder(spec: str) -> SentenceEncoder:
    """One encoder per spec and process, shared by the steps a worker runs."""
    with _encoders_lock:
        if spec not in _encoders:
            _encoders[spec] = load_encoder(spec)
        return _encoders[spec]


def align_resolution(
    resolution: str,
    docs: Mapping[Lang, SegmentedDocument],
    encoder: str,
    cache_dir: Path | None,
) -> Aligned:
    """Step 4, once per resolution: embed its versions and align them at every level.

    Embedding and alignment share a step so that the vectors never travel between
    workers (a Dask cluster would have to pickle them); the store is shared instead.
    """
    cache = EmbeddingCache(shared_encoder(encoder), store=cache_dir)
    try:
        embed_segments(cache, list(docs.values()))
        groups = SixWayAligner(cache).align(resolution, dict(docs))
        similarities = pair_similarities(groups, list(docs.values()), cache.get)
    finally:
        cache.close()
    return Aligned(
        resolution,
        groups,
        similarities,
        cache.encoded,
        cache.loaded,
        cache.encoder.name,
        cache.encoder.version,
    )


def describe(registry: Registry, resolutions: Iterable[str]) -> list[DocumentEntry]:
    """What the registry says of ``resolutions`` (kind, body, meeting, year, ITU name)."""
    known = registry.documents
    return [known[r] for r in sorted(set(resolutions)) if r in known]


def load_batch(loader: Loader, rows: RunRows) -> None:
    """Step 5, once per batch: replace the batch's resolutions in the run's staged copy."""
    progress(
        f"loading {rows.frames['documents'].height} documents and "
        f"{rows.frames['alignment_groups'].height} groups of {', '.join(rows.resolutions)}"
    )
    loader.add(rows)


def load(
    loader: Loader,
    run: RunRecord,
    fetches: Sequence[FetchRecord],
    catalogue: Sequence[DocumentEntry] = (),
    qa: bool = True,
    mine_terms: bool = False,
) -> LoadStats:
    """Step 6: record the run and check it on the staged copy, published by one swap.

    The QA checks run on the same staged copy as the load (``qa``), so a kill at any point
    leaves the corpus and its findings both as they were, or both new. ``mine_terms``
    mines the term candidates of the whole corpus as well (a cost that grows with it).
    """
    return loader.finish(run, fetches, catalogue, qa=qa, mine_terms=mine_terms)


def write_pages(db: Path, rebuilt: Sequence[str]) -> Reports:
    """Step 7: the review page of each rebuilt resolution, beside the database."""
    return write_reports(db, rebuilt)


# --- the wiring -----------------------------------------------------------------------------


def build(
    config: RunConfig, steps: Steps | None = None, gathered: Gathered | None = None
) -> RunReport:
    """Build the corpus as ``config`` asks, one step after the other (or as ``steps`` runs them).

    ``gathered``: the sources :func:`unchanged_sources` read already (local sources, so
    nothing of the run's own is recorded in them); by default they are read here.

    Raises:
        CorpusError: the source cannot be read at all, or the load fails (the database
            is then left as it was).
    """
    with run_lock(config.db, wait=config.wait), frozen_heap():
        return _build(config, steps or InProcess(), gathered)


def _build(config: RunConfig, steps: Steps, gathered: Gathered | None) -> RunReport:
    """:func:`build` under the database's run lock."""
    log = steps.log()
    started = datetime.now(UTC)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    registry = load_registry(config.sources_config)
    if gathered is None:
        gathered = gather_sources(config, run_id, steps.fetcher, registry)
    for where, reason in gathered.missing.items():
        log.warning("missing %s: %s", where, reason)
    for where, reason in gathered.fallbacks.items():
        log.warning("%s from fallback %s: %s", where, config.fallback, reason)
    plan = plan_run(config, gathered)
    for res, reason in plan.skipped.items():
        log.info("skipping %s: %s", res, reason)
    missing = dict(gathered.missing)
    by_resolution: dict[str, list[LanguageResult]] = defaultdict(list)
    for r in plan.todo:
        if r.ok:
            by_resolution[r.resolution].append(r)
    built = Built()
    kept: dict[str, str] = {}
    stats = None
    try:
        with ExitStack() as stack:
            loads = bool(by_resolution or plan.skipped)
            loader = stack.enter_context(loading(config.db, run_id)) if loads else None
            order = list(by_resolution)
            batches = [
                {res: by_resolution[res] for res in order[at : at + config.batch]}
                for at in range(0, len(order), config.batch)
            ]
            for rows, batch_kept in _stream(config, steps, run_id, batches, missing, built, log):
                kept |= batch_kept
                if loader is not None and rows.resolutions:
                    steps.call(load_batch, loader, rows)
            # Languages missing from resolutions not rebuilt: what the warehouse keeps.
            kept |= keep_last_good(config.db, {}, _of(missing, by_resolution, inside=False))[1]
            run = record_run(config, run_id, started, gathered, plan, built, missing, kept)
            if loader is not None and (built.docs or plan.skipped):
                seen = describe(registry, [*run.summary.built, *plan.skipped])
                # With every resolution skipped, the last findings still hold: no QA.
                qa = bool(built.docs)
                mine = qa and config.mine_terms
                stats = steps.call(load, loader, run, gathered.records, seen, qa, mine)
            elif loader is not None:
                raise _NothingLoaded  # every document failed: leave the database as it is
    except _NothingLoaded:
        pass
    if stats is not None:
        progress(f"published run {run.run_id}")
    for where, kept_run in kept.items():
        log.warning("%s: keeping its version of run %s", where, kept_run)
    findings = stats.findings if stats is not None else None
    pages = Reports({}, {})
    if built.docs and stats is not None:
        pages = steps.call(write_pages, config.db, run.summary.built)
    return RunReport(
        run_id=run.run_id,
        signature=run.signature,
        db=config.db,
        documents=len(built.docs),
        groups=run.summary.groups,
        embedded=run.summary.embedded,
        missing=missing,
        stats=stats,
        findings=findings,
        source=gathered.source,
        fallback=config.fallback,
        fallbacks=dict(gathered.fallbacks),
        statuses=dict(run.summary.fetched),
        skipped=dict(plan.skipped),
        reused=run.summary.reused_embeddings,
        reports=pages.written,
        reports_failed=pages.failed,
        kept=kept,
    )


class _NothingLoaded(Exception):
    """Every document of the run failed: the staged copy is discarded."""


@dataclass(slots=True)
class Built:
    """What the batches of a run built so far: what its record counts."""

    #: ``(resolution, lang)`` of every document read and parsed.
    docs: list[tuple[str, Lang]] = field(default_factory=list)
    groups: int = 0
    embedded: int = 0
    reused: int = 0
    encoder: str | None = None
    encoder_version: str | None = None

    def add(
        self, run_id: str, docs: Sequence[SegmentedDocument], aligned: Sequence[Aligned]
    ) -> RunRows:
        """Count a batch and return its rows; its documents and groups can then go."""
        groups = [g for a in aligned for g in a.groups]
        similarities: PairSimilarities = {k: v for a in aligned for k, v in a.similarities.items()}
        self.docs += [(d.document.resolution, d.document.lang) for d in docs]
        self.groups += len(groups)
        self.embedded += sum(a.embedded for a in aligned)
        self.reused += sum(a.reused for a in aligned)
        if aligned and self.encoder is None:
            self.encoder, self.encoder_version = aligned[0].encoder, aligned[0].encoder_version
        return run_rows(docs, groups, similarities, run_id)


Batch = Mapping[str, Sequence[LanguageResult]]


def _stream(
    config: RunConfig,
    steps: Steps,
    run_id: str,
    batches: Sequence[Batch],
    missing: dict[str, str],
    built: Built,
    log: logging.Logger | logging.LoggerAdapter[logging.Logger],
) -> Iterator[tuple[RunRows, dict[str, str]]]:
    """Parse, embed and align each batch of resolutions: its rows, and what was kept.

    The stages overlap: the next batch is parsed while this one aligns, and aligns
    while the caller loads this one's rows (the DP of the aligner and the load each
    keep one core busy; parsing and embedding fill the other).
    """
    if not batches:
        return
    aligning = _align(config, steps, batches[0], _parse(steps, batches[0]), missing, log)
    for following in [*batches[1:], None]:
        if following is not None:
            parsing = _parse(steps, following)
        docs, kept, pending = aligning
        # An alignment failure ends the run (nothing is loaded).
        aligned = [_raised(a) for a in pending.results()]
        for a in aligned:
            progress(f"aligned {a.resolution}: {len(a.groups)} groups")
        if following is not None:
            aligning = _align(config, steps, following, parsing, missing, log)
        yield built.add(run_id, docs, aligned), kept


Parsing = Pending[list[SegmentedDocument | Exception]]


def _parse(steps: Steps, batch: Batch) -> Parsing:
    """Start parsing a batch's language versions, one step per resolution.

    Their files are read here, on the flow's host (Dask workers get the bytes), and only
    for this batch: the gather checked them and let the bytes go.
    """
    return steps.submit(
        parse_resolution, [([_file(r) for r in results],) for results in batch.values()]
    )


def _file(result: LanguageResult) -> tuple[SourceFile, bytes | CorpusError]:
    """A language version's source and its bytes, or why they could not be read again."""
    source = result.source
    if source is None:  # the batches hold ready results only
        raise ValueError(f"{result.key}: no source to parse")
    try:
        return source, result.read()
    except CorpusError as exc:
        return source, exc


def _align(
    config: RunConfig,
    steps: Steps,
    batch: Batch,
    parsing: Parsing,
    missing: dict[str, str],
    log: logging.Logger | logging.LoggerAdapter[logging.Logger],
) -> tuple[list[SegmentedDocument], dict[str, str], Pending[Aligned]]:
    """Wait for a batch's parse, then start aligning it.

    Returns the documents parsed, the languages whose stored version is kept, and the
    alignment under way.
    """
    todo = [r for results in batch.values() for r in results]
    outcomes: list[SegmentedDocument | Exception] = []
    for results, parsed in zip(batch.values(), parsing.results(), strict=True):
        # A step that failed as a whole fails each of its languages.
        outcomes += [parsed] * len(results) if isinstance(parsed, Exception) else parsed
    docs = _parsed(todo, outcomes, missing, log)
    progress(f"parsed {len(docs)} of {len(todo)} documents of {', '.join(batch)}")
    read: dict[str, dict[Lang, SegmentedDocument]] = defaultdict(dict)
    for doc in docs:
        read[doc.document.resolution][doc.document.lang] = doc
    # A language not read keeps its stored version, aligned again with the others.
    to_align, kept = keep_last_good(config.db, read, _of(missing, batch))
    calls = [
        (res, by_lang, config.encoder, config.embedding_cache) for res, by_lang in to_align.items()
    ]
    # With nothing to align, no encoder is loaded at all.
    return docs, kept, steps.submit(align_resolution, calls)


def _of(
    missing: Mapping[str, str], resolutions: Collection[str], *, inside: bool = True
) -> dict[str, str]:
    """The entries of ``missing`` (``resolution:lang``) of ``resolutions`` (or of others)."""
    return {k: v for k, v in missing.items() if (k.rpartition(":")[0] in resolutions) == inside}


def _parsed(
    todo: Sequence[LanguageResult],
    outcomes: Sequence[SegmentedDocument | Exception],
    missing: dict[str, str],
    log: logging.Logger | logging.LoggerAdapter[logging.Logger],
) -> list[SegmentedDocument]:
    """The documents parsed; a failed one goes into ``missing`` and the others go on."""
    docs: list[SegmentedDocument] = []
    for result, outcome in zip(todo, outcomes, strict=True):
        if isinstance(outcome, CorpusError):
            missing[result.key] = str(outcome)
            log.warning("skipping %s: %s", result.key, outcome)
        elif isinstance(outcome, Exception):  # a bug in one language must not sink the others
            missing[result.key] = f"internal error: {outcome!r}"
            log.error("failed on %s", result.key, exc_info=outcome)
        else:
            docs.append(outcome)
    return docs


def _raised[R](outcome: R | Exception) -> R:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def record_run(
    config: RunConfig,
    run_id: str,
    started: datetime,
    gathered: Gathered,
    plan: Plan,
    built: Built,
    missing: Mapping[str, str],
    kept: Mapping[str, str] | None = None,
) -> RunRecord:
    """The run's record: its signature, what it built and skipped, what is missing and kept."""
    params = BertalignParams()
    unchanged = [r for r in plan.ready if r.resolution in plan.skipped]
    langs = sorted({lang for _, lang in built.docs} | {r.lang for r in unchanged})
    sources = [r.source.sha256 for r in gathered.ready if r.source is not None]
    digest = hashlib.sha256("".join(sorted(sources)).encode()).hexdigest()
    encoder = built.encoder or config.encoder
    signature = RunSignature(
        encoder=encoder,
        max_align=params.max_align,
        pivot=PIVOT_ORDER,
        langs=tuple(langs),
        sources=digest[:12],
        version=version("itu-corpus"),
    )
    summary = RunSummary(
        documents=len(built.docs),
        groups=built.groups,
        embedded=built.embedded,
        reused_embeddings=built.reused,
        built=tuple(sorted({res for res, _ in built.docs})),
        skipped=dict(plan.skipped),
        qa="run" if built.docs else QA_SKIPPED,
        encoder=config.encoder,
        max_align=params.max_align,
        source=gathered.source,
        fallback=dict(gathered.fallbacks),
        fetched={r.key: r.status for r in gathered.results},
        kept=dict(kept or {}),
    )
    return RunRecord(
        run_id=run_id,
        started_at=started,
        finished_at=datetime.now(UTC),
        status="partial" if missing else "ok",
        signature=signature,
        encoder=encoder,
        encoder_version=built.encoder_version,
        languages=tuple(langs),
        summary=summary,
        missing=dict(missing),
    )
