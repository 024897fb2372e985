"""Opening the warehouse, migrating its schema and running read-only queries.

Every DuckDB error that can reach a user is turned into a :class:`DatabaseError` that
names the database file, so the CLI can print one line and exit.

Read-only connections are a sandbox, since the ``sql`` command runs whatever a user
types on them: extensions are neither installed nor loaded automatically, external
access (files, network) is disabled and the configuration locked, so ``read_text``,
``read_csv``, ``glob``, ``COPY``, ``ATTACH`` or ``SET`` cannot reach outside the database.
See :func:`sandbox`.

The schema is versioned: ``schema_version`` holds one row per applied migration (see
``warehouse/migrations``). Writers migrate a database forward (on a staged copy, see
:mod:`warehouse.publish`); readers check the version and say what to do when it differs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import duckdb

from corpus.errors import DatabaseError
from warehouse.migrations import LATEST, migrations, views_sql

#: The schema version this program writes and reads: the number of the last migration.
SCHEMA_VERSION = LATEST

NO_DATABASE = "no database here; run `itu-corpus run` first"


#: Connection settings of every read-only connection. DuckDB shares one instance per file
#: and process and refuses a second connection with other settings, so all readers use these.
_READER_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    # ``FROM name`` must never read a Python variable of this process.
    "python_enable_replacements": False,
}


#: DuckDB's memory for a writing connection (a load, its QA, a prune). Its default, 80% of
#: the machine, let the buffer pool keep every page a run touched: memory that grew with
#: the corpus. Above this DuckDB evicts pages and spills to disk instead.
WRITER_MEMORY: Final = "512MB"

#: Rows per row group of what a writer appends. Every checkpoint rewrites the last row
#: group of each table a load appended to, whole. At DuckDB's default (122,880 rows, about
#: 68 resolutions' segments) that group kept growing with the corpus, and so did each
#: load's checkpoint: 0.08 s for the first resolution, 0.6 s and 50 MB at 40, 1.2 s and
#: 100 MB at 200 resolutions' rows. At 16,384 rows it stays near 0.15-0.2 s.
WRITER_ROW_GROUP: Final = 16_384
#: Row groups a writer's checkpoint may merge (DuckDB's ``max_vacuum_tasks``, 100 by default).
#: Zero, as DuckDB already did for a table with an index: once the tables that grow with the
#: corpus lost theirs (migration 12), each checkpoint after a batch merged that batch's row
#: groups again, a transient 50 MB beside the next batch's alignment (peak at 20 UN
#: documents 876-886 MB against 839-843). What a load frees is reused all the same, and
#: `itu-corpus prune` writes the file anew.
WRITER_VACUUM_TASKS: Final = 0
#: The name a writing connection gives its file (``current_database()``).
WRITER_CATALOG: Final = "corpus"


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file at ``path``; writable opens create it and its parent directory.

    A read-only connection is sandboxed (see :func:`sandbox`).

    Raises:
        DatabaseError: the file is missing (read-only), not a DuckDB database, or locked
            by another process or connection.

    """
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseError(NO_DATABASE, path=str(path))
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create its directory: {exc}", path=str(path)) from exc
    try:
        if not read_only:
            return _writer(path)
        con = duckdb.connect(str(path), read_only=True, config=dict(_READER_CONFIG))
    except duckdb.Error as exc:
        raise DatabaseError(_open_problem(exc), path=str(path)) from exc
    try:
        sandbox(con)
    except duckdb.Error as exc:
        con.close()
        problem = f"cannot sandbox the connection ({first_line(exc)})"
        raise DatabaseError(problem, path=str(path)) from exc
    return con


def _writer(path: Path) -> duckdb.DuckDBPyConnection:
    """A writing connection to ``path``: its appends in row groups of :data:`WRITER_ROW_GROUP`.

    The row group size is an option of ``ATTACH``, not of a connection's settings, so the
    file is attached to an in-memory instance and made its default catalog. DuckDB
    refuses to attach a file that another instance of this process has open.
    """
    con = duckdb.connect(
        ":memory:",
        config={"memory_limit": WRITER_MEMORY, "max_vacuum_tasks": WRITER_VACUUM_TASKS},
    )
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS {WRITER_CATALOG} (ROW_GROUP_SIZE {WRITER_ROW_GROUP})")
        con.execute(f"USE {WRITER_CATALOG}")
    except BaseException:
        con.close()
        raise
    return con


def sandbox(con: duckdb.DuckDBPyConnection) -> None:
    """Shut a read-only connection off from files, the network and its own settings.

    ``enable_external_access`` is turned off and ``lock_configuration`` on, so no ``SET``
    can turn it back. A connection to a file another reader of this process already locked
    shares that instance, already locked.
    """
    if _locked(con):
        return
    try:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except duckdb.InvalidInputException:
        if not _locked(con):  # else another reader of this process locked it meanwhile
            raise


def _locked(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT current_setting('lock_configuration')").fetchone()
    return bool(row and row[0])


def _open_problem(exc: duckdb.Error) -> str:
    """Say in a few words why DuckDB could not open a file."""
    message = first_line(exc)
    lowered = message.lower()
    in_use = "lock" in lowered or "already attached" in lowered
    if in_use or isinstance(exc, duckdb.ConnectionException):
        # Another process holds the write lock, or this process has the file open already:
        # with other settings (one configuration per file and process), or as a writer.
        return f"the database is in use by another connection ({message})"
    if "newer version of duckdb" in str(exc).lower():
        return (
            f"written by a newer DuckDB than this program's {duckdb.__version__}; "
            "upgrade itu-corpus, or move the file away and run `itu-corpus run` again"
        )
    if "not a valid duckdb database" in lowered or "database file" in lowered:
        return "not a DuckDB database file"
    return f"cannot open the database ({message})"


def first_line(exc: BaseException) -> str:
    """Keep the first line of a DuckDB message: the rest is a hint or a stack of context."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def database_path(con: duckdb.DuckDBPyConnection) -> str:
    """Return the file behind a connection, to name it in errors."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return str(row[0]) if row and row[0] else ":memory:"


def stored_version(con: duckdb.DuckDBPyConnection) -> int:
    """Return the schema version of the open database, 0 for one without a schema."""
    has_table = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = 'schema_version'"
    ).fetchone()
    if not has_table or not has_table[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the ``with`` block in one transaction: committed at its end, rolled back on error."""
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _newer(version: int, path: str) -> DatabaseError:
    return DatabaseError(
        f"built with schema version {version} by a newer itu-corpus, this program knows "
        f"versions up to {SCHEMA_VERSION}; upgrade itu-corpus, or move the file away and run "
        "`itu-corpus run` again",
        path=path,
    )


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Bring the schema of a writable connection to :data:`SCHEMA_VERSION`.

    The missing migrations and the views are applied in one transaction, so a failure
    leaves the schema as it was. Returns the versions applied (empty when up to date).

    Raises:
        DatabaseError: the database was made by a newer program, or a migration failed.

    """
    path = database_path(con)
    try:
        current = stored_version(con)
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot read the schema ({first_line(exc)})", path=path) from exc
    if current > SCHEMA_VERSION:
        raise _newer(current, path)
    pending = [m for m in migrations() if m.version > current]
    if not pending:
        return []
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        with transaction(con):
            for migration in pending:
                con.execute(migration.sql)
                con.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    [migration.version, now],
                )
            con.execute(views_sql())
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot migrate the schema from version {current} ({first_line(exc)})", path=path
        ) from exc
    return [m.version for m in pending]


#: The name the foundation gave :func:`migrate`.
init_schema = migrate


def check_version(con: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    """Refuse to read a database of another schema version, saying what to do.

    A database without ``schema_version`` (empty, or not ours) passes: queries on it
    fail on their own with a clearer message.

    Raises:
        DatabaseError: the database has an older or a newer schema version.

    """
    try:
        version = stored_version(con)
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot read the schema ({first_line(exc)})", path=str(path)) from exc
    if version and version < SCHEMA_VERSION:
        raise DatabaseError(
            f"built with schema version {version}, this program uses {SCHEMA_VERSION}; "
            f"run `itu-corpus migrate --db {path}` to upgrade it (readers are not disturbed)",
            path=str(path),
        )
    if version > SCHEMA_VERSION:
        raise _newer(version, str(path))


def open_reader(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the database read-only after checking its schema version.

    Raises:
        DatabaseError: missing, unreadable, locked by a writer, or of another version.

    """
    con = connect(path, read_only=True)
    try:
        check_version(con, path)
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def reading(
    path: Path | str, problem: str, *, any_version: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to ``path``, closed at the end of the block.

    A DuckDB error inside the block becomes one :class:`DatabaseError`, ``problem``
    followed by its first line. The schema version is checked (:func:`open_reader`)
    unless ``any_version`` (for reads of columns every version has).

    Raises:
        DatabaseError: the database cannot be opened or read.
    """
    con = connect(path, read_only=True) if any_version else open_reader(path)
    try:
        yield con
    except duckdb.Error as exc:
        raise DatabaseError(f"{problem} ({first_line(exc)})", path=str(path)) from exc
    finally:
        con.close()


def query(
    path: Path | str, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run SQL on a sandboxed read-only connection; return the column names and rows.

    The ``sql`` command runs whatever a user types here, so the connection can neither
    change the corpus nor reach files, the network or its own settings (see :func:`sandbox`),
    and the functions that would still act outside the query are refused before it runs.

    Raises:
        DatabaseError: the database is missing or unreadable, the SQL is empty or fails,
            or it tries to write, reach outside the database or change a setting.

    """
    con = open_reader(path)
    try:
        _refuse_outside(con, sql, path)
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall() if cursor.description else []
    except duckdb.Error as exc:
        raise DatabaseError(_query_problem(exc), path=str(path)) from exc
    finally:
        con.close()
    return columns, rows


def _query_problem(exc: duckdb.Error) -> str:
    """Say in one line why a query of the ``sql`` command failed."""
    message = first_line(exc)
    if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in message:
        return f"queries cannot read or write files or the network ({message})"
    if "configuration has been locked" in message:
        return f"settings cannot be changed here ({message})"
    if "read-only" in message:
        # Backstop for writes that _refuse_outside let through (PIVOT, PRAGMA …).
        return f"the database is opened read-only, statements cannot write ({message})"
    return f"query failed: {message}"


#: Statement types the ``sql`` command runs. COPY … TO and CREATE TEMP are refused too:
#: DuckDB allows them on a read-only database, but they write files or state.
_READING = frozenset(
    {
        duckdb.StatementType.SELECT,
        duckdb.StatementType.EXPLAIN,
        duckdb.StatementType.PRAGMA,
        duckdb.StatementType.CALL,
        duckdb.StatementType.MULTI,
    }
)

#: Statements refused for another reason than writing.
_REFUSED_WHY = {
    duckdb.StatementType.SET: "the settings of this connection are locked",
    duckdb.StatementType.VARIABLE_SET: "the settings of this connection are locked",
    duckdb.StatementType.LOAD: "no extension is installed or loaded here",
}

#: Functions refused by name: logging and profiling write where their settings say (and
#: ``enable_logging`` to a file breaks the connection), ``query`` and
#: ``json_execute_serialized_sql`` run SQL from a string these checks never see, and the
#: Python scans read memory by address.
_REFUSED_FUNCTIONS = frozenset(
    {
        "enable_logging",
        "disable_logging",
        "truncate_duckdb_logs",
        "enable_profiling",
        "enable_profile",
        "disable_profiling",
        "disable_profile",
        "query",
        "json_execute_serialized_sql",
        "arrow_scan",
        "arrow_scan_dumb",
        "pandas_scan",
        "python_map_function",
    }
)


def _refuse_outside(con: duckdb.DuckDBPyConnection, sql: str, path: Path | str) -> None:
    """Refuse empty SQL, statements that are not queries and functions acting outside one."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise DatabaseError(f"query failed: {first_line(exc)}", path=str(path)) from exc
    if not statements:
        raise DatabaseError("the query is empty; give a SELECT statement", path=str(path))
    for statement in statements:
        if statement.type in _READING:
            continue
        kind = statement.type.name
        why = _REFUSED_WHY.get(statement.type)
        raise DatabaseError(
            f"{kind} statements are refused: {why}"
            if why
            else f"the database is opened read-only, {kind} statements are refused; "
            "only queries can run here",
            path=str(path),
        )
    name = _refused_call(sql)
    if name:
        raise DatabaseError(
            f"{name} is refused here: it acts outside the query (files, logs, settings "
            "or SQL in a string)",
            path=str(path),
        )


def _refused_call(sql: str) -> str | None:
    """Return the first function of :data:`_REFUSED_FUNCTIONS` that ``sql`` calls, if any."""
    tokens = duckdb.tokenize(sql)
    ends = [pos for pos, _ in tokens[1:]] + [len(sql)]
    texts = [sql[pos:end].strip() for (pos, _), end in zip(tokens, ends, strict=True)]
    for i, ((_, kind), text) in enumerate(zip(tokens, texts, strict=True)):
        if kind == duckdb.token_type.string_const or kind == duckdb.token_type.comment:
            continue
        name = text.strip('"').lower()
        if name not in _REFUSED_FUNCTIONS:
            continue
        called = i + 1 < len(texts) and texts[i + 1].startswith("(")
        pragma = i > 0 and texts[i - 1].lower() == "pragma"
        if called or pragma:
            return name
    return None
