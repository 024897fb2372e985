"""A persistent embedding store, so an unchanged text is never embedded again.

Vectors are kept in one SQLite file under a cache directory (by default
``data/cache/embeddings``, git-ignored), keyed by the encoder (name and
version) and the SHA-256 of the exact text. SQLite because it ships with
Python, takes concurrent readers and one writer safely, and a lookup of a few
thousand keys is one indexed query.

The vectors live in a rowid table, appended in order, with the keys in an index of
their own. A ``WITHOUT ROWID`` table keyed by the hash (the first layout) stores each
2 KB vector in the key's B-tree, where it overflows its page and every insert lands at
a random place: measured on 48,000 vectors, storing took 85 µs a vector against 36,
reading 17 against 6. A store of the first layout is converted when opened.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray

from corpus.errors import CorpusError

Vectors = NDArray[np.float32]

#: Where the store lives unless configured otherwise; ``$ITU_CORPUS_EMBEDDING_CACHE`` moves
#: the default (the tests do, to a temporary directory).
DEFAULT_CACHE_DIR: Final = Path(
    os.environ.get("ITU_CORPUS_EMBEDDING_CACHE", "data/cache/embeddings")
)
FILE_NAME = "embeddings.sqlite"
#: SQLite's default limit on host parameters in one statement is 999 or more.
_CHUNK = 900
#: Seconds a connection waits for another one holding the file.
_TIMEOUT: Final = 60


_CREATE: Final = (
    "CREATE TABLE IF NOT EXISTS vectors (encoder TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " dim INTEGER NOT NULL, vec BLOB NOT NULL, UNIQUE (encoder, sha256))"
)


def _layout(db: sqlite3.Connection, table: str = "vectors") -> str | None:
    """``keyed`` for the first layout (``WITHOUT ROWID``), ``rowid``, or ``None``: no table."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table])
    found = row.fetchone()
    if found is None:
        return None
    return "keyed" if "WITHOUT ROWID" in str(found[0]).upper() else "rowid"


class EmbeddingStoreError(CorpusError):
    """The embedding store cannot be opened, read or written."""


def text_key(text: str) -> str:
    """SHA-256 of the exact text, the store's key within one encoder."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingStore:
    """Vectors of one encoder in a SQLite file, by the SHA-256 of each text."""

    def __init__(self, directory: Path, encoder_key: str) -> None:
        """Open (or create) the store in ``directory`` for the encoder ``encoder_key``.

        Raises:
            EmbeddingStoreError: When the directory or file cannot be created or opened.
        """
        self.path = directory / FILE_NAME
        self.encoder_key = encoder_key
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=_TIMEOUT)
            self._set_up()
        except (OSError, sqlite3.Error) as exc:
            raise EmbeddingStoreError(
                f"cannot open the embedding store: {exc}", path=str(self.path)
            ) from exc

    def _set_up(self) -> None:
        """Make the file a WAL database with the table, waiting for others doing the same.

        Switching to WAL needs the file to itself, and SQLite reports "database is locked"
        at once, without its busy timeout, when another connection opens it meanwhile: two
        workers opening a new store together (two resolutions aligned side by side) made a
        run fail. Once the file is in WAL mode nothing needs switching again.
        """
        deadline = time.monotonic() + _TIMEOUT
        while True:
            try:
                (mode,) = self._db.execute("PRAGMA journal_mode").fetchone()
                if str(mode).lower() != "wal":
                    self._db.execute("PRAGMA journal_mode=WAL")
                if _layout(self._db) != "rowid":
                    self._create()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _create(self) -> None:
        """Create the table, or convert one of the first layout, as the only writer."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if _layout(self._db) == "keyed":
                self._db.execute("ALTER TABLE vectors RENAME TO vectors_keyed")
                self._db.execute(_CREATE)
                self._db.execute("INSERT INTO vectors SELECT * FROM vectors_keyed")
                self._db.execute("DROP TABLE vectors_keyed")
            else:
                self._db.execute(_CREATE)
            self._db.commit()
        except BaseException:
            self._db.rollback()
            raise

    def get(self, texts: Sequence[str]) -> dict[str, Vectors]:
        """The stored vectors of those ``texts`` that are in the store."""
        keys = {text_key(t): t for t in texts}
        found: dict[str, Vectors] = {}
        hashes = list(keys)
        try:
            for at in range(0, len(hashes), _CHUNK):
                chunk = hashes[at : at + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT sha256, dim, vec FROM vectors"
                    f" WHERE encoder = ? AND sha256 IN ({marks})",
                    [self.encoder_key, *chunk],
                )
                for sha, dim, blob in rows:
                    found[keys[sha]] = np.frombuffer(blob, dtype=np.float32, count=dim).copy()
        except sqlite3.Error as exc:
            raise EmbeddingStoreError(
                f"cannot read the embedding store: {exc}", path=str(self.path)
            ) from exc
        return found

    def put(self, vectors: Mapping[str, Vectors]) -> None:
        """Store the vectors of these texts (an existing entry is kept)."""
        rows = [
            (self.encoder_key, text_key(t), int(v.shape[0]), np.asarray(v, np.float32).tobytes())
            for t, v in vectors.items()
        ]
        try:
            with self._db:
                self._db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise EmbeddingStoreError(
                f"cannot write the embedding store: {exc}", path=str(self.path)
            ) from exc

    def __len__(self) -> int:
        """Number of vectors stored for this encoder."""
        row = self._db.execute(
            "SELECT count(*) FROM vectors WHERE encoder = ?", [self.encoder_key]
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close the file."""
        self._db.close()
