"""Opening the warehouse, creating its schema and running read-only queries.

Every DuckDB error that can reach a user is turned into a :class:`DatabaseError` that
names the database file, so the CLI can print one line and exit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb

from corpus.errors import DatabaseError

#: Bumped whenever schema.sql changes a table; a database of another version is refused.
SCHEMA_VERSION = 1

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


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and views; safe to call on every writable connection.

    Raises:
        DatabaseError: the database was created by another schema version.

    """
    script = files("warehouse").joinpath("schema.sql").read_text(encoding="utf-8")
    try:
        con.execute(script)
        rows = con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        versions = [int(v) for (v,) in rows]
        if not versions:
            con.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                [SCHEMA_VERSION, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            )
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot create the schema ({first_line(exc)})", path=database_path(con)
        ) from exc
    if versions and versions[-1] != SCHEMA_VERSION:
        raise DatabaseError(
            f"built with schema version {versions[-1]}, this program uses {SCHEMA_VERSION}; "
            "move it away and run `itu-corpus run` again",
            path=database_path(con),
        )


def query(
    path: Path | str, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run SQL on a read-only connection; return the column names and rows of its result.

    The connection is read-only so that the ``sql`` command can never change the corpus.

    Raises:
        DatabaseError: the database is missing or unreadable, the SQL fails, or it tries
            to write.

    """
    con = connect(path, read_only=True)
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
