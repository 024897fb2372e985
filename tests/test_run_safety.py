"""A whole run at a time, published in one piece: the run lock, load and QA in one swap."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from corpus.errors import DatabaseError
from warehouse.db import query
from warehouse.publish import run_lock, run_lock_path

ROOT = Path(__file__).resolve().parents[1]


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


# A writer in another process that loads run-2 (the hand-made fixture) with its QA and
# stops at POINT, waiting to be killed: inside the load transaction, inside the QA, just
# before the swap, just after it.
KILLED_WRITER = """
import sys
from pathlib import Path
from tests.test_warehouse import all_documents, all_groups, run_record
from warehouse import load, publish

def pause():
    print("paused", flush=True)
    sys.stdin.readline()

point = sys.argv[2]
if point == "load":
    real_insert = load._insert
    def insert(con, table, frame):
        real_insert(con, table, frame)
        if table == "alignment_members":
            pause()
    load._insert = insert
elif point == "qa":
    real_qa = load.qa_into
    def qa(*args, **kwargs):
        pause()
        return real_qa(*args, **kwargs)
    load.qa_into = qa
else:
    real_publish = publish._publish
    def swap(stage, path):
        if point == "swap":
            pause()
        real_publish(stage, path)
        if point == "after":
            pause()
    publish._publish = swap
load.load_run(Path(sys.argv[1]), run_record("run-2"), all_documents(), all_groups(), qa=True)
"""


def runs_and_findings(db: Path) -> dict[str, int]:
    """Every run of the database with the number of QA findings stored for it."""
    rows = query(
        db,
        """SELECT r.run_id, (SELECT count(*) FROM qa_findings AS f WHERE f.run_id = r.run_id)
           FROM runs AS r""",
    )[1]
    return {str(run_id): int(n) for run_id, n in rows}


@pytest.mark.parametrize(
    ("point", "published"), [("load", False), ("qa", False), ("swap", False), ("after", True)]
)
def test_a_kill_at_any_point_leaves_every_run_with_its_findings(
    qa_corpus_db: Path, tmp_path: Path, point: str, published: bool
) -> None:
    """The bundled corpus with its findings, then a second run killed at ``point``."""
    db = tmp_path / "corpus.duckdb"
    shutil.copyfile(qa_corpus_db, db)
    before = runs_and_findings(db)
    assert len(before) == 1 and all(n > 0 for n in before.values())
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(db), point],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        line = writer.stdout.readline()
        while line == "\n":  # a blank line some library prints on the way
            line = writer.stdout.readline()
        assert line == "paused\n"
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        writer.kill()
    after = runs_and_findings(db)
    if published:  # checked on the staged copy, then swapped in with the load
        assert after.keys() == {*before, "run-2"} and after["run-2"] > 0
    else:
        assert after == before
    with run_lock(db):  # the kernel released the dead writer's locks
        pass
