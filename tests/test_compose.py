"""Joined texts embedded from their parts' sums (alignment.compose) give the model's vectors.

Real text only: the bundled UDHR in six languages and ITU's Word files of E.119 (read from
``../shared``), each sentence or paragraph joined to the next as the aligner's windows are.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from alignment import compose
from alignment.bertalign_core import WINDOW_CHAR_LIMIT, join_items
from alignment.encoders import EmbeddingCache, SentenceEncoder, UseEncoder
from corpus.model import Lang, SegmentedDocument
from warehouse.db import query


@pytest.fixture(scope="module")
def use() -> UseEncoder:
    """An encoder of its own, so that the counters below count this module's calls."""
    encoder = UseEncoder()
    encoder.encode(["."])
    assert encoder.forward is not None, "our forward pass differs from the package's"
    return encoder


def _composed_against_whole(use: UseEncoder, items: Sequence[str]) -> float:
    """Largest difference between composed and whole vectors of each item joined to the next."""
    assert use.forward is not None
    items = [join_items([t]) for t in items]
    ends: dict[str, compose.Ends] = {}
    use.encode_keeping(items, ends)
    pairs = list(itertools.pairwise(items))
    before = use.forward.composed
    composed = use.encode_joined(pairs, ends)
    assert use.forward.composed - before == len(pairs)  # none fell back to a whole embedding
    whole = use.encode([f"{a} {b}" for a, b in pairs])
    return float(np.abs(composed - whole).max())


@pytest.mark.parametrize("lang", ["ar", "en", "es", "fr", "ru", "zh"])
def test_udhr_windows_composed_are_the_joined_texts_vectors(
    use: UseEncoder, segmented: dict[tuple[str, Lang], SegmentedDocument], lang: Lang
) -> None:
    sentences = [s.text for s in segmented[("udhr", lang)].segments if s.level == "sentence"]
    assert len(sentences) > 50
    assert _composed_against_whole(use, sentences) <= compose.CHECK_TOLERANCE


def test_e119_windows_composed_are_the_joined_texts_vectors(use: UseEncoder, e119_db: Path) -> None:
    """ITU's paragraphs: long ones, headings, clause numbers, Arabic and Cyrillic."""
    _, rows = query(
        e119_db,
        "SELECT lang, text FROM segments WHERE level = 'paragraph' ORDER BY lang, position",
    )
    by_lang: dict[str, list[str]] = {}
    for lang, text in rows:
        by_lang.setdefault(str(lang), []).append(str(text))
    assert len(by_lang) == 5
    for texts in by_lang.values():
        kept = [t for t in texts if len(t) < WINDOW_CHAR_LIMIT // 2][:200]
        assert _composed_against_whole(use, kept) <= compose.CHECK_TOLERANCE


def test_a_pair_of_texts_without_their_ends_is_embedded_whole(use: UseEncoder) -> None:
    assert use.forward is not None
    pair = ("Article 1 of a text never embedded here,", "and its second half.")
    before = (use.forward.composed, use.forward.whole)
    joined = use.encode_joined([pair], {})
    assert (use.forward.composed, use.forward.whole) == (before[0], before[1] + 1)
    np.testing.assert_array_equal(joined, use.encode([" ".join(pair)]))


def test_a_cache_composes_from_what_it_embedded_itself(use: UseEncoder) -> None:
    """Another resolution's texts (batched with others, so other last bits) lend nothing."""
    assert use.forward is not None
    parts = ("instructs the Secretary-General", "to report to Council")
    EmbeddingCache(use).warm(list(parts))
    other = EmbeddingCache(use)
    before = (use.forward.composed, use.forward.whole)
    other.warm_joined({" ".join(parts): parts})
    assert (use.forward.composed, use.forward.whole) == (before[0], before[1] + 1)
    np.testing.assert_array_equal(other.get([" ".join(parts)]), use.encode([" ".join(parts)]))


def test_a_closed_cache_keeps_nothing_to_compose_with(use: UseEncoder) -> None:
    """A run closes each resolution's cache once it is aligned: memory for what is in flight."""
    assert use.forward is not None
    parts = ("recalling Resolution 130", "of the Plenipotentiary Conference")
    cache = EmbeddingCache(use)
    cache.warm(list(parts))
    cache.close()
    before = use.forward.whole
    cache.warm_joined({" ".join(parts): parts})
    assert use.forward.whole == before + 1


class Plain:
    """The bundled encoder without ``encode_joined``, as any sentence-transformers model."""

    name = "plain"
    version = "1"

    def __init__(self, inner: UseEncoder) -> None:
        self.inner = inner

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode(texts)


def test_the_cache_composes_exact_joins_only(use: UseEncoder) -> None:
    """A window cut at the length limit is not its two items joined: it is embedded whole."""
    assert use.forward is not None
    short, long = "considering", "x " * WINDOW_CHAR_LIMIT
    windows = {
        join_items([short, "that the Union"]): (short, "that the Union"),
        join_items([short, long]): (short, long.strip()),
    }
    cache = EmbeddingCache(use)
    cache.warm([short, "that the Union", long.strip()])
    before = (use.forward.composed, use.forward.whole)
    cache.warm_joined(windows)
    assert (use.forward.composed, use.forward.whole) == (before[0] + 1, before[1])
    assert cache.encoded == 5
    plain: SentenceEncoder = Plain(use)
    other = EmbeddingCache(plain)
    other.warm_joined(windows)
    for text in windows:
        np.testing.assert_allclose(
            cache.get([text]), other.get([text]), atol=compose.CHECK_TOLERANCE
        )
