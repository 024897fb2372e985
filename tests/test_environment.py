"""The process environment of a run: offline variables, and a bounded allocator."""

from __future__ import annotations

import os
import platform

import pytest

from corpus.environment import OFFLINE, bound_malloc_arenas, stay_offline


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
