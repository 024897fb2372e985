"""Scoring alignments against gold beads, with the Text+Berg definitions.

Precision is counted over the predicted beads (1-0 and 0-1 beads included),
recall over the gold beads whose two sides are both non-empty. A bead is a
*strict* match when the same bead is in the other set, a *lax* match when some
bead of the other set shares at least one index on each side with it. Counts
are summed over documents before the ratios are taken, as the Text+Berg
scorer does.

Also here: gold beads for two sequences whose items are known spans of a common
sequence (how the UNPC benchmark derives its gold), used by the benchmark and
by tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alignment.model import Bead


@dataclass(frozen=True, slots=True)
class Counts:
    """Matches behind one score: predicted and gold beads, strict and lax hits."""

    predicted: int = 0
    predicted_strict: int = 0
    predicted_lax: int = 0
    gold: int = 0
    gold_strict: int = 0
    gold_lax: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.predicted + other.predicted,
            self.predicted_strict + other.predicted_strict,
            self.predicted_lax + other.predicted_lax,
            self.gold + other.gold,
            self.gold_strict + other.gold_strict,
            self.gold_lax + other.gold_lax,
        )


@dataclass(frozen=True, slots=True)
class Scores:
    """Strict and lax precision, recall and F1."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float


def _key(bead: Bead) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(bead[0]), tuple(bead[1])


def _overlapping(beads: Iterable[Bead]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Index every bead by its source and target indices (bead number sets)."""
    by_src: dict[int, set[int]] = {}
    by_tgt: dict[int, set[int]] = {}
    for n, (src, tgt) in enumerate(beads):
        for i in src:
            by_src.setdefault(i, set()).add(n)
        for j in tgt:
            by_tgt.setdefault(j, set()).add(n)
    return by_src, by_tgt


def _hits(found: Sequence[Bead], reference: Sequence[Bead]) -> tuple[int, int]:
    """How many beads of ``found`` match one of ``reference``, strictly and laxly."""
    exact = {_key(b) for b in reference}
    by_src, by_tgt = _overlapping(reference)
    strict = lax = 0
    for src, tgt in found:
        if _key((src, tgt)) in exact:
            strict += 1
            lax += 1
            continue
        src_beads = set().union(*(by_src.get(i, set()) for i in src))
        tgt_beads = set().union(*(by_tgt.get(j, set()) for j in tgt))
        if src_beads & tgt_beads:
            lax += 1
    return strict, lax


def count(gold: Sequence[Bead], predicted: Sequence[Bead]) -> Counts:
    """Count the matches of one document's predicted beads against its gold beads."""
    pred = [b for b in predicted if b[0] or b[1]]
    gold_all = [b for b in gold if b[0] or b[1]]
    p_strict, p_lax = _hits(pred, gold_all)
    gold_both = [b for b in gold_all if b[0] and b[1]]
    pred_both = [b for b in pred if b[0] and b[1]]
    g_strict, g_lax = _hits(gold_both, pred_both)
    return Counts(len(pred), p_strict, p_lax, len(gold_both), g_strict, g_lax)


def _ratio(num: int | float, den: int | float) -> float:
    return float(num) / float(den) if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(counts: Counts) -> Scores:
    """Turn summed counts into precision, recall and F1 (0.0 where undefined)."""
    ps = _ratio(counts.predicted_strict, counts.predicted)
    rs = _ratio(counts.gold_strict, counts.gold)
    pl = _ratio(counts.predicted_lax, counts.predicted)
    rl = _ratio(counts.gold_lax, counts.gold)
    return Scores(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl))


def score(gold: Sequence[Sequence[Bead]], predicted: Sequence[Sequence[Bead]]) -> Scores:
    """Score several documents at once: counts are summed, then the ratios taken.

    Raises:
        ValueError: When the two lists do not hold the same number of documents.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted")
    total = Counts()
    for g, p in zip(gold, predicted, strict=True):
        total = total + count(g, p)
    return scores(total)


def gold_beads(src: Sequence[Sequence[int]], tgt: Sequence[Sequence[int]]) -> list[Bead]:
    """Gold beads between two sequences whose items are spans of a common sequence.

    ``src[i]`` lists the positions in the common sequence that item ``i`` covers
    (several when it merges sentences); a position one side dropped appears on
    the other side only. Items sharing a position, directly or through a chain,
    form one bead; an item sharing none is a 1-0 or 0-1 bead. Both sides must
    be in order of position, and no item may be empty.
    """
    parent = list(range(len(src) + len(tgt)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    owner = {p: i for i, span in enumerate(src) for p in span}
    for j, span in enumerate(tgt):
        for p in span:
            if p in owner:
                parent[find(len(src) + j)] = find(owner[p])
    members: dict[int, tuple[list[int], list[int], int]] = {}
    for node, span in enumerate([*src, *tgt]):
        xs, ys, first = members.setdefault(find(node), ([], [], min(span)))
        (xs if node < len(src) else ys).append(node if node < len(src) else node - len(src))
        members[find(node)] = (xs, ys, min(first, min(span)))
    ordered = sorted(members.values(), key=lambda m: m[2])
    return [(sorted(xs), sorted(ys)) for xs, ys, _ in ordered]
