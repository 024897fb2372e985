"""The source registry: for a document, where each language version comes from.

Sources are read from a TOML file (``corpus/fetch/sources.toml``, plus an optional user
file on top). A source is either an HTTP server with URL templates, tried in order per
language (Word first, then PDF or HTML), or a local mirror: a folder with a
``manifest.toml`` such as the bundled snapshot. Either way the flow gets, per language,
the same thing to work on (see :mod:`corpus.fetch.acquire`).

ITU's document names are the default pattern: ``S22-PP-C-0076!A35!MSW-F`` is sector S
(General Secretariat), year 2022, meeting PP, series C (contribution), number 0076,
part A35 (addendum 35), variant MSW (Word), language F; the language letters are
A, C, E, F, R, S for Arabic, Chinese, English, French, Russian, Spanish.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

from corpus.errors import InputError
from corpus.fetch.folder import FolderSource
from corpus.fetch.http import FetchPolicy
from corpus.fetch.validate import Container
from corpus.manifest import BUNDLED_MANIFEST
from corpus.model import Lang

#: The registry shipped with the package.
DEFAULT_SOURCES_CONFIG: Final[Path] = Path(__file__).resolve().parent / "sources.toml"
MANIFEST_NAME: Final[str] = "manifest.toml"

#: ITU's language letters, used in document names (``…!MSW-F``).
ITU_LETTERS: Final[dict[Lang, str]] = {
    "ar": "A",
    "zh": "C",
    "en": "E",
    "fr": "F",
    "ru": "R",
    "es": "S",
}

_ITU_NAME: Final[re.Pattern[str]] = re.compile(
    r"(?P<sector>[A-Z])(?P<yy>\d{2})-(?P<meeting>[A-Z0-9]+)-(?P<series>[A-Z]+)-(?P<number>\d{1,5})"
    r"(?:!(?P<part>[A-Z0-9-]*))?(?:!(?P<variant>[A-Z]+)-(?P<letter>[ACEFRS]))?"
)


@dataclass(frozen=True, slots=True)
class ItuName:
    """An ITU document name without its variant and language, e.g. ``S22-PP-C-0076!A35``."""

    sector: str
    yy: str
    meeting: str
    series: str
    number: str
    part: str

    @classmethod
    def parse(cls, name: str) -> ItuName:
        """Read a name such as ``S22-PP-C-0076!A35`` or ``S22-PP-C-0076!A35!MSW-F``.

        Raises:
            InputError: not an ITU document name.
        """
        m = _ITU_NAME.fullmatch(name.strip())
        if not m:
            raise InputError(f"{name!r} is not an ITU document name like S22-PP-C-0076!A35!MSW-F")
        return cls(
            sector=m["sector"],
            yy=m["yy"],
            meeting=m["meeting"],
            series=m["series"],
            number=m["number"],
            part=m["part"] or "",
        )

    @property
    def doc(self) -> str:
        """The document without its part, e.g. ``S22-PP-C-0076``."""
        return f"{self.sector}{self.yy}-{self.meeting}-{self.series}-{self.number}"

    def __str__(self) -> str:
        return f"{self.doc}!{self.part}" if self.part else self.doc

    def fields(self) -> dict[str, str]:
        """Template fields; the path parts are lower case, as on ITU's server."""
        return {
            "sector": self.sector.lower(),
            "yy": self.yy,
            "meeting": self.meeting.lower(),
            "series": self.series.lower(),
            "number": self.number,
            "doc": self.doc,
            "part": self.part,
            "document": str(self),
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to get a language version: a URL template and the format it gives.

    ``parser`` names the ``SourceFormat`` that parses it (``udhr-html`` …); by default the
    format's own name (``docx``, ``pdf``), which may have no parser yet.
    """

    format: Container
    url: str
    parser: str | None = None

    @property
    def parser_name(self) -> str:
        """The parser to use once the file is validated."""
        return self.parser or self.format.value


@dataclass(frozen=True, slots=True)
class HttpSource:
    """A server to fetch from, with the URL templates to try in order."""

    name: str
    base_url: str
    candidates: tuple[Candidate, ...]
    licence: str


@dataclass(frozen=True, slots=True)
class MirrorSource:
    """A local folder with its ``manifest.toml`` (the bundled snapshot is one)."""

    name: str
    manifest: Path

    @property
    def root(self) -> Path:
        """The folder the manifest's paths are relative to."""
        return self.manifest.parent


Source = HttpSource | MirrorSource | FolderSource


#: What a document of the corpus can be.
DOCUMENT_KINDS: Final = ("resolution", "recommendation", "declaration")


@dataclass(frozen=True, slots=True)
class DocumentEntry:
    """A document the registry knows, by the resolution id the corpus uses.

    ``kind``, ``body`` (who adopted it: PP, WTSA, ITU-T, UNGA), ``meeting`` (the conference
    or study group, e.g. PP-18) and ``year`` describe it in the ``resolutions`` table.
    """

    resolution: str
    title: str
    itu: ItuName | None
    kind: str | None = None
    body: str | None = None
    meeting: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One URL to try for one language version of one document."""

    url: str
    format: Container
    parser: str


@dataclass(frozen=True, slots=True)
class LanguagePlan:
    """Where to look for one language version, in order of preference."""

    source: HttpSource
    resolution: str
    lang: Lang
    document: str | None
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class Registry:
    """The sources, the documents and the fetch policy, as configured."""

    sources: Mapping[str, Source]
    documents: Mapping[str, DocumentEntry]
    policy: FetchPolicy

    def source(self, spec: str) -> Source:
        """A source by name (``itu``, ``snapshot``) or by path (a folder, with a manifest or not).

        A folder without ``manifest.toml`` is read by its file names
        (:mod:`corpus.fetch.folder`).

        Raises:
            InputError: neither a configured source nor an existing folder or manifest.
        """
        if spec in self.sources:
            return self.sources[spec]
        path = Path(spec)
        if path.is_dir():
            if not (path / MANIFEST_NAME).is_file():
                return FolderSource(name=str(spec), root=path)
            path = path / MANIFEST_NAME
        if path.is_file():
            return MirrorSource(name=str(spec), manifest=path)
        known = ", ".join(sorted(self.sources))
        raise InputError(f"unknown source {spec!r}: give one of {known}, or a mirror folder")

    def document(self, resolution: str) -> DocumentEntry:
        """The entry for a resolution id, or for an ITU document name given directly.

        Raises:
            InputError: neither a known resolution nor an ITU document name.
        """
        if resolution in self.documents:
            return self.documents[resolution]
        try:
            itu = ItuName.parse(resolution)
        except InputError:
            known = ", ".join(sorted(self.documents)) or "none"
            raise InputError(
                f"unknown document {resolution!r}: the registry has {known}; "
                "or give an ITU document name such as S22-PP-C-0076!A35"
            ) from None
        return DocumentEntry(resolution=resolution, title=str(itu), itu=itu)

    def plan(
        self, source: HttpSource, resolution: str, langs: Sequence[Lang]
    ) -> list[LanguagePlan]:
        """The URLs to try, per language, for one document at one HTTP source.

        Raises:
            InputError: the document is unknown, or a URL template needs a field the
                document lacks (e.g. ``{doc}`` for a document without an ITU name).
        """
        entry = self.document(resolution)
        base = entry.itu.fields() if entry.itu else {}
        plans = []
        for lang in langs:
            values = base | {
                "base_url": source.base_url.rstrip("/"),
                "lang": lang,
                "letter": ITU_LETTERS[lang],
                "resolution": entry.resolution,
            }
            targets = []
            for cand in source.candidates:
                try:
                    url = cand.url.format_map(values)
                except (KeyError, IndexError, ValueError) as exc:
                    raise InputError(
                        f"source {source.name}: URL template {cand.url!r} cannot be filled "
                        f"for {resolution} ({type(exc).__name__}: {exc})"
                    ) from None
                targets.append(Target(url=url, format=cand.format, parser=cand.parser_name))
            plans.append(
                LanguagePlan(
                    source=source,
                    resolution=entry.resolution,
                    lang=lang,
                    document=str(entry.itu) if entry.itu else None,
                    targets=tuple(targets),
                )
            )
        return plans


def load_registry(user_config: Path | None = None) -> Registry:
    """Read the bundled registry and, on top of it, ``user_config`` when given.

    Raises:
        InputError: a file is missing or not TOML, or an entry is malformed; the message
            names the file.
    """
    data = _read_toml(DEFAULT_SOURCES_CONFIG)
    bases = {key: DEFAULT_SOURCES_CONFIG.parent for key in data.get("sources", {})}
    where = str(DEFAULT_SOURCES_CONFIG)
    if user_config is not None:
        user = _read_toml(user_config)
        data = _merge(data, user)
        bases |= {key: user_config.resolve().parent for key in user.get("sources", {})}
        where = str(user_config)
    return Registry(
        sources={
            name: _source(name, table, bases[name], where)
            for name, table in _tables(data, "sources", where).items()
        },
        documents={
            res: _document(res, table, where)
            for res, table in _tables(data, "documents", where).items()
        },
        policy=_policy(data.get("fetch", {}), where),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("sources config not found", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 at byte {exc.start}", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=str(path)) from None


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key, recursively; anything else in ``top`` replaces ``base``."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _tables(data: dict[str, Any], key: str, where: str) -> dict[str, dict[str, Any]]:
    tables = data.get(key, {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise InputError(f"[{key}.NAME] entries must be tables", path=where)
    return tables


def _source(name: str, table: dict[str, Any], base: Path, where: str) -> Source:
    kind = table.get("kind")
    if kind == "mirror":
        manifest = table.get("manifest")
        if not isinstance(manifest, str) or not manifest:
            raise InputError(f"source {name}: a mirror needs `manifest`", path=where)
        path = BUNDLED_MANIFEST if manifest == "bundled" else base / manifest
        return MirrorSource(name=name, manifest=path / MANIFEST_NAME if path.is_dir() else path)
    if kind != "http":
        raise InputError(
            f"source {name}: kind must be 'http' or 'mirror', not {kind!r}", path=where
        )
    base_url = table.get("base_url")
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise InputError(f"source {name}: base_url must be an http(s) URL", path=where)
    raw = table.get("candidates")
    if not isinstance(raw, list) or not raw:
        raise InputError(f"source {name}: needs a list of candidates", path=where)
    return HttpSource(
        name=name,
        base_url=base_url,
        candidates=tuple(_candidate(name, n, c, where) for n, c in enumerate(raw, start=1)),
        licence=str(table.get("licence", "unknown")),
    )


def _candidate(name: str, n: int, item: Any, where: str) -> Candidate:
    if not isinstance(item, dict) or not isinstance(item.get("url"), str):
        raise InputError(f"source {name}: candidate {n} needs a url", path=where)
    try:
        fmt = Container(str(item.get("format")))
    except ValueError:
        choices = ", ".join(c.value for c in Container)
        raise InputError(
            f"source {name}: candidate {n} format must be one of {choices}", path=where
        ) from None
    parser = item.get("parser")
    if parser is not None and not isinstance(parser, str):
        raise InputError(f"source {name}: candidate {n} parser must be a string", path=where)
    return Candidate(format=fmt, url=item["url"], parser=parser)


def _document(res: str, table: dict[str, Any], where: str) -> DocumentEntry:
    itu = table.get("itu")
    if itu is not None and not isinstance(itu, str):
        raise InputError(f"document {res}: itu must be a document name", path=where)
    try:
        name = ItuName.parse(itu) if itu else None
    except InputError as exc:
        raise InputError(f"document {res}: {exc.problem}", path=where) from None
    kind = table.get("kind")
    if kind is not None and kind not in DOCUMENT_KINDS:
        raise InputError(
            f"document {res}: kind must be one of {', '.join(DOCUMENT_KINDS)}", path=where
        )
    year = table.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise InputError(f"document {res}: year must be a number", path=where)
    texts = {key: table.get(key) for key in ("body", "meeting")}
    if any(v is not None and not isinstance(v, str) for v in texts.values()):
        raise InputError(f"document {res}: body and meeting must be strings", path=where)
    return DocumentEntry(
        resolution=res,
        title=str(table.get("title", res)),
        itu=name,
        kind=kind,
        body=texts["body"],
        meeting=texts["meeting"],
        year=year,
    )


def _policy(table: Any, where: str) -> FetchPolicy:
    if not isinstance(table, dict):
        raise InputError("[fetch] must be a table", path=where)
    known = {f.name: f.type for f in fields(FetchPolicy)}
    unknown = set(table) - set(known)
    if unknown:
        raise InputError(f"[fetch] has unknown keys {', '.join(sorted(unknown))}", path=where)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "user_agent":
            if not isinstance(value, str):
                raise InputError("[fetch] user_agent must be a string", path=where)
        elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise InputError(f"[fetch] {key} must be a number >= 0", path=where)
        values[key] = int(value) if key in ("retries", "max_bytes", "max_text_bytes") else value
    return FetchPolicy(**values)


__all__ = [
    "DEFAULT_SOURCES_CONFIG",
    "ITU_LETTERS",
    "Candidate",
    "DocumentEntry",
    "FolderSource",
    "HttpSource",
    "ItuName",
    "LanguagePlan",
    "MirrorSource",
    "Registry",
    "Source",
    "Target",
    "load_registry",
]
