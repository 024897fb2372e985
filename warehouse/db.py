"""Opening the warehouse, migrating its schema and running read-only queries.

Every DuckDB error that can reach a user is turned into a :class:`DatabaseError` that
names the database file, so the CLI can print one line and exit.

The schema is versioned: ``schema_version`` holds one row per applied migration (see
``warehouse/migrations``). Writers migrate a database forward (on a staged copy, see
:mod:`warehouse.publish`); readers check the version and say what to do when it differs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from corpus.errors import DatabaseError
from warehouse.migrations import LATEST, migrations, views_sql

#: The schema version this program writes and reads: the number of the last migration.
SCHEMA_VERSION = LATEST

NO_DATABASE = "no database here; run `itu-corpus run` first"


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file at ``path``; writable opens create it and its parent directory.

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
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(_open_problem(exc), path=str(path)) from exc


def _open_problem(exc: duckdb.Error) -> str:
    """Say in a few words why DuckDB could not open a file."""
    message = first_line(exc)
    lowered = message.lower()
    if "lock" in lowered or isinstance(exc, duckdb.ConnectionException):
        # Another process holds the write lock, or this process has it open with other
        # settings (DuckDB allows one configuration per file per process).
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


def query(
    path: Path | str, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run SQL on a read-only connection; return the column names and rows of its result.

    The connection is read-only so that the ``sql`` command can never change the corpus.

    Raises:
        DatabaseError: the database is missing or unreadable, the SQL fails, or it tries
            to write.

    """
    con = open_reader(path)
    try:
        _refuse_writes(con, sql, path)
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall() if cursor.description else []
    except duckdb.Error as exc:
        message = first_line(exc)
        if "read-only" in message:
            # Backstop for writes that _refuse_writes let through (PIVOT, PRAGMA …).
            problem = f"the database is opened read-only, statements cannot write ({message})"
        else:
            problem = f"query failed: {message}"
        raise DatabaseError(problem, path=str(path)) from exc
    finally:
        con.close()
    return columns, rows


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


def _refuse_writes(con: duckdb.DuckDBPyConnection, sql: str, path: Path | str) -> None:
    """Refuse any statement that is not a query, naming its type."""
    for statement in con.extract_statements(sql):
        if statement.type not in _READING:
            kind = statement.type.name
            raise DatabaseError(
                f"the database is opened read-only, {kind} statements are refused; "
                "only queries can run here",
                path=str(path),
            )
