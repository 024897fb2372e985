"""The ``run`` command as a real process: one-line errors, signals, exit statuses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
