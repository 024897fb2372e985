"""The ``itu-corpus`` command line, a thin shell over the library.

Each command parses arguments, calls one library function and formats its
result. Data goes to stdout, logs to stderr.

Errors are one line (``Error: …``) naming the file and the problem, exit status 1 (2 for
usage errors), never a traceback unless ``--debug`` is given; a failed command leaves any
existing database as it was.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

import click

from corpus.environment import bound_malloc_arenas, stay_offline
from corpus.errors import CorpusError
from corpus.model import LANGS, Lang, Level
from flows.config import RunConfig, option, parse_languages
from warehouse.display import clip

EXAMPLE_QUERIES = (
    "SELECT key, en, fr FROM parallel WHERE resolution = '130' AND level = 'clause' LIMIT 5",
    "SELECT key, ar, zh FROM parallel WHERE resolution = 'udhr' AND key = 'article.1' "
    "AND level = 'sentence'",
)

F = TypeVar("F", bound=Callable[..., Any])


def config_options(*names: str) -> Callable[[F], F]:
    """The click options of these :class:`RunConfig` fields (all when none is named).

    Each option is derived from its field: flag, help, default and type are declared once,
    in :mod:`flows.config`. An option left out stays ``None`` and the field keeps its
    default (see :func:`run_config`).
    """
    chosen = [f for f in fields(RunConfig) if not names or f.name in names]

    def decorate(func: F) -> F:
        for f in reversed(chosen):
            opt = option(f)
            if opt.off:
                func = click.option(
                    opt.off, f"{f.name}__off", is_flag=True, help=f"Run without {opt.flags[0]}."
                )(func)
            extra: dict[str, Any] = {"show_default": True, **opt.click}
            if "Path" in str(f.type):
                extra["type"] = click.Path(path_type=Path)
            if isinstance(f.default, bool) or f.default not in (None, ()):
                extra["default"] = f.default
            else:
                extra["show_default"] = False
            func = click.option(*opt.flags, f.name, help=opt.help, **extra)(func)
        return func

    return decorate


def run_config(values: dict[str, Any]) -> RunConfig:
    """The configuration the options of :func:`config_options` describe.

    Raises:
        click.UsageError: a value is wrong (an unknown language code, say).
    """
    given = {k: v for k, v in values.items() if v is not None and v != () and "__" not in k}
    for key in (k for k, v in values.items() if k.endswith("__off") and v):
        given[key.removesuffix("__off")] = None
    try:
        return RunConfig.from_values(given)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


db_option = config_options("db")
encoder_option = config_options("encoder")


def _parse_langs(ctx: click.Context, param: click.Parameter, value: str) -> list[Lang]:
    """Click callback: a comma-separated list of the six language codes."""
    try:
        return list(parse_languages(value))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


#: Exit status of a run that published but could not read some language (see ``run``).
PARTIAL = 3

#: Set by ``--debug``: errors show their traceback and Prefect logs errors to the terminal.
_debug = False


@click.group()
@click.version_option(package_name="itu-corpus")
@click.option(
    "--debug", is_flag=True, help="On an error, show the traceback and Prefect's own logs."
)
def cli(debug: bool) -> None:
    """Build and query the six-language parallel corpus of ITU resolutions."""
    global _debug
    _debug = debug
    if not debug:
        # Prefect logs a failed flow's traceback at ERROR; the command prints one line.
        # Read when Prefect sets up its logging, i.e. before a command imports it.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


@cli.command()
@config_options()
def run(**values: Any) -> None:
    """Run the build_corpus flow on the sources and load the database.

    Resolutions whose sources are unchanged since they were loaded (same sha256, same
    encoder and max-align) are skipped unless --full is given. Exit status: 0 when every
    language was read, 3 when some could not be (their last good version is kept), 1 when
    the run failed and published nothing.
    """
    config = run_config(values)
    stay_offline()
    bound_malloc_arenas()
    from corpus.progress import enable, progress
    from flows.pipeline import build, unchanged_sources

    enable()
    if (gathered := unchanged_sources(config)) is not None:
        # Nothing to rebuild: the run is recorded without starting the orchestrator.
        progress("every resolution is unchanged: recording the run without Prefect")
        report = build(config, gathered=gathered)
    else:
        from flows.build_corpus import run_flow
        from flows.ephemeral import tie_server_to_process

        tie_server_to_process()
        report = run_flow(config)
    click.echo(
        f"run {report.run_id}: {report.documents} documents, {report.groups} groups, "
        f"{report.embedded} strings embedded, {report.reused} read from the embedding store"
    )
    click.echo(f"signature {report.signature.format()}")
    for resolution, reason in report.skipped.items():
        click.echo(f"skipped {resolution}: {reason}")
    for resolution, page in report.reports.items():
        click.echo(f"review page {resolution}: {page}")
    for resolution, reason in report.reports_failed.items():
        click.echo(f"no review page for {resolution}: {reason}", err=True)
    for where, reason in report.missing.items():
        click.echo(f"missing {where}: {reason}", err=True)
    if report.fallbacks:
        click.echo(
            f"from fallback {report.fallback}: {', '.join(report.fallbacks)} "
            f"(source {report.source} could not supply them)",
            err=True,
        )
        for where, reason in report.fallbacks.items():
            click.echo(f"fallback {where}: {report.source} failed: {reason}", err=True)
    for where, kept_run in report.kept.items():
        click.echo(f"kept {where}: its version of run {kept_run} (not read in this run)", err=True)
    if report.documents == 0 and not report.skipped:
        raise click.ClickException("no document could be read; the database was not changed")
    if report.missing:
        raise click.exceptions.Exit(PARTIAL)


@cli.command()
@db_option
@click.option(
    "--since",
    default=None,
    help="Report every run after this run id (default: the latest run only).",
)
@click.option("--width", default=80, show_default=True, help="Cut texts to this many characters.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def changes(db: Path, since: str | None, width: int, fmt: str) -> None:
    """Print what a run added, changed or removed, per level and language, and stale translations.

    Each change is listed at the coarsest level it shows at: clauses where a document has
    them, paragraphs where it has none. The same data is in the level_changes view.
    """
    from dataclasses import asdict

    from warehouse.changes import changes as read_changes
    from warehouse.changes import format_changes, runs_not_read

    found = read_changes(db, since)
    if fmt == "json":
        click.echo(json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=1))
    else:
        click.echo(format_changes(found, width, runs_not_read(db, since)))


@cli.command()
@click.option("--cron", default=None, help='Schedule, e.g. "0 6 * * 1" (default: the config\'s).')
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="A TOML run configuration (see itu-corpus.toml.example).",
)
def serve(cron: str | None, config_file: Path | None) -> None:
    """Register a scheduled deployment of the corpus build and serve it until stopped.

    Needs a Prefect API (PREFECT_API_URL), e.g. `prefect server start --host 127.0.0.1`;
    `make serve` starts both.
    """
    stay_offline()
    from flows.config import load_config
    from flows.serve import serve_corpus

    config = load_config(config_file)
    if not (cron or config.schedule.cron):
        raise click.UsageError("give --cron or a [schedule] cron in the config")
    serve_corpus(config, cron)


@cli.command()
@db_option
def summary(db: Path) -> None:
    """Print what the database holds and how to query it."""
    from warehouse.summary import corpus_summary, format_summary

    click.echo(format_summary(corpus_summary(db)))
    click.echo(f"\ndatabase: {db.resolve()}")
    click.echo("try:")
    for sql in EXAMPLE_QUERIES:
        click.echo(f'  itu-corpus sql "{sql}"')


def _print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int) -> None:
    cells = [[clip(v, width) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    click.echo(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    click.echo("-+-".join("-" * w for w in widths))
    for row in cells:
        click.echo(" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


@cli.command()
@click.argument("query")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--width",
    default=60,
    show_default=True,
    help="Longest cell in table format (csv and json are never cut).",
)
def sql(query: str, db: Path, fmt: str, width: int) -> None:
    """Run a read-only SQL query on the corpus and print the result."""
    from warehouse.db import query as run_query

    columns, rows = run_query(db, query)
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        click.echo(json.dumps(records, ensure_ascii=False, default=str, indent=1))
    else:
        _print_table(columns, rows, width)


@cli.command("align-files")
@click.option(
    "--langs",
    required=True,
    callback=_parse_langs,
    help="Languages of the files, in order, e.g. en,fr,zh.",
)
@encoder_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def align_files(langs: list[Lang], encoder: str, files: tuple[Path, ...]) -> None:
    """Align plain files (UTF-8, one sentence per line) and print the beads of every pair as JSON.

    The keys are the pairs x-y of the given languages (x before y in --langs),
    the values the beads [[x indices], [y indices]] in order, 1-0 and 0-1 included.
    """
    stay_offline()
    if len(langs) != len(files):
        raise click.UsageError(f"{len(langs)} languages for {len(files)} files")
    if len(langs) < 2:
        raise click.UsageError("give at least two languages")
    from alignment.files import align_files as run_alignment

    result = run_alignment(dict(zip(langs, files, strict=True)), encoder=encoder)
    click.echo(json.dumps(result, ensure_ascii=False))


level_option = click.option(
    "--level",
    type=click.Choice([level.value for level in Level]),
    default=Level.SENTENCE.value,
    show_default=True,
    help="Segment level.",
)


@cli.command("concordance")
@click.argument("term")
@click.option("--lang", required=True, type=click.Choice(LANGS), help="Language of the term.")
@level_option
@click.option("--resolution", default=None, help="Only this resolution (e.g. 130, udhr).")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Hits to show; 0 shows all.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--width", default=0, help="Cut texts to this many characters (0: never).")
@db_option
def concordance_cmd(
    term: str,
    lang: Lang,
    level: str,
    resolution: str | None,
    limit: int,
    fmt: str,
    width: int,
    db: Path,
) -> None:
    """Print every segment containing TERM with its aligned segments, best first."""
    from dataclasses import asdict

    from warehouse.search import concordance, format_concordance

    result = concordance(
        db, term, lang, level=Level(level), resolution=resolution, limit=limit or None
    )
    if fmt == "json":
        click.echo(json.dumps(asdict(result), ensure_ascii=False, indent=1))
    else:
        click.echo(format_concordance(result, width))


@cli.group()
def export() -> None:
    """Write the corpus in formats other tools read (TMX, Parquet, TBX, a review workbook)."""


@export.command("tmx")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@level_option
@click.option("--resolution", default=None, help="Only this resolution (e.g. 130, udhr).")
@db_option
def export_tmx_cmd(out: Path, level: str, resolution: str | None, db: Path) -> None:
    """Write a TMX 1.4b file: one <tu> per aligned group, every language it holds."""
    from warehouse.export import export_tmx

    count = export_tmx(db, out, Level(level), resolution)
    click.echo(f"{count} translation units ({level}) written to {out}")


@export.command("parquet")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@db_option
def export_parquet_cmd(out_dir: Path, db: Path) -> None:
    """Write every table and view users query as OUT_DIR/<name>.parquet."""
    from warehouse.export import export_parquet

    for name, rows in export_parquet(db, out_dir).items():
        click.echo(f"{name}.parquet: {rows} rows")


@export.command("xlsx")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--level",
    type=click.Choice([level.value for level in Level]),
    default=Level.CLAUSE.value,
    show_default=True,
    help="Segment level: one row per aligned group of this level.",
)
@click.option("--resolution", default=None, help="Only this resolution (e.g. 130, udhr).")
@db_option
def export_xlsx_cmd(out: Path, level: str, resolution: str | None, db: Path) -> None:
    """Write a review workbook: one row per aligned group, one column per language.

    Then the key, the resolution, the alignment confidence and the row's QA findings;
    Arabic right to left, header frozen, autofilter on.
    """
    from warehouse.report.workbook import write_workbook

    stats = write_workbook(db, out, Level(level), resolution)
    click.echo(f"{stats.rows} rows ({level}), {stats.findings} findings written to {out}")


@export.command("tbx")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--termbase",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="A termbase TOML file (default: the bundled ITU termbase).",
)
@click.option(
    "--tbx-version",
    type=click.Choice(["2", "3"]),
    default="2",
    show_default=True,
    help="2: the martif document memoQ, MultiTerm and translate-toolkit import; 3: ISO 30042:2019.",
)
def export_tbx_cmd(out: Path, termbase: Path | None, tbx_version: str) -> None:
    """Write the termbase as TBX-Basic (TBX v2 by default) for CAT tools."""
    from warehouse.qa.tbx import write_tbx
    from warehouse.qa.termbase import load_termbase

    base = load_termbase(termbase)
    write_tbx(base, out, int(tbx_version))
    click.echo(f"{len(base.concepts)} concepts written to {out} (TBX-Basic, TBX v{tbx_version})")


@cli.command()
@db_option
@click.option("--top", default=20, show_default=True, help="Findings to list after the summary.")
@click.option(
    "--checks", default=None, help="Comma-separated checks to run (default: all of them)."
)
def qa(db: Path, top: int, checks: str | None) -> None:
    """Run the translation and terminology checks on the latest run and print the findings.

    Findings are stored in qa_findings (and term pairs in term_candidates) for SQL.
    """
    from warehouse.qa.registry import ALL
    from warehouse.qa.run import qa_report, run_qa

    selected = [c.strip() for c in checks.split(",")] if checks else list(ALL)
    unknown = sorted(set(selected) - set(ALL))
    if unknown:
        raise click.BadParameter(
            f"unknown check {unknown[0]!r}; use some of {', '.join(ALL)}", param_hint="'--checks'"
        )
    run_id, _ = run_qa(db, selected)
    click.echo(qa_report(db, top, run_id))


@cli.command()
@click.option("--resolution", required=True, help="The resolution to review (e.g. 130, udhr).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The HTML file to write (default: reports/<resolution>.html beside the database).",
)
@db_option
def report(resolution: str, out: Path | None, db: Path) -> None:
    """Write the review page of a resolution: one self-contained HTML file.

    The language versions side by side, clause by clause, with the QA findings marked
    where they are; it opens by double-click, with no network, and can be mailed.
    """
    from warehouse.report.render import report_path, write_review

    target = out or report_path(db, resolution)
    review = write_review(db, resolution, target)
    findings = sum(len(row.all_findings) for row in review.rows)
    click.echo(f"{len(review.rows)} rows, {findings} findings: review page written to {target}")


@cli.command()
@db_option
def migrate(db: Path) -> None:
    """Upgrade the database to this program's schema (a copy is migrated, then swapped in)."""
    from warehouse.db import SCHEMA_VERSION
    from warehouse.publish import migrate_database

    before, applied = migrate_database(db)
    if applied:
        click.echo(f"migrated {db} from schema version {before} to {SCHEMA_VERSION}")
    else:
        click.echo(f"{db} is at schema version {SCHEMA_VERSION}, nothing to do")


@cli.command()
@db_option
@click.option(
    "--keep-runs",
    type=click.IntRange(min=1),
    required=True,
    help="Keep the findings, replaced texts and fetch log of the newest N runs.",
)
def prune(db: Path, keep_runs: int) -> None:
    """Drop the history of older runs and compact the database (a copy, then swapped in).

    The current corpus and the newest QA findings are always kept; see docs/schema.md for
    what grows with each run.
    """
    from warehouse.prune import prune as prune_database

    done = prune_database(db, keep_runs)
    removed = ", ".join(f"{n} {table}" for table, n in done.deleted.items())
    click.echo(
        f"kept the history of {len(done.kept_runs)} runs; removed {removed}; "
        f"{done.bytes_before / 2**20:.1f} MB -> {done.bytes_after / 2**20:.1f} MB"
    )


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGINT: stop the command where it is (writes are staged, see publish)."""

    def __init__(self, signum: int) -> None:
        """Remember the signal, for the message and the exit status (128 + its number)."""
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status (tests call this directly).

    SIGTERM and SIGINT stop a command within moments: the exception unwinds through the
    staged write (:mod:`warehouse.publish`), which is discarded, so the published database
    stays as it was. Worker threads still busy (embedding, say) are not waited for.
    """
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {s: signal.signal(s, _interrupt) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _run(argv)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(argv: Sequence[str] | None) -> int:
    """:func:`main` without the signal handlers: run the command, turn errors into one line."""
    try:
        status = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="itu-corpus",
            standalone_mode=False,
        )
        if isinstance(status, int) and status:  # a command's click.exceptions.Exit(3)
            return status
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt) as exc:
        cause = exc if isinstance(exc, Interrupted) else exc.__cause__
        if not isinstance(cause, Interrupted):
            click.echo("Aborted.", err=True)
            return 1
        click.echo(
            f"Error: interrupted by {cause}; nothing more was written, the database is "
            "as the last finished run left it",
            err=True,
        )
        code = 128 + cause.signum
        if threading.active_count() > 1:  # do not wait for worker threads to finish
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except CorpusError as exc:
        if _debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        return 1
    except Exception as exc:  # anything unforeseen still ends in one line
        if _debug:
            raise
        text = str(exc).strip()
        first = text.splitlines()[0] if text else ""
        click.echo(
            f"Error: {type(exc).__name__}: {first} (run with --debug for the traceback)",
            err=True,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
