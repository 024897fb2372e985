"""The process environment of a run: offline variables, and a bounded allocator."""

from __future__ import annotations

import gc
import os
import platform
import weakref

import pytest

from corpus.environment import (
    OFFLINE,
    bound_malloc_arenas,
    frozen_heap,
    release_free_memory,
    stay_offline,
)


def test_offline_variables_are_set_unless_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    stay_offline()
    assert os.environ["HF_HUB_OFFLINE"] == OFFLINE["HF_HUB_OFFLINE"]
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "DEBUG"  # the caller's choice wins


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_malloc_arenas_are_capped_on_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert bound_malloc_arenas()
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert not bound_malloc_arenas()  # glibc read the environment's value at start


class _Node:
    """Something a finished task's cycle holds (its engine holds its arguments and result)."""

    def __init__(self) -> None:
        self.me = self


def test_a_batch_held_only_by_cycles_is_freed_after_its_load() -> None:
    was_enabled = gc.isenabled()
    gc.disable()  # no automatic collection: only the one of release_free_memory
    try:
        with frozen_heap():
            held = _Node()
            ref = weakref.ref(held)
            del held
            assert ref() is not None  # refcounting alone cannot free a cycle
            release_free_memory()
            assert ref() is None
    finally:
        if was_enabled:
            gc.enable()


def test_the_heap_is_frozen_for_the_run_and_handed_back() -> None:
    before = gc.get_freeze_count()
    alive = _Node()
    with frozen_heap():
        assert gc.get_freeze_count() > before  # ``alive`` among them: not scanned again
    assert gc.get_freeze_count() == before
    assert alive.me is alive
