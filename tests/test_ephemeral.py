"""After ``kill -9`` of a run, no temporary Prefect server is left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A flow that reports it is running, then waits to be killed. Without PREFECT_API_URL,
# Prefect starts its temporary server as a child of this process.
SCRIPT = """
import sys, time
from prefect import flow
from flows.ephemeral import tie_server_to_process
tie_server_to_process()

@flow
def wait() -> None:
    print("running", flush=True)
    time.sleep(600)

wait()
"""


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by init) counts as gone.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_the_temporary_server_dies_with_a_killed_run(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }
    env.pop("PREFECT_API_URL", None)
    run = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert run.stdout is not None
        assert run.stdout.readline().strip() == "running"
        [server] = children(run.pid)
        with open(f"/proc/{server}/cmdline", encoding="utf-8") as cmdline:
            assert "uvicorn" in cmdline.read()
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(server), f"the temporary Prefect server {server} outlived its run"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
