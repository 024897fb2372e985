"""The raw store: every fetched file kept by its sha256, and a log of every fetch.

Layout under the store's root (default ``data/raw/``)::

    objects/ab/ab12…ef      one file per distinct content, named by its sha256, read-only
    fetches.jsonl           one JSON object per fetch attempt, appended, never rewritten

A file is never overwritten or removed: a new version of a document has another
sha256 and sits beside the old one, and the log says which URL gave which content
when. The log is the durable record the warehouse's ``fetches`` table is loaded from
(:func:`read_fetch_log`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from corpus.errors import InputError

#: Where the raw store lives unless told otherwise (``data/`` is git-ignored).
DEFAULT_RAW_STORE: Final[Path] = Path("data/raw")
LOG_NAME: Final[str] = "fetches.jsonl"


class FetchStatus(StrEnum):
    """How one fetch ended."""

    #: New content arrived, was validated and stored.
    DOWNLOADED = "downloaded"
    #: The server said 304, or sent the bytes we already hold: nothing new stored.
    UNCHANGED = "unchanged"
    #: The server says the document is not there (404, 410).
    MISSING = "missing"
    #: Anything else: timeouts after retries, refused connections, other 4xx, 5xx after
    #: retries, content that failed validation (its bytes are kept for inspection).
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One fetch of one URL (retries included), as logged in ``fetches.jsonl``.

    ``sha256``/``bytes`` name the content this fetch ended with: the new file when
    downloaded, the stored copy when unchanged, the rejected body when validation
    failed (kept in the store for inspection), None when nothing arrived.
    """

    fetch_id: str
    run_id: str | None
    source: str
    url: str
    resolution: str
    lang: str
    document: str | None
    format: str
    status: FetchStatus
    http_status: int | None
    bytes: int | None
    sha256: str | None
    content_type: str | None
    etag: str | None
    last_modified: str | None
    started_at: datetime
    finished_at: datetime
    error: str | None = None

    def to_json(self) -> str:
        """One line of the log (no newline), times in ISO 8601 with their UTC offset."""
        row: dict[str, Any] = dataclasses.asdict(self)
        row["status"] = self.status.value
        row["started_at"] = self.started_at.isoformat()
        row["finished_at"] = self.finished_at.isoformat()
        return json.dumps(row, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> FetchRecord:
        """Read one line of the log back.

        Raises:
            ValueError, KeyError, TypeError: the line is not a fetch record.
        """
        row = json.loads(line)
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(row) - names
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        row["status"] = FetchStatus(row["status"])
        row["started_at"] = datetime.fromisoformat(row["started_at"])
        row["finished_at"] = datetime.fromisoformat(row["finished_at"])
        return cls(**row)


class RawStore:
    """A content-addressed store of raw files, with the log of fetches beside it."""

    def __init__(self, root: Path | str = DEFAULT_RAW_STORE) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.log = self.root / LOG_NAME

    def path_of(self, sha256: str) -> Path:
        """Where the content with this sha256 is (or would be) kept."""
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """Whether the store holds this content."""
        return self.path_of(sha256).is_file()

    def put(self, data: bytes) -> str:
        """Keep ``data`` and return its sha256; content already held is left untouched.

        The bytes go to a temporary file first and are then linked to their final name,
        which fails rather than replaces when the name exists: nothing is ever overwritten,
        and a crash leaves no half-written object.
        """
        sha = hashlib.sha256(data).hexdigest()
        final = self.path_of(sha)
        if final.is_file():
            return sha
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o444)
            with contextlib.suppress(FileExistsError):  # another writer got there first
                os.link(tmp, final)
        finally:
            os.unlink(tmp)
        return sha

    def read(self, sha256: str) -> bytes:
        """The content with this sha256, checked.

        Raises:
            InputError: not in the store, or its bytes no longer match the name.
        """
        path = self.path_of(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InputError("not in the raw store", path=str(path)) from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise InputError("content does not match its sha256 (damaged)", path=str(path))
        return data

    def append(self, record: FetchRecord) -> None:
        """Add one record to the log: one locked ``write`` of one whole line, then fsync."""
        self.root.mkdir(parents=True, exist_ok=True)
        line = (record.to_json() + "\n").encode("utf-8")
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock

    def records(self) -> list[FetchRecord]:
        """Every fetch logged so far, oldest first (see :func:`read_fetch_log`)."""
        return read_fetch_log(self)

    def latest(self, url: str) -> FetchRecord | None:
        """The last fetch of ``url`` that left content in the store, or None.

        Its ETag and Last-Modified make the next request conditional.
        """
        for record in reversed(self.records()):
            if (
                record.url == url
                and record.status in (FetchStatus.DOWNLOADED, FetchStatus.UNCHANGED)
                and record.sha256
                and self.has(record.sha256)
            ):
                return record
        return None

    def first_stored(self, sha256: str) -> FetchRecord | None:
        """The fetch that first brought this content into the store."""
        return next(
            (
                r
                for r in self.records()
                if r.sha256 == sha256 and r.status is FetchStatus.DOWNLOADED
            ),
            None,
        )


def read_fetch_log(store: RawStore | Path | str) -> list[FetchRecord]:
    """Read every fetch record of a raw store, oldest first.

    A last line without its newline is an append cut short by a crash and is skipped;
    any other line that is not a fetch record is an error.

    Args:
        store: the store, or its root folder.

    Raises:
        InputError: a line of the log is not a fetch record (names the file and line).
    """
    log = store.log if isinstance(store, RawStore) else Path(store) / LOG_NAME
    try:
        text = log.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    lines = text.split("\n")
    complete, torn = lines[:-1], lines[-1]
    del torn  # an unfinished append: never acknowledged, so never relied on
    records = []
    for n, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            records.append(FetchRecord.from_json(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"not a fetch record: {exc}", path=str(log), position=str(n)) from None
    return records
