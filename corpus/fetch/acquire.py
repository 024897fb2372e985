"""Getting each language version from a source, one language at a time, in isolation.

For an HTTP source, each language's candidate URLs are tried in order (Word first):
a conditional request when the store holds an earlier copy, validation of whatever
arrives, the bytes into the raw store, one :class:`FetchRecord` per URL tried. For a
mirror, the file is read and checked against its manifest's sha256. Either way the
result per language is a :class:`LanguageResult`: a source file and where its checked
bytes are (read again when its batch is parsed, so that a run holds a batch of files and
not the corpus: ITU's Word files are 0.5-2.5 MB a language), or the reason there is none.
One language's failure never stops the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from corpus.errors import CorpusError
from corpus.fetch.folder import FolderSource, identify, list_folder
from corpus.fetch.http import (
    FetchError,
    FetchPolicy,
    HttpResult,
    UnreachableError,
    Validators,
    fetch_url,
)
from corpus.fetch.registry import LanguagePlan, MirrorSource, Registry, Source, Target
from corpus.fetch.store import FetchRecord, FetchStatus, RawStore
from corpus.fetch.validate import validate
from corpus.manifest import check_size, read_manifest, read_source_bytes
from corpus.model import LANGS, Lang, SourceFile, SourceFormat

#: One attempt-with-retries at one URL; the flow passes a Prefect task, tests a function.
FetchOne = Callable[[str, Validators | None], HttpResult]

#: How a language ended up when it came from a mirror.
READ: Final[str] = "read"


@dataclass(frozen=True, slots=True)
class LocalBytes:
    """A file of a mirror or folder: read and checked again (inside the folder, size, sha256)."""

    source: SourceFile
    root: Path
    policy: FetchPolicy

    def read(self) -> bytes:
        """The file's bytes.

        Raises:
            InputError: it is gone, outside the folder, too large, or no longer the one
                gathered (another sha256).
        """
        return read_source_bytes(
            self.source,
            self.root,
            max_bytes=self.policy.max_bytes,
            max_text_bytes=self.policy.max_text_bytes,
        )


@dataclass(frozen=True, slots=True)
class StoredBytes:
    """A fetched file, in the raw store under its sha256."""

    store: Path
    sha256: str

    def read(self) -> bytes:
        """The file's bytes, checked against their sha256.

        Raises:
            InputError: not in the raw store, or damaged.
        """
        return RawStore(self.store).read(self.sha256)


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """One language version of one document: ready to parse, or missing with the reason.

    ``status`` is a :class:`FetchStatus` value for HTTP sources (``downloaded``,
    ``unchanged``, ``missing``, ``failed``) and ``read`` for a file of a mirror.
    """

    resolution: str
    lang: Lang
    origin: str
    status: str
    source: SourceFile | None = None
    #: Where the source's bytes are, checked when gathered (None: nothing to parse).
    bytes_at: LocalBytes | StoredBytes | None = None
    reason: str | None = None
    records: tuple[FetchRecord, ...] = field(default=())

    @property
    def key(self) -> str:
        """``resolution:lang``, the key of ``RunReport.missing``."""
        return f"{self.resolution}:{self.lang}"

    @property
    def ok(self) -> bool:
        """Whether there is a file to parse."""
        return self.source is not None and self.bytes_at is not None

    def read(self) -> bytes:
        """The bytes to parse, read again and checked again.

        Raises:
            InputError: the file changed or went away since it was gathered.
            ValueError: there is no file (see :attr:`ok`).
        """
        if self.bytes_at is None:
            raise ValueError(f"{self.key}: no file to read ({self.reason or self.status})")
        return self.bytes_at.read()


def parser_format(name: str) -> SourceFormat | None:
    """The parser format called ``name``, or None when no parser for it exists yet."""
    from corpus.parse import PARSERS  # the parsers import heavy modules; only when needed

    try:
        fmt = SourceFormat(name)
    except ValueError:
        return None
    return fmt if fmt in PARSERS else None


def read_mirror(
    mirror: MirrorSource,
    resolutions: Sequence[str] | None = None,
    langs: Sequence[Lang] | None = None,
    policy: FetchPolicy | None = None,
) -> list[LanguageResult]:
    """Read the files of a mirror (manifest order), each checked against its sha256.

    Each path must stay inside the mirror folder once symbolic links are resolved, and
    each file within the policy's size limits (default: :class:`FetchPolicy`'s).

    Raises:
        InputError: the manifest itself cannot be read (a file that cannot is a result
            with its reason instead).
    """
    return [
        _read_local(source, mirror.root, mirror.name, policy or FetchPolicy())
        for source in read_manifest(mirror.manifest)
        if (resolutions is None or source.resolution in resolutions)
        and (langs is None or source.lang in langs)
    ]


def _read_local(source: SourceFile, root: Path, origin: str, policy: FetchPolicy) -> LanguageResult:
    """One local file, checked against its sha256: ready to parse, or missing with why.

    Its path must stay inside ``root`` (symbolic links resolved) and its size within the
    policy's limits.
    """
    at = LocalBytes(source, root, policy)
    try:
        at.read()
    except CorpusError as exc:
        return LanguageResult(source.resolution, source.lang, origin, "missing", reason=str(exc))
    return LanguageResult(source.resolution, source.lang, origin, READ, source, at)


def read_folder(
    folder: FolderSource,
    resolutions: Sequence[str] | None = None,
    langs: Sequence[Lang] | None = None,
    policy: FetchPolicy | None = None,
) -> list[LanguageResult]:
    """Read the files of a folder without manifest, named by ITU's rule or NAME.LANG.EXT.

    Raises:
        InputError: a file name fits neither rule, two files are the same language of one
            document, or the folder has nothing to read (a file in a format without a
            parser is a result with its reason instead).
    """
    results = []
    for source, path, reason in list_folder(folder, resolutions, langs):
        if source is None:
            resolution, lang = identify(path.name)
            results.append(
                LanguageResult(
                    resolution, lang, folder.name, "missing", reason=f"{path.name}: {reason}"
                )
            )
            continue
        results.append(_read_local(source, folder.root, folder.name, policy or FetchPolicy()))
    return results


def _not_read(
    plan: LanguagePlan, status: str, reason: str, records: tuple[FetchRecord, ...]
) -> LanguageResult:
    """The result of a language version fetched from ``plan`` that cannot be parsed."""
    return LanguageResult(
        resolution=plan.resolution,
        lang=plan.lang,
        origin=plan.source.name,
        status=status,
        reason=reason,
        records=records,
    )


class HttpAcquirer:
    """Fetches language versions from one HTTP source into a raw store.

    A host that refused or never took a connection (after the retries) is not asked
    again in this run: the next languages fail at once, with the first reason, so a run
    without network fails fast for each language.
    """

    def __init__(
        self,
        store: RawStore,
        fetch_one: FetchOne,
        run_id: str | None = None,
        policy: FetchPolicy | None = None,
    ) -> None:
        self.store = store
        self.policy = policy or FetchPolicy()
        self.fetch_one = fetch_one
        self.run_id = run_id
        #: host -> why it could not be reached
        self.unreachable: dict[str, str] = {}

    def acquire(self, plan: LanguagePlan) -> LanguageResult:
        """Try the plan's URLs in order; the first valid file wins.

        The next URL is tried when one is missing (4xx) or its content is rejected; a
        transient failure that outlived its retries ends the language, since another
        format from the same struggling server would only add load.
        """
        records: list[FetchRecord] = []
        for target in plan.targets:
            record, data, stop = self._fetch(plan, target)
            records.append(record)
            if data is not None:
                return self._ready(plan, target, record, data, tuple(records))
            if stop:
                break
        gone = all(r.status is FetchStatus.MISSING for r in records)
        return _not_read(
            plan,
            (FetchStatus.MISSING if gone else FetchStatus.FAILED).value,
            "; ".join(r.error or r.status.value for r in records) or "no URL to try",
            tuple(records),
        )

    def _fetch(self, plan: LanguagePlan, target: Target) -> tuple[FetchRecord, bytes | None, bool]:
        """Fetch one URL and log its record; the record, the usable bytes, and "stop"."""
        started = datetime.now(UTC)
        host = urlsplit(target.url).netloc
        previous = self.store.latest(target.url)
        if host in self.unreachable:
            meta: dict[str, object] = {
                "status": FetchStatus.FAILED,
                "error": f"{target.url}: not tried, {host} was unreachable earlier in this "
                f"run ({self.unreachable[host]})",
            }
            data, stop = None, True
        else:
            meta, data, stop = self._attempt(target, previous)
        record = FetchRecord(
            fetch_id=uuid.uuid4().hex,
            run_id=self.run_id,
            source=plan.source.name,
            url=target.url,
            resolution=plan.resolution,
            lang=plan.lang,
            document=plan.document,
            format=target.format.value,
            status=FetchStatus.FAILED,
            http_status=None,
            bytes=None,
            sha256=None,
            content_type=None,
            etag=None,
            last_modified=None,
            started_at=started,
            finished_at=datetime.now(UTC),
        )
        record = replace(record, **meta)  # type: ignore[arg-type]
        self.store.append(record)
        return record, data, stop

    def _attempt(
        self, target: Target, previous: FetchRecord | None
    ) -> tuple[dict[str, object], bytes | None, bool]:
        """One fetch (with the orchestrator's retries): record fields, bytes, "stop"."""
        validators = (
            Validators(etag=previous.etag, last_modified=previous.last_modified)
            if previous and (previous.etag or previous.last_modified)
            else None
        )
        try:
            result = self.fetch_one(target.url, validators)
        except FetchError as exc:
            if isinstance(exc, UnreachableError):
                self.unreachable[exc.host] = exc.problem
            status = FetchStatus.MISSING if exc.gone else FetchStatus.FAILED
            failed: dict[str, object] = {
                "status": status,
                "http_status": exc.http_status,
                "error": str(exc),
            }
            return failed, None, exc.transient
        except CorpusError as exc:
            return {"status": FetchStatus.FAILED, "error": str(exc)}, None, exc.transient
        kept = result.not_modified and previous is not None
        meta: dict[str, object] = {
            "http_status": result.status,
            "content_type": result.content_type,
            "etag": result.etag or (previous.etag if kept and previous else None),
            "last_modified": result.last_modified
            or (previous.last_modified if kept and previous else None),
        }
        if result.content is None:  # 304 Not Modified: the stored copy is current
            if previous is None or previous.sha256 is None:
                error = f"{target.url}: 304 Not Modified, but no copy is stored"
                return meta | {"status": FetchStatus.FAILED, "error": error}, None, False
            try:
                data = self.store.read(previous.sha256)
            except CorpusError as exc:
                return meta | {"status": FetchStatus.FAILED, "error": str(exc)}, None, False
            meta["content_type"] = meta["content_type"] or previous.content_type
            return meta | _content(FetchStatus.UNCHANGED, previous.sha256, data), data, False
        data = result.content
        sha = self.store.put(data)  # rejected bodies too: kept for inspection, never parsed
        try:
            validate(data, target.format, result.content_type, target.url)
        except CorpusError as exc:
            rejected = _content(FetchStatus.FAILED, sha, data) | {"error": str(exc)}
            return meta | rejected, None, False
        same = previous is not None and previous.sha256 == sha
        status = FetchStatus.UNCHANGED if same else FetchStatus.DOWNLOADED
        return meta | _content(status, sha, data), data, False

    def _ready(
        self,
        plan: LanguagePlan,
        target: Target,
        record: FetchRecord,
        data: bytes,
        records: tuple[FetchRecord, ...],
    ) -> LanguageResult:
        """The fetched file as a source to parse, or missing when it has no parser yet."""
        sha = record.sha256 or ""
        fmt = parser_format(target.parser)
        if fmt is None:
            reason = (
                f"{target.url}: fetched (sha256 {sha[:12]}…, in the raw store) "
                f"but no parser for {target.parser} yet"
            )
            return _not_read(plan, record.status.value, reason, records)
        try:
            check_size(
                len(data),
                fmt,
                target.url,
                max_bytes=self.policy.max_bytes,
                max_text_bytes=self.policy.max_text_bytes,
            )
        except CorpusError as exc:
            return _not_read(plan, FetchStatus.FAILED.value, str(exc), records)
        first = self.store.first_stored(sha) or record
        version = f"fetched {first.finished_at:%Y-%m-%dT%H:%M:%SZ}"
        if record.last_modified:
            version += f"; Last-Modified {record.last_modified}"
        if record.etag:
            version += f"; ETag {record.etag}"
        name = f"ITU document {plan.document}, " if plan.document else ""
        source = SourceFile(
            resolution=plan.resolution,
            lang=plan.lang,
            format=fmt,
            path=target.url,
            sha256=sha,
            version=version,
            provenance=f"{name}{target.format.value} from source {plan.source.name} "
            f"({target.url}), raw store sha256 {sha}",
            licence=plan.source.licence,
        )
        return LanguageResult(
            resolution=plan.resolution,
            lang=plan.lang,
            origin=plan.source.name,
            status=record.status.value,
            source=source,
            bytes_at=StoredBytes(self.store.root, sha),
            records=records,
        )


def _content(status: FetchStatus, sha: str, data: bytes) -> dict[str, object]:
    return {"status": status, "sha256": sha, "bytes": len(data)}


@dataclass(frozen=True, slots=True)
class Gathered:
    """Every language a run asked for: the files to parse and why the others are missing.

    ``results`` holds one entry per language found or expected (all six for an HTTP
    source, the manifest's files for a mirror), after any fallback. ``fallbacks`` maps
    ``resolution:lang`` to the reason the primary source failed, for languages the
    fallback source supplied; ``missing`` the languages neither could supply, with why.
    """

    source: str
    fallback: str | None
    results: tuple[LanguageResult, ...]
    missing: dict[str, str]
    fallbacks: dict[str, str]

    @property
    def ready(self) -> list[LanguageResult]:
        """The language versions that have a file to parse."""
        return [r for r in self.results if r.ok]

    @property
    def records(self) -> list[FetchRecord]:
        """The fetch records of this run, in order."""
        return [rec for r in self.results for rec in r.records]


def gather(
    registry: Registry,
    source: str,
    *,
    fallback: str | None = None,
    resolutions: Sequence[str] | None = None,
    langs: Sequence[Lang] | None = None,
    store: RawStore | None = None,
    fetch_one: FetchOne | None = None,
    run_id: str | None = None,
) -> Gathered:
    """Get every asked-for language version from ``source``, then the gaps from ``fallback``.

    Args:
        registry: the configured sources and documents.
        source: a source name (``itu``, ``snapshot``) or a mirror folder or manifest.
        fallback: where to take a language from when ``source`` cannot supply it.
        resolutions: the documents to get (default: those the registry names by an ITU
            document name, for an HTTP source; all in the manifest for a mirror).
        langs: the languages (default: the six).
        store: the raw store for HTTP sources (default ``data/raw``).
        fetch_one: how to fetch one URL (default: one attempt, no retries); the flow
            passes a Prefect task with retries.
        run_id: written into every fetch record.

    Raises:
        InputError: an unknown source, or a mirror whose manifest cannot be read.
    """
    primary = registry.source(source)
    store = store or RawStore()
    fetch = fetch_one or (lambda url, v: fetch_url(url, registry.policy, v))
    results = _collect(registry, primary, resolutions, langs, store, fetch, run_id)
    missing = {r.key: r.reason or r.status for r in results if not r.ok}
    fallbacks: dict[str, str] = {}
    if fallback and missing:
        spare_source = registry.source(fallback)
        failed = [r for r in results if not r.ok]
        spare = {
            r.key: r
            for r in _collect(
                registry,
                spare_source,
                sorted({r.resolution for r in failed}),
                sorted({r.lang for r in failed}),
                store,
                fetch,
                run_id,
            )
        }
        for n, result in enumerate(results):
            other = spare.get(result.key)
            if result.ok:
                continue
            if other is not None and other.ok:
                fallbacks[result.key] = missing.pop(result.key)
                results[n] = replace(other, records=result.records + other.records)
            else:
                why = other.reason if other else f"has no {result.resolution} {result.lang}"
                missing[result.key] += f"; fallback {spare_source.name}: {why}"
    return Gathered(primary.name, fallback, tuple(results), missing, fallbacks)


def _collect(
    registry: Registry,
    source: Source,
    resolutions: Sequence[str] | None,
    langs: Sequence[Lang] | None,
    store: RawStore,
    fetch: FetchOne,
    run_id: str | None,
) -> list[LanguageResult]:
    if isinstance(source, MirrorSource):
        return read_mirror(source, resolutions, langs, registry.policy)
    if isinstance(source, FolderSource):
        return read_folder(source, resolutions, langs, registry.policy)
    acquirer = HttpAcquirer(store, fetch, run_id, registry.policy)
    wanted = list(langs) if langs is not None else list(LANGS)
    results = []
    # By default, every document the registry names on ITU's server (an ITU document name).
    known = [r for r, entry in registry.documents.items() if entry.itu is not None]
    for resolution in resolutions if resolutions is not None else known:
        try:
            plans = registry.plan(source, resolution, wanted)
        except CorpusError as exc:
            results += [
                LanguageResult(resolution, lang, source.name, "failed", reason=str(exc))
                for lang in wanted
            ]
            continue
        for plan in plans:
            try:
                results.append(acquirer.acquire(plan))
            except Exception as exc:  # a bug in one language must not sink the other five
                reason = f"internal error: {exc!r}"
                results.append(
                    LanguageResult(resolution, plan.lang, source.name, "failed", reason=reason)
                )
    return results
