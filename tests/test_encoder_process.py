"""The encoder in a process of its own (alignment.encoder_process) gives what it gives in process.

Real text: the bundled UDHR in six languages. The process's plumbing (errors, a process
that dies, closing) is shown on plain objects served the same way.
"""

from __future__ import annotations

import functools
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from alignment.bertalign_core import join_items
from alignment.compose import Ends
from alignment.encoder_process import EncoderProcess
from alignment.encoders import UseEncoder, UseEncoderProcess, load_encoder
from corpus.errors import EncoderUnavailableError
from corpus.model import Lang, SegmentedDocument


@pytest.fixture(scope="module")
def apart() -> Iterator[UseEncoderProcess]:
    encoder = UseEncoderProcess()
    yield encoder
    encoder.close()


def _texts(segmented: dict[tuple[str, Lang], SegmentedDocument]) -> list[str]:
    """Every UDHR sentence of the six languages, as the aligner embeds them."""
    return [
        join_items([s.text])
        for (res, _), doc in sorted(segmented.items())
        if res == "udhr"
        for s in doc.segments
        if s.level == "sentence"
    ]


def test_the_vectors_and_ends_are_those_computed_in_process(
    apart: UseEncoderProcess, segmented: dict[tuple[str, Lang], SegmentedDocument]
) -> None:
    texts = _texts(segmented)
    assert len(texts) > 300
    here = UseEncoder()
    ends_here: dict[str, Ends] = {}
    ends_apart: dict[str, Ends] = {}
    # Bit for bit: stored vectors stay valid whichever way a run embeds.
    vectors = apart.encode_keeping(texts, ends_apart)
    assert np.array_equal(vectors, here.encode_keeping(texts, ends_here))
    assert np.array_equal(apart.encode(texts[:50]), here.encode(texts[:50]))
    assert ends_apart.keys() == ends_here.keys()
    for text, end in ends_here.items():
        assert ends_apart[text].ids == end.ids
        assert np.array_equal(ends_apart[text].head, end.head)
        assert np.array_equal(ends_apart[text].tail, end.tail)
    pairs = list(itertools.pairwise(texts[:200]))
    joined = apart.encode_joined(pairs, ends_apart)
    assert np.array_equal(joined, here.encode_joined(pairs, ends_here))
    assert apart.encode([]).shape == (0, 512)
    assert apart.encode_joined([], {}).shape == (0, 512)


def test_the_default_encoder_runs_in_its_own_process_on_more_than_one_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import alignment.encoders as encoders

    monkeypatch.setattr(encoders, "CORES", 1)
    assert isinstance(load_encoder(), UseEncoder)
    monkeypatch.setattr(encoders, "CORES", 2)
    encoder = load_encoder()
    assert isinstance(encoder, UseEncoderProcess)
    try:
        assert (encoder.name, encoder.version) == (UseEncoder().name, UseEncoder().version)
    finally:
        encoder.close()


def test_an_error_in_the_child_is_raised_by_the_call() -> None:
    served = EncoderProcess(functools.partial(dict, known=1))
    try:
        assert served.call("get", "known") == 1
        with pytest.raises(KeyError, match="unknown"):
            served.call("__getitem__", "unknown")
        assert served.call("get", "known") == 1  # the process is still serving
    finally:
        served.close()
    assert served.peak_rss is not None and served.peak_rss > 1_000_000
    with pytest.raises(EncoderUnavailableError, match="closed"):
        served.call("get", "known")


def test_a_process_that_dies_fails_the_waiting_and_the_later_calls() -> None:
    served = EncoderProcess(threading.Event)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            served.call("wait")  # never set: waits until the process goes
        except BaseException as exc:
            outcome.append(exc)

    waiting = threading.Thread(target=wait)
    waiting.start()
    assert not served.call("is_set")  # the waiting call does not hold up the others
    os.kill(served._process.pid, signal.SIGKILL)
    waiting.join(30)
    assert not waiting.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], EncoderUnavailableError)
    assert "exited (code -9)" in str(outcome[0])
    with pytest.raises(EncoderUnavailableError, match="exited"):
        served.call("is_set")
    served.close()


def test_closing_with_calls_waiting_ends_the_process_at_once() -> None:
    """An interrupted run closes its encoder mid-call: the call fails, nothing waits for it."""
    served = EncoderProcess(threading.Event)
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            served.call("wait")
        except BaseException as exc:
            outcome.append(exc)

    waiting = threading.Thread(target=wait)
    waiting.start()
    assert not served.call("is_set")  # the waiting call has reached the child
    started = time.monotonic()
    served.close()
    waiting.join(30)
    assert time.monotonic() - started < 5
    assert len(outcome) == 1 and isinstance(outcome[0], EncoderUnavailableError)
    assert "closed" in str(outcome[0])
    assert served._process.returncode == -signal.SIGKILL


_DYING_PARENT = """
import os, signal, sys, threading, time
from alignment.encoder_process import EncoderProcess
served = EncoderProcess(threading.Event)
threading.Thread(target=served.call, args=("wait", 2.0), daemon=True).start()
served.call("is_set")
print(served._process.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_parent_that_dies_mid_call_leaves_the_child_to_exit_quietly() -> None:
    """No traceback from the child on the terminal the run shared with it (a broken pipe)."""
    parent = subprocess.run(
        [sys.executable, "-c", _DYING_PARENT], capture_output=True, text=True, timeout=60
    )
    # communicate() returned: the child, which shares the parent's stderr, has exited too.
    assert parent.returncode == -signal.SIGKILL
    child = int(parent.stdout.split()[0])
    assert not Path(f"/proc/{child}").exists() or "zombie" in _state(child)
    assert parent.stderr == ""


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"
