"""A whole run at a time, published in one piece: the run lock, load and QA in one swap."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from corpus.errors import DatabaseError
from warehouse.publish import run_lock, run_lock_path


def test_a_second_run_fails_at_once_naming_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    with run_lock(db):
        started = time.monotonic()
        with pytest.raises(DatabaseError) as info, run_lock(db):
            pass
        assert time.monotonic() - started < 1
    assert str(info.value) == (
        f"{db}: another run is building this database (it holds {run_lock_path(db).name}); "
        "wait for it to finish, or give --wait"
    )
    with run_lock(db):  # released at the end of the first run
        pass


def test_with_wait_a_second_run_waits_for_the_first(tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    order: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with run_lock(db):
            holding.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    with run_lock(db, wait=True):
        order.append("second started")
    thread.join()
    assert order == ["first done", "second started"]
