"""The ``sql`` command is a sandbox: no file, network, setting or extension outside the database.

Each case runs the real command on a real DuckDB file and checks the one-line refusal and
that nothing outside the database was read, listed or written.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from corpus.errors import DatabaseError
from flows.cli import main
from warehouse.db import connect, query


@pytest.fixture
def db(empty_db: Path) -> Path:
    return empty_db


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the database that no query may read."""
    path = tmp_path / "outside" / "secret.csv"
    path.parent.mkdir()
    path.write_text("name,value\npassword,hunter2\n", encoding="utf-8")
    return path


LOCKED = "SET statements are refused: the settings of this connection are locked"
NO_EXTENSIONS = "LOAD statements are refused: no extension is installed or loaded here"
FILES = "queries cannot read or write files or the network (Permission Error: Cannot access"


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("SELECT * FROM read_text('{secret}')", FILES),
        ("SELECT * FROM read_csv('{secret}')", FILES),
        ("SELECT * FROM read_blob('{secret}')", FILES),
        ("SELECT * FROM read_parquet('{secret}')", FILES),
        ("SELECT * FROM read_json('{secret}')", FILES),
        ("SELECT * FROM '{secret}'", FILES),
        ("SELECT * FROM glob('{folder}/*')", FILES),
        ("SELECT * FROM sniff_csv('{secret}')", FILES),
        ("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')", FILES),
        (
            "COPY (SELECT 1) TO '{folder}/written.csv'",
            "the database is opened read-only, COPY statements are refused",
        ),
        (
            "EXPORT DATABASE '{folder}/dump'",
            "the database is opened read-only, EXPORT statements are refused",
        ),
        (
            "ATTACH '{folder}/other.duckdb' AS other",
            "the database is opened read-only, ATTACH statements are refused",
        ),
        (
            "CALL enable_logging(storage = 'file', storage_path = '{folder}/logs')",
            "enable_logging is refused here",
        ),
        (
            "SELECT * FROM enable_logging(storage = 'file', storage_path = '{folder}/logs')",
            "enable_logging is refused here",
        ),
        ("PRAGMA enable_profiling", "enable_profiling is refused here"),
        ("SELECT * FROM query('SELECT * FROM read_text(''{secret}'')')", "query is refused here"),
        ("SET enable_external_access = true", LOCKED),
        ("SET home_directory = '{folder}'", LOCKED),
        ("PRAGMA memory_limit = '1GB'", LOCKED),
        ("RESET enable_external_access", LOCKED),
        ("INSTALL httpfs", NO_EXTENSIONS),
        ("LOAD httpfs", NO_EXTENSIONS),
        ("", "the query is empty; give a SELECT statement"),
        ("  ;  ", "the query is empty; give a SELECT statement"),
    ],
)
def test_sql_cannot_reach_outside_the_database(
    db: Path, secret: Path, capsys: pytest.CaptureFixture[str], sql: str, problem: str
) -> None:
    folder = secret.parent
    before = sorted(p.name for p in folder.iterdir())
    text = sql.format(secret=secret, folder=folder)
    assert main(["sql", text, "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"Error: {db}: {problem}")
    assert captured.err.count("\n") == 1  # one line, no traceback
    assert "hunter2" not in captured.err
    assert sorted(p.name for p in folder.iterdir()) == before
    # The database still answers afterwards (enable_logging to a file used to break it).
    assert query(db, "SELECT count(*) FROM runs")[1] == [(0,)]


def test_settings_are_locked_and_extensions_not_autoloaded(db: Path) -> None:
    con = connect(db, read_only=True)
    try:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('enable_external_access', 'lock_configuration', "
                "'autoinstall_known_extensions', 'autoload_known_extensions')"
            ).fetchall()
        )
        with pytest.raises(duckdb.Error, match="configuration has been locked"):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()
    assert settings == {
        "enable_external_access": "false",
        "lock_configuration": "true",
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }


def test_python_variables_are_not_tables(db: Path) -> None:
    secret_frame = [("hunter2",)]  # noqa: F841 - what a replacement scan would read
    with pytest.raises(DatabaseError, match="query failed: Catalog Error"):
        query(db, "SELECT * FROM secret_frame")


def test_ordinary_queries_still_work(db: Path) -> None:
    columns, rows = query(
        db,
        "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'segments'; "
        "SELECT 'enable_logging' AS word",
    )
    assert (columns, rows) == (["word"], [("enable_logging",)])
