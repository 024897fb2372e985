"""The environment every process of ours runs in: offline, quiet, patient.

One home for the variables that keep a run offline (no model hub, no telemetry) and give
the ephemeral Prefect API time to start on a busy machine. The command line, the test
session, the benchmarks and the encoders call :func:`stay_offline` before importing Prefect
or a model library; ``python -m corpus.environment`` prints them as ``NAME=value`` lines
for the Makefile's ``env`` (``make serve`` starts a Prefect server that does not run our code).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Final

#: Variable -> value; a value already set in the environment wins.
OFFLINE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "DO_NOT_TRACK": "1",
    }
)


#: glibc malloc arenas of a run. glibc gives each thread that contends for the allocator
#: an arena of its own (up to eight per core), and freed memory stays in it: a run's worker
#: threads (parse, embed, align) each kept theirs, 100 MB more peak at 20 documents.
MALLOC_ARENAS: Final = 2
#: ``mallopt``'s parameter number for the most arenas (``M_ARENA_MAX`` in ``malloc.h``).
_M_ARENA_MAX: Final = -8


def bound_malloc_arenas() -> bool:
    """Cap glibc's malloc arenas at :data:`MALLOC_ARENAS` before worker threads start.

    Returns whether the cap is in place: not without glibc, and not when the environment
    sets ``MALLOC_ARENA_MAX`` itself (glibc has read it; that value wins).
    """
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS))


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects alive on entry out of the cyclic garbage collector's scans.

    A run collects its cycles after every batch (:func:`release_free_memory`); a full
    collection over everything Prefect and the libraries imported took 0.2 s, over what
    the run made since it starts about 30 ms. The objects are handed back on exit.
    """
    gc.collect()  # garbage left before the run is not frozen with the rest
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def release_free_memory() -> None:
    """Free what only cycles hold, then hand the allocator's free pages back to the system.

    Finished Prefect tasks leave reference cycles that reach their arguments and results:
    a batch's segments, blocks and groups stayed alive until Python's next full
    collection, which a run rarely reached (its low point of RSS rose by about 40 MB over
    20 documents; the plain pipeline, without Prefect, leaves 10-20 objects in cycles a
    batch). Then glibc's ``malloc_trim``: without it glibc keeps the freed pages for
    later, and the next batch's allocations land elsewhere.
    """
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """glibc, for its allocator's controls; ``None`` on another C library."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def stay_offline() -> None:
    """Set every variable of :data:`OFFLINE` that the environment does not set already."""
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)


if __name__ == "__main__":
    for name, value in OFFLINE.items():
        print(f"{name}={os.environ.get(name, value)}")
