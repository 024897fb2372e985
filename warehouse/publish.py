"""Writing the warehouse without ever exposing a half-written corpus: stage, then swap.

DuckDB lets one process open a file for writing, and while it does, no other process can
open that file at all, not even read-only. Writing the published file in place would
therefore lock every reader out for the whole load. Instead a writer:

1. takes an exclusive lock on ``<db>.lock`` (a second writer fails at once, by name);
2. opens the published file read-only for a moment and copies it (and its ``.wal``, left
   by a writer that crashed) to ``<db>.loading``; a process that holds the published file
   read-write (the DuckDB CLI without ``-readonly``) makes this fail instead of letting its
   writes be lost;
3. migrates and loads the copy, builds the search index and checkpoints it;
4. ``fsync``s the copy and renames it over the published file with ``os.replace``, which
   is atomic on POSIX file systems.

A whole run holds a second lock, on ``<db>.run.lock``, from its start to its end
(:func:`run_lock`): a second run fails at once (or waits, if asked) instead of doing all its
work and then being refused at the publish.

Readers open the published file read-only and are never blocked by a load. A reader that
opened it before the swap keeps reading the previous corpus (its open file is the old
inode) until it reconnects; one that opens after sees the new one; none sees a mix. A
failure, or a kill, anywhere before the rename leaves the published file as it was; the
abandoned ``.loading`` copy is removed by the next writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from corpus.errors import DatabaseError
from warehouse.db import connect, first_line


def staging_path(path: Path) -> Path:
    """Return the copy a writer loads before it replaces ``path``."""
    return path.with_name(path.name + ".loading")


def lock_path(path: Path) -> Path:
    """Return the file whose exclusive lock marks a writer at work on ``path``."""
    return path.with_name(path.name + ".lock")


def run_lock_path(path: Path) -> Path:
    """Return the file whose exclusive lock marks a run at work on ``path``."""
    return path.with_name(path.name + ".run.lock")


@contextlib.contextmanager
def run_lock(path: Path | str, *, wait: bool = False) -> Iterator[None]:
    """Hold the run lock of ``path`` for a whole run; the kernel drops it if we die.

    Args:
        path: The warehouse file.
        wait: Wait for the run holding the lock to end, instead of failing at once.

    Raises:
        DatabaseError: another run holds the lock (and ``wait`` is false).

    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create its directory: {exc}", path=str(path)) from exc
    with _flock(
        run_lock_path(path),
        path,
        wait=wait,
        busy="another run is building this database (it holds {name}); "
        "wait for it to finish, or give --wait",
    ):
        yield


@contextlib.contextmanager
def staged(path: Path | str, *, compact: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable connection to a copy of ``path``; on success, swap it in.

    The copy replaces ``path`` only when the ``with`` block ends without an exception;
    otherwise it is deleted and ``path`` is untouched. With ``compact`` the copy is
    written table by table into a new file (DuckDB's ``COPY FROM DATABASE``) instead of
    byte for byte, so the blocks that deleted rows left free are not carried over.

    Raises:
        DatabaseError: another writer holds the lock, the published file is open
            read-write by another process, or the copy cannot be made or swapped in.

    """
    with staging(path, compact=compact) as stage:
        yield stage.con


class Stage:
    """The staged copy a writer works on, and its connection (see :func:`staging`)."""

    def __init__(self, path: Path, stage: Path) -> None:
        """Open the copy ``stage`` of ``path``."""
        self.path, self.stage = path, stage
        self.con = connect(stage)

    def reopen(self) -> duckdb.DuckDBPyConnection:
        """Write everything into the copy, close the connection and open a new one.

        DuckDB keeps what a connection wrote in memory (its indexes, allocator pools)
        until the database is closed: a long load that reopens after each batch holds
        one batch's worth, not the whole load's.
        """
        _checkpoint(self.con, self.path)
        self.con.close()
        self.con = connect(self.stage)
        return self.con


@contextlib.contextmanager
def staging(path: Path | str, *, compact: bool = False) -> Iterator[Stage]:
    """:func:`staged`, yielding the :class:`Stage` so the writer can reopen its connection.

    Raises:
        DatabaseError: see :func:`staged`.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create its directory: {exc}", path=str(path)) from exc
    stage_file = staging_path(path)
    with _writer_lock(path):
        _discard(stage_file)
        try:
            if path.exists() and not compact:
                _copy_published(path, stage_file)
            stage = Stage(path, stage_file)
            try:
                if path.exists() and compact:
                    _copy_compacted(stage.con, path)
                yield stage
                _checkpoint(stage.con, path)
            finally:
                stage.con.close()
            _publish(stage_file, path)
        except BaseException:
            _discard(stage_file)
            raise


def _checkpoint(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Write everything into the staged file itself, leaving no log beside it."""
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot finish writing ({first_line(exc)})", path=str(path)) from exc


def _writer_lock(path: Path) -> contextlib.AbstractContextManager[None]:
    """Hold an exclusive ``flock`` on the lock file; the kernel drops it if we die."""
    return _flock(
        lock_path(path),
        path,
        wait=False,
        busy="another run is writing this database (it holds {name}); "
        "try again when it has finished",
    )


@contextlib.contextmanager
def _flock(lock: Path, path: Path, *, wait: bool, busy: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock``, failing with ``busy`` unless ``wait``."""
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseError(f"cannot create the lock file {lock}: {exc}", path=str(path)) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            raise DatabaseError(busy.format(name=lock.name), path=str(path)) from exc
        yield
    finally:
        os.close(fd)  # releases the lock


def _copy_published(path: Path, stage: Path) -> None:
    """Copy the published file while holding it open read-only, so no writer can change it.

    Raises:
        DatabaseError: the file is not a DuckDB database or another process writes it.

    """
    reader = connect(path, read_only=True)
    try:
        shutil.copyfile(path, stage)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():  # a writer died before checkpointing: its log goes along
            shutil.copyfile(wal, stage.with_name(stage.name + ".wal"))
    except OSError as exc:
        raise DatabaseError(f"cannot copy it to {stage.name}: {exc}", path=str(path)) from exc
    finally:
        reader.close()


def _copy_compacted(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Fill the empty staged file with every object of ``path``, live rows only.

    Raises:
        DatabaseError: the file is not a DuckDB database or another process writes it.

    """
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS published (READ_ONLY)")
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot read it to compact it ({first_line(exc)})", path=str(path)
        ) from exc
    try:
        stage = con.execute("SELECT current_database()").fetchone()
        con.execute(f'COPY FROM DATABASE published TO "{stage[0] if stage else "memory"}"')
    finally:
        con.execute("DETACH published")


def _publish(stage: Path, path: Path) -> None:
    """Make the staged file durable, then atomically put it in place of ``path``."""
    leftover = stage.with_name(stage.name + ".wal")
    if leftover.exists():
        raise DatabaseError(f"{leftover.name} remained after the checkpoint", path=str(path))
    try:
        fd = os.open(stage, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        # The published file's log, if any, was copied and replayed into the stage; left in
        # place it would be replayed onto the new file.
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        os.replace(stage, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        raise DatabaseError(f"cannot swap in the new version: {exc}", path=str(path)) from exc


def _discard(stage: Path) -> None:
    """Remove a staged copy and its log, left by a failed or killed writer."""
    for leftover in (stage, stage.with_name(stage.name + ".wal")):
        leftover.unlink(missing_ok=True)


def migrate_database(path: Path | str) -> tuple[int, list[int]]:
    """Bring an existing warehouse to the current schema on a staged copy, then swap it in.

    Returns:
        The version it had and the versions applied (empty when it was up to date).

    Raises:
        DatabaseError: the file is missing, in use by a writer, newer, or a migration failed.

    """
    from warehouse.db import NO_DATABASE, migrate, stored_version
    from warehouse.search import refresh_search

    path = Path(path)
    if not path.exists():
        raise DatabaseError(NO_DATABASE, path=str(path))
    with staged(path) as con:
        before = stored_version(con)
        applied = migrate(con)
        if applied:
            refresh_search(con)
    return before, applied
