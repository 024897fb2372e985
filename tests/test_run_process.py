"""The ``run`` command as a real process: one-line errors, signals, exit statuses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def itu_corpus(*args: str) -> subprocess.Popen[str]:
    """Start ``itu-corpus ARGS`` with this checkout's code, offline, stderr captured."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", None)  # the command's own default
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from flows.cli import main; sys.exit(main())", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_failed_run_prints_one_line_and_no_prefect_traceback(tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere"
    run = itu_corpus("run", "--db", str(tmp_path / "x.duckdb"), "--source", str(nowhere))
    out, err = run.communicate(timeout=600)
    assert run.returncode == 1
    assert out == ""
    assert err == (
        f"Error: unknown source '{nowhere}': give one of itu, snapshot, or a mirror folder\n"
    )


def empty_database(path: Path) -> bytes:
    """A migrated warehouse with no run yet; returns its bytes, to compare afterwards."""
    from warehouse.db import connect, init_schema

    con = connect(path)
    init_schema(con)
    con.execute("CHECKPOINT")
    con.close()
    return path.read_bytes()


def test_sigterm_ends_a_run_within_seconds_leaving_the_database_unchanged(
    tmp_path: Path,
) -> None:
    db = tmp_path / "corpus.duckdb"
    before = empty_database(db)
    run = itu_corpus("run", "--db", str(db), "--no-embedding-cache", "--full")
    assert run.stderr is not None
    lines = []
    for line in run.stderr:  # progress lines; the parse is done before the embedding
        lines.append(line)
        if " of " in line and "documents" in line:
            break
    else:
        pytest.fail("no progress line: " + "".join(lines))
    run.send_signal(signal.SIGTERM)
    started = time.monotonic()
    try:
        _, err = run.communicate(timeout=10)
    finally:
        run.kill()
    assert time.monotonic() - started < 10
    assert run.returncode == 128 + signal.SIGTERM
    assert err.splitlines()[-1] == (
        "Error: interrupted by SIGTERM; nothing more was written, the database is as the "
        "last finished run left it"
    )
    assert db.read_bytes() == before
    # The run had begun its staged copy (the first batch was parsed): it is gone. The lock
    # files stay, as after any run: a lock is the kernel's flock, not the file.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(db.name)) == [
        "corpus.duckdb",
        "corpus.duckdb.lock",
        "corpus.duckdb.run.lock",
    ]
