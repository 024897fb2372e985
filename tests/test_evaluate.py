"""The Text+Berg scorer and the gold beads of the UNPC benchmark, on small tables."""

from __future__ import annotations

import pytest

from alignment.evaluate import Counts, count, gold_beads, score, scores
from alignment.model import Bead

GOLD: list[Bead] = [([0], [0]), ([1, 2], [1]), ([3], []), ([4], [2, 3]), ([], [4])]


@pytest.mark.parametrize(
    ("predicted", "expected"),
    [
        # Perfect: 5 predicted beads all gold; 3 gold beads with two sides, all found.
        (GOLD, Counts(5, 5, 5, 3, 3, 3)),
        # The dropped item absorbed into its neighbour's bead: strict miss, lax hit.
        (
            [([0], [0]), ([1, 2], [1]), ([3, 4], [2, 3]), ([], [4])],
            Counts(4, 3, 4, 3, 2, 3),
        ),
        # A 2-1 bead cut in two: the 1-1 part is lax, the 1-0 part matches nothing.
        (
            [([0], [0]), ([1], [1]), ([2], []), ([3], []), ([4], [2, 3]), ([], [4])],
            Counts(6, 4, 5, 3, 2, 3),
        ),
        # Everything shifted by one: nothing strict, nothing lax.
        ([([0], [1]), ([1], [2]), ([2], [3]), ([3, 4], [4]), ([], [0])], Counts(5, 0, 0, 3, 0, 0)),
    ],
)
def test_count(predicted: list[Bead], expected: Counts) -> None:
    assert count(GOLD, predicted) == expected


def test_scores_from_counts() -> None:
    s = scores(Counts(4, 3, 4, 3, 2, 3))
    assert s.precision_strict == 0.75
    assert s.recall_strict == pytest.approx(2 / 3)
    assert s.f1_strict == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))
    assert (s.precision_lax, s.recall_lax, s.f1_lax) == (1.0, 1.0, 1.0)
    assert scores(Counts()).f1_strict == 0.0


def test_score_sums_counts_over_documents() -> None:
    perfect = score([GOLD, GOLD], [GOLD, GOLD])
    assert perfect.f1_strict == perfect.f1_lax == 1.0
    mixed = score([GOLD, [([0], [0])]], [GOLD, [([0], [1])]])
    assert mixed.precision_strict == pytest.approx(5 / 6)
    assert mixed.recall_strict == pytest.approx(3 / 4)
    with pytest.raises(ValueError, match="2 gold documents but 1 predicted"):
        score([GOLD, GOLD], [GOLD])


@pytest.mark.parametrize(
    ("src", "tgt", "expected"),
    [
        ([[0], [1], [2]], [[0], [1], [2]], [([0], [0]), ([1], [1]), ([2], [2])]),
        # tgt merged 1 and 2; src dropped 3, tgt dropped 4.
        (
            [[0], [1], [2], [4]],
            [[0], [1, 2], [3]],
            [([0], [0]), ([1, 2], [1]), ([], [2]), ([3], [])],
        ),
        # Chained merges on both sides make one 2-2 bead.
        ([[0, 1], [2]], [[0], [1, 2]], [([0, 1], [0, 1])]),
        # A merge with a sentence the other side dropped is still a 1-1 bead.
        ([[0, 1], [2]], [[1], [2]], [([0], [0]), ([1], [1])]),
    ],
)
def test_gold_beads(src: list[list[int]], tgt: list[list[int]], expected: list[Bead]) -> None:
    assert gold_beads(src, tgt) == expected
