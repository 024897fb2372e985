"""The temporary Prefect server of a local run dies with the run, even after ``kill -9``.

Without ``PREFECT_API_URL``, Prefect 3 starts a temporary API server as a child process
(``uvicorn``, see ``prefect.server.api.server.SubprocessASGIServer``) and stops it at exit
through ``atexit``. A run killed with SIGKILL never runs ``atexit``, so the server stayed
behind, orphaned. On Linux the child is started with ``PR_SET_PDEATHSIG``: the kernel
sends it SIGTERM when the thread that started it ends, whatever the way (Prefect starts
it from the thread that first asks for a client, which lives as long as the run).
Elsewhere nothing changes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

#: ``prctl`` option: the signal the kernel sends a process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """In the child, before ``exec``: ask for SIGTERM when the parent goes."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class _ChildProcesses:
    """``subprocess`` as Prefect's server module sees it: ``Popen`` ties children to us."""

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        parent = os.getpid()
        kwargs.setdefault("preexec_fn", lambda: _die_with_parent(parent))
        return subprocess.Popen(*args, **kwargs)


def tie_server_to_process() -> None:
    """Make the temporary server Prefect may start die with this process (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    from prefect.server.api import server

    server.subprocess = _ChildProcesses()  # type: ignore[attr-defined,assignment]
