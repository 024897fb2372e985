"""Progressive multi-language alignment: each language against a profile of the others.

Aligning every language to one pivot trusts that pivot everywhere: where it
merged two sentences the other five cannot be aligned finer, and where it
dropped one their counterparts cannot find each other. Here the aligned
languages form a *profile*, a sequence of atoms (the finest units any language
distinguishes), and each atom window is represented by every language that
covers exactly that window (their window vectors averaged). A new language is
aligned to the profile with Bertalign's two passes, then refines it: a 1-2
bead splits an atom, a 0-1 bead inserts one, a 2-1 bead makes its item span
several atoms. After a first pass every language is taken out and aligned
again to the profile of the other five, so that early decisions made with the
evidence of one language are revised with the evidence of all.

The result is each language's items as spans of atoms: any pair of languages
is then read off consistently (see :func:`alignment.sixway.pairwise_beads`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from alignment.anchors import AnchorWindows, Vocabulary, agreement
from alignment.bertalign_core import BertalignParams, Windows, align_pair
from alignment.model import Bead
from corpus.model import Lang

#: First and last atom an item covers.
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Profile:
    """Atoms and, per language, the atom span of each of its items (in order)."""

    n_atoms: int
    cover: Mapping[Lang, Sequence[Span]]

    def atom_items(self, lang: Lang) -> NDArray[np.int64]:
        """For each atom, the item of ``lang`` covering it, or -1."""
        out = np.full(self.n_atoms, -1, dtype=np.int64)
        for item, (first, last) in enumerate(self.cover[lang]):
            out[first : last + 1] = item
        return out

    def atoms(self) -> list[dict[Lang, list[int]]]:
        """Per atom, the item of every language that covers it."""
        out: list[dict[Lang, list[int]]] = [{} for _ in range(self.n_atoms)]
        for lang, spans in self.cover.items():
            for item, (first, last) in enumerate(spans):
                for atom in range(first, last + 1):
                    out[atom][lang] = [item]
        return out

    def groups(self) -> list[dict[Lang, list[int]]]:
        """The coarsest groups: runs of atoms linked by an item covering several."""
        out: list[dict[Lang, list[int]]] = []
        for atom, members in enumerate(self.atoms()):
            joined = out and any(
                lang in out[-1] and out[-1][lang][-1] == items[0] for lang, items in members.items()
            )
            if not joined or atom == 0:
                out.append({})
            for lang, items in members.items():
                have = out[-1].setdefault(lang, [])
                if not have or have[-1] != items[0]:
                    have.append(items[0])
        return out


def profile_windows(
    profile: Profile,
    windows: Mapping[Lang, Windows],
    scale: Mapping[Lang, float],
    num_overlaps: int,
    vocabulary: Vocabulary | None = None,
) -> Windows:
    """Window vectors of the profile's atoms, from every language that tiles each window.

    A language tiles the atom window ``s..e`` when a run of its consecutive
    items starts at atom ``s`` and ends at atom ``e`` (atoms it lacks inside are
    allowed: it dropped them). The window's vector is the normalised sum of
    those runs' window vectors; its length the mean of their lengths, each
    language's lengths scaled to a common unit by ``scale``. A window no
    language tiles gets the normalised sum of its atoms' vectors.

    Given a ``vocabulary`` (and languages with anchors), the window's anchors
    are the tokens at least half of the languages tiling it carry, so one
    language's stray number does not become the profile's; a window no language
    tiles gets the union of its atoms' anchors.
    """
    n, k = profile.n_atoms, num_overlaps
    dim = next(iter(windows.values())).vecs.shape[2]
    vecs = np.zeros((k, n, dim), dtype=np.float32)
    lens = np.zeros((k, n), dtype=np.float64)
    counts = np.zeros((k, n), dtype=np.int64)
    with_anchors = vocabulary is not None and all(
        windows[lang].anchors is not None for lang in profile.cover
    )
    short_votes = np.zeros(n, dtype=np.int64)
    # One vote per (window cell, token) that a language tiling the cell carries.
    vote_cells: list[NDArray[np.int64]] = []
    vote_tokens: list[NDArray[np.int64]] = []
    for lang, spans in profile.cover.items():
        w_lang, factor = windows[lang], scale[lang]
        bounds = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        for w in range(min(k, len(bounds))):
            # The runs of w+1 items ending at each item; a run wider than k atoms
            # cannot be a window (and widens with w). Each cell is hit at most once
            # per language and w, so the fancy-indexed sums are exact.
            last = np.arange(w, len(bounds))
            end = bounds[last, 1]
            width = end - bounds[last - w, 0]
            fits = width < k
            last, end, width = last[fits], end[fits], width[fits]
            vecs[width, end] += w_lang.vecs[w, last]
            lens[width, end] += w_lang.lens[w, last] * factor
            counts[width, end] += 1
            anchors = w_lang.anchors
            if with_anchors and anchors is not None:
                if w == 0:
                    single = width == 0
                    short_votes[end[single]] += anchors.short[last[single]]
                ids = anchors.ids[w, last]
                rows, cols = np.nonzero(ids >= 0)
                vote_cells.append(width[rows] * n + end[rows])
                vote_tokens.append(ids[rows, cols])
    norms = np.linalg.norm(vecs, axis=2, keepdims=True)
    norms[norms == 0] = 1.0
    vecs /= norms
    filled = counts > 0
    lens[filled] /= counts[filled]
    for width in range(1, k):
        for end in (int(e) for e in np.flatnonzero(~filled[width])):
            if end < width:
                continue
            span = vecs[0, end - width : end + 1].sum(axis=0)
            norm = float(np.linalg.norm(span))
            vecs[width, end] = span / norm if norm else span
            lens[width, end] = lens[0, end - width : end + 1].sum()
    anchors = None
    if with_anchors and vocabulary is not None:
        short = 2 * short_votes > counts[0]
        cells = np.concatenate(vote_cells) if vote_cells else np.zeros(0, dtype=np.int64)
        tokens = np.concatenate(vote_tokens) if vote_tokens else np.zeros(0, dtype=np.int64)
        anchors = _profile_anchors(cells, tokens, counts, short, vocabulary)
    return Windows(vecs=vecs, lens=np.rint(lens).astype(np.int64), anchors=anchors)


def _profile_anchors(
    cells: NDArray[np.int64],
    tokens: NDArray[np.int64],
    counts: NDArray[np.int64],
    short: NDArray[np.bool_],
    vocabulary: Vocabulary,
) -> AnchorWindows:
    """Tokens carried by at least half the languages tiling each window (see above).

    ``cells[v]`` (``width * n + end``) and ``tokens[v]`` are one language's vote for a
    token in a window. An atom is short when most languages whose item is that atom
    alone have a short item.
    """
    k, n = counts.shape
    sets: list[list[list[int]]] = [[[] for _ in range(n)] for _ in range(k)]
    if len(tokens):
        span = int(tokens.max()) + 1
        voted, votes = np.unique(cells * span + tokens, return_counts=True)
        cell, token = np.divmod(voted, span)
        kept = 2 * votes >= counts.reshape(-1)[cell]
        # Sorted by cell then token: each window's list comes out ascending.
        for at, tok in zip(cell[kept].tolist(), token[kept].tolist(), strict=True):
            sets[at // n][at % n].append(tok)
    for width in range(1, k):
        for end in range(width, n):
            if not counts[width, end]:
                union: set[int] = set()
                for atom in range(end - width, end + 1):
                    union.update(sets[0][atom])
                sets[width][end] = sorted(union)
    return vocabulary.pack(sets, short.tolist())


def scaled(windows: Windows, factor: float) -> Windows:
    """The same windows with lengths in the common unit (see :func:`profile_windows`)."""
    return Windows(
        vecs=windows.vecs,
        lens=np.rint(windows.lens * factor).astype(np.int64),
        anchors=windows.anchors,
    )


def _sub_beads(atoms: Sequence[int], items: Sequence[int]) -> list[Bead]:
    """Cut an m-n bead (m, n >= 1) into min(m, n) beads with one side of size one."""
    m = min(len(atoms), len(items))
    return [
        (
            list(atoms[t * len(atoms) // m : (t + 1) * len(atoms) // m]),
            list(items[t * len(items) // m : (t + 1) * len(items) // m]),
        )
        for t in range(m)
    ]


def apply_beads(profile: Profile, lang: Lang, n_items: int, beads: Sequence[Bead]) -> Profile:
    """Add ``lang`` to ``profile`` along beads between atoms and its items.

    A 1-n bead splits its atom into n, a 0-1 bead inserts an atom covered by
    ``lang`` alone, an m-1 bead makes the item span m atoms.
    """
    new_span: dict[int, Span] = {}
    spans: list[Span] = [(-1, -1)] * n_items
    at = 0
    for atoms, items in beads:
        if not items:
            for a in atoms:
                new_span[a] = (at, at)
                at += 1
            continue
        if not atoms:
            for j in items:
                spans[j] = (at, at)
                at += 1
            continue
        for sub_atoms, sub_items in _sub_beads(atoms, items):
            if len(sub_items) == 1:
                for a in sub_atoms:
                    new_span[a] = (at, at)
                    at += 1
                spans[sub_items[0]] = (new_span[sub_atoms[0]][0], new_span[sub_atoms[-1]][1])
            else:
                new_span[sub_atoms[0]] = (at, at + len(sub_items) - 1)
                for j in sub_items:
                    spans[j] = (at, at)
                    at += 1
    cover: dict[Lang, list[Span]] = {
        other: [(new_span[f][0], new_span[e][1]) for f, e in other_spans]
        for other, other_spans in profile.cover.items()
    }
    cover[lang] = spans
    return Profile(at, cover)


def without(profile: Profile, lang: Lang) -> Profile:
    """The profile of the other languages: atoms only ``lang`` made are undone."""
    rest = [other for other in profile.cover if other != lang]
    items = np.stack([profile.atom_items(other) for other in rest])
    keep = (items >= 0).any(axis=0)
    new_of = np.full(profile.n_atoms, -1, dtype=np.int64)
    at = -1
    previous: NDArray[np.int64] | None = None
    for atom in np.flatnonzero(keep):
        column = items[:, atom]
        if previous is None or not np.array_equal(column, previous):
            at += 1
        new_of[atom] = at
        previous = column
    cover = {
        other: [(int(new_of[f]), int(new_of[e])) for f, e in profile.cover[other]] for other in rest
    }
    return Profile(at + 1, cover)


def split_absorbed(
    beads: Sequence[Bead], left: Windows, right: Windows, anchor_gain: float = 0.0
) -> list[Bead]:
    """Split m-1 and 1-m beads where one of the m items alone explains the other side.

    Bertalign often absorbs an item the other side lacks into a neighbour's bead
    (a 1-0 bead costs the skip penalty, a 2-1 bead only some similarity). Such a
    bead is kept only when the m items joined are more similar to the other
    side than the best contiguous part of them. With anchors on both sides,
    their agreement (times ``anchor_gain``) counts in that similarity, so a
    short label or heading whose number the other side lacks is not absorbed.
    """
    out: list[Bead] = []
    for src, tgt in beads:
        if len(src) >= 2 and len(tgt) == 1:
            out.extend(_split_one(src, tgt, left, right, anchor_gain))
        elif len(tgt) >= 2 and len(src) == 1:
            out.extend((s, t) for t, s in _split_one(tgt, src, right, left, anchor_gain))
        else:
            out.append((src, tgt))
    return out


def _split_one(
    many: list[int], one: list[int], mine: Windows, theirs: Windows, anchor_gain: float
) -> list[Bead]:
    target = theirs.vecs[0, one[0]]
    target_len = float(theirs.lens[0, one[0]])
    use_anchors = anchor_gain and mine.anchors is not None and theirs.anchors is not None

    def score(span: Sequence[int]) -> float:
        """Similarity, less a penalty for the length disagreement (log ratio), plus anchors."""
        w, last = len(span) - 1, span[-1]
        sim = float(mine.vecs[w, last] @ target)
        length = max(1.0, float(mine.lens[w, last]))
        sim -= LENGTH_WEIGHT * abs(float(np.log(length / max(1.0, target_len))))
        if use_anchors and mine.anchors is not None and theirs.anchors is not None:
            sim += anchor_gain * agreement(
                mine.anchors.ids[w, last],
                mine.anchors.weights[w, last],
                theirs.anchors.ids[0, one[0]],
                theirs.anchors.weights[0, one[0]],
            )
        return sim

    head: list[int] = []
    tail: list[int] = []
    if use_anchors and mine.anchors is not None and theirs.anchors is not None:
        head, many, tail = _short_conflicts(many, one[0], mine.anchors, theirs.anchors)
    out: list[Bead] = [([i], []) for i in head]
    size = len(many)
    parts = [many[a:b] for a in range(size) for b in range(a + 1, size + 1) if b - a < size]
    best = max(parts, key=score) if parts else many
    if size < 2 or score(best) < score(many) + SPLIT_GAIN:
        out.append((many, one))
    else:
        out.extend(([i], []) for i in many if i < best[0])
        out.append((best, one))
        out.extend(([i], []) for i in many if i > best[-1])
    out.extend(([i], []) for i in tail)
    return out


def _short_conflicts(
    many: list[int], one: int, mine: AnchorWindows, theirs: AnchorWindows
) -> tuple[list[int], list[int], list[int]]:
    """Short items at either end of ``many`` whose numbers the other side does not have.

    A heading or label (``Article 20``) glued to its neighbour's bead when the
    other language dropped it: its anchors are all missing from the other side,
    which has anchors of its own, and the rest of ``many`` shares some of them.
    Returns the items to split off at the head, the rest, the items at the tail.
    """
    target = set(theirs.tokens(0, one))

    def conflicts(item: int, rest: Sequence[int]) -> bool:
        mine_tokens = set(mine.tokens(0, item)) - mine.labels
        rest_tokens = set().union(*(mine.tokens(0, i) for i in rest))
        return (
            bool(mine.short[item])
            and bool(mine_tokens)
            and not mine_tokens & target
            and (not target or bool(rest_tokens & target))
        )

    head: list[int] = []
    tail: list[int] = []
    rest = list(many)
    while len(rest) > 1 and conflicts(rest[0], rest[1:]):
        head.append(rest.pop(0))
    while len(rest) > 1 and conflicts(rest[-1], rest[:-1]):
        tail.insert(0, rest.pop())
    return head, rest, tail


#: How much a log length ratio of 1 costs in similarity when a merge is judged.
LENGTH_WEIGHT = 0.2
#: How much better the best part must score than the whole to split a merge.
#: Both tuned on the UNPC benchmark: with mean windows a true merge scores only
#: a little above its longer part. (0.03 scores better on UNPC documents 0-9, but
#: glues Resolution 130's French ``recalling n)``, which English lacks, to the next.)
SPLIT_GAIN = 0.02


def align_profile(
    windows: Mapping[Lang, Windows],
    order: Sequence[Lang],
    params: BertalignParams | None = None,
    *,
    rounds: int = 1,
    vocabulary: Vocabulary | None = None,
) -> Profile:
    """Align the languages of ``windows`` progressively, in ``order``, then refine.

    Args:
        windows: Window embeddings of each language's items.
        order: Languages in the order they join the profile; the first one
            starts it (the finest-grained language is the best start).
        params: Bertalign's parameters.
        rounds: How many times every language is aligned again to the others.
        vocabulary: The anchor tokens of the unit, when ``windows`` carry anchors.
    """
    p = params or BertalignParams()
    k = p.max_align - 1
    first = order[0]
    total = {lang: max(1.0, float(windows[lang].lens[0].sum())) for lang in order}
    scale = {lang: total[first] / total[lang] for lang in order}
    profile = Profile(windows[first].size, {first: [(i, i) for i in range(windows[first].size)]})

    def add(profile: Profile, lang: Lang) -> Profile:
        mine = scaled(windows[lang], scale[lang])
        if profile.n_atoms == 0 or mine.size == 0:
            beads: list[Bead] = [([a], []) for a in range(profile.n_atoms)]
            beads += [([], [j]) for j in range(mine.size)]
        else:
            theirs = profile_windows(profile, windows, scale, k, vocabulary)
            gain = p.anchor_gain if vocabulary is not None else 0.0
            beads = split_absorbed(align_pair(theirs, mine, p), theirs, mine, gain)
        return apply_beads(profile, lang, mine.size, beads)

    for lang in order[1:]:
        profile = add(profile, lang)
    for _ in range(rounds if len(order) > 2 else 0):
        for lang in order:
            profile = add(without(profile, lang), lang)
    return profile
