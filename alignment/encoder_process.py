"""The encoder in a process of its own: its matrix products never wait for the interpreter lock.

The encoder's forward pass is thousands of NumPy calls a document, each one releasing the
interpreter lock for its arithmetic and taking it back after. Beside a thread running
Python (parsing the next resolution, the aligner's glue, the load of the previous one),
every take-back waits for that thread to let go: 450 UN sentences took 0.94 s alone and
19 s beside a thread looping in Python (2.1 s with a 0.2 ms switch interval); in a
10-document run each call took 1.8-3.1 s of wall time for 1.1-1.2 s of CPU. A process has
a lock of its own: the encoder's calls then compete with the pipeline for the cores only,
which the operating system shares.

:class:`EncoderProcess` starts the process (a new interpreter, not a fork: the parent runs
threads), builds the encoder there once, and serves calls over one socket, each call on a
thread of its own in the child (the encoder itself runs at most one heavy call per core,
as in process). Texts, vectors and the ends the composed windows need are pickled both
ways (about 4 MB a UN document, milliseconds). If the process dies, every call waiting
and every later call raises :class:`~corpus.errors.EncoderUnavailableError` naming its
exit code.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

from corpus.environment import bound_malloc_arenas
from corpus.errors import EncoderUnavailableError

#: Seconds to wait for the process to leave after it is asked to.
CLOSE_TIMEOUT: Final = 10.0
#: What the child runs: :func:`serve`, on the socket whose descriptor it is given. Not
#: ``multiprocessing``'s spawn, which imports the parent's main script again in the child
#: (a script without a ``__main__`` guard would run itself there).
_CHILD: Final = "import sys; from alignment.encoder_process import serve; serve(int(sys.argv[1]))"


class EncoderProcess:
    """Calls to methods of an object built and kept in a child process."""

    def __init__(self, build: Callable[[], Any]) -> None:
        """Start the child and build its object there.

        ``build`` makes the served object, called once in the child; it must pickle (a
        class, a ``functools.partial``).

        Raises:
            EncoderUnavailableError: the child cannot be started.
        """
        ours, theirs = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": _path()},
            )
        except OSError as exc:
            ours.close()
            raise EncoderUnavailableError(f"the encoder process cannot start: {exc}") from exc
        finally:
            theirs.close()
        self._conn = Connection(ours.detach())
        self._conn.send(build)
        self._lock = threading.Lock()
        self._pending: dict[int, Future[Any]] = {}
        self._ids = itertools.count()
        self._gone: str | None = None
        #: The child's peak resident memory in bytes, as it reported when it closed.
        self.peak_rss: int | None = None
        self._reader = threading.Thread(target=self._read, name="encoder-replies", daemon=True)
        self._reader.start()
        atexit.register(self.close)  # reaped, not left to notice the closed socket alone

    def call(self, method: str, *args: Any) -> Any:
        """Call ``method`` of the served object with ``args``; wait for its result.

        Raises:
            EncoderUnavailableError: the process is gone.
            Exception: whatever the method raised in the child.
        """
        future: Future[Any] = Future()
        with self._lock:
            if self._gone is not None:
                raise EncoderUnavailableError(self._gone)
            call_id = next(self._ids)
            self._pending[call_id] = future
            try:
                self._conn.send((call_id, method, args))
            except (OSError, ValueError) as exc:
                del self._pending[call_id]
                reason = f"the encoder process cannot be reached: {exc}"
                raise EncoderUnavailableError(reason) from exc
        return future.result()

    def _read(self) -> None:
        """Hand each reply to its call; when the pipe closes, fail the calls still waiting."""
        while True:
            try:
                call_id, ok, value = self._conn.recv()
            except (EOFError, OSError):
                break
            if call_id is None:  # the child's farewell: its peak memory
                self.peak_rss = value
                continue
            with self._lock:
                future = self._pending.pop(call_id)
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        code = self._process.wait()
        with self._lock:
            if self._gone is None:
                self._gone = f"the encoder process exited (code {code})"
            waiting = list(self._pending.values())
            self._pending.clear()
        for future in waiting:
            future.set_exception(EncoderUnavailableError(self._gone))

    def close(self) -> None:
        """Ask the child to leave once its calls are done, and wait for it.

        Calls still waiting then (a run interrupted mid-embedding) are not worth finishing:
        the child is killed, and they raise :class:`EncoderUnavailableError`.
        """
        atexit.unregister(self.close)
        with self._lock:
            abandon = bool(self._pending)
            if self._gone is None:
                self._gone = "the encoder process was closed"
                if not abandon:
                    with contextlib.suppress(OSError, ValueError):
                        self._conn.send(None)
        if abandon and self._process.poll() is None:
            self._process.kill()
        self._reader.join(CLOSE_TIMEOUT)
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._conn.close()


def _path() -> str:
    """The child's module path: this checkout first, then the parent's own entries."""
    here = str(Path(__file__).resolve().parent.parent)
    return os.pathsep.join(dict.fromkeys([here, *filter(None, sys.path)]))


def serve(fd: int) -> None:
    """The child's entry point: serve calls on the socket ``fd`` until it closes."""
    # Ctrl-C reaches the whole process group: the parent decides, and closes the socket.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = Connection(fd)
    try:
        build = conn.recv()
    except (EOFError, OSError):
        return
    _serve(conn, build)


def _serve(conn: Connection, build: Callable[[], Any]) -> None:
    """The child: build the object, run each call on a thread, send the replies in turn.

    A thread per call, not a pool: the served object bounds its own heavy calls (the
    encoder's slots, one per core); a pool in front of it would be a second queue.
    """
    bound_malloc_arenas()
    served = build()
    sending = threading.Lock()

    def run(call_id: int, method: str, args: tuple[Any, ...]) -> None:
        try:
            reply: tuple[Any, ...] = (call_id, True, getattr(served, method)(*args))
        except Exception as exc:  # the caller's call raises it
            reply = (call_id, False, exc)
        with sending:
            try:
                conn.send(reply)
            except OSError:  # the parent is gone: nobody waits for the reply
                return
            except Exception as exc:  # an exception or result that does not pickle
                with contextlib.suppress(OSError):
                    conn.send((call_id, False, RuntimeError(f"{method}: {exc!r}")))

    running: list[threading.Thread] = []
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone (an interrupted run): its calls' replies with it
        if message is None:
            break
        running = [t for t in running if t.is_alive()]
        running.append(threading.Thread(target=run, args=message, daemon=True))
        running[-1].start()
    for thread in running:
        thread.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with sending, contextlib.suppress(OSError, ValueError):
        conn.send((None, True, peak))
    conn.close()
