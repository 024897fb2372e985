"""Progress lines on stderr for long work: documents parsed, strings embedded, groups aligned.

Off by default (a library stays quiet); the ``run`` and ``align-files`` commands turn it on,
so a long run shows it is alive. Lines are plain text with the time, one per step, e.g.
``17:02:11 embedded 1024/9300 strings``.
"""

from __future__ import annotations

import sys
import threading
import time

_on = False
_lock = threading.Lock()


def enable(on: bool = True) -> None:
    """Print progress lines from now on (or stop, with ``on=False``)."""
    global _on
    _on = on


def progress(message: str) -> None:
    """Print one progress line on stderr, if enabled."""
    if not _on:
        return
    with _lock:
        print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)
