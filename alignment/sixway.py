"""Six-way alignment of segmented documents: structure first, then Bertalign.

The hierarchy is aligned top-down. Sections pair by their language-neutral key.
Inside each aligned group, the children of every language (clauses, paragraphs,
sentences) pair by structural key when all languages agree on the key
sequence; otherwise the languages are aligned together with Bertalign's
two-pass algorithm against a profile of each other (:mod:`alignment.profile`):
no single pivot decides for the others, and a pair is read off the common
atoms, so the 15 pairs cannot contradict each other. A segment no language
matches is kept as a group of its own, never dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from alignment.anchors import Extractor, Vocabulary, extract_anchors, is_short
from alignment.bertalign_core import (
    BertalignParams,
    embed_short_windows,
    embed_windows,
    join_items,
    mean_windows,
    short_window_parts,
    short_window_texts,
)
from alignment.encoders import EmbeddingCache
from alignment.model import PIVOT_ORDER, Bead, Group, Method, group_id
from alignment.profile import Profile, align_profile
from corpus.model import LANGS, Lang, Level, Segment, SegmentedDocument

Members = dict[Lang, list[Segment]]


@dataclass(slots=True)
class _Draft:
    """A group under construction: members per language and a sort position."""

    order: float
    members: Members = field(default_factory=dict)


def _structural_keys(seqs: Mapping[Lang, Sequence[Segment]]) -> list[str] | None:
    """The common key sequence when every language agrees on it, else ``None``.

    Only clauses carry keys of their own (paragraphs and sentences inherit the
    enclosing key), so structure settles a unit only when all its items are
    clauses or sections with unique keys identical across the languages.
    """
    sequences = [[s.key for s in seq] for seq in seqs.values() if seq]
    if not sequences:
        return None
    if any(s.level not in (Level.SECTION, Level.CLAUSE) for seq in seqs.values() for s in seq):
        return None
    first = sequences[0]
    if len(set(first)) != len(first) or any(seq != first for seq in sequences[1:]):
        return None
    return first


def _clause_anchors(seqs: Mapping[Lang, Sequence[Segment]]) -> list[str] | None:
    """The clause keys of a mixed unit when every language has the same ones, in order.

    A numbered clause's children are its paragraphs (its title, its text) and its
    sub-clauses (``7.1`` holds two paragraphs, then ``7.1.1`` … ``7.1.6``). When all
    languages agree on the sub-clauses, they pair by key and only the paragraphs
    between them need Bertalign; a unit whose clauses differ is aligned as a whole.
    """
    sequences = [[s.key for s in seq if s.level is Level.CLAUSE] for seq in seqs.values() if seq]
    if not sequences or not sequences[0]:
        return None
    first = sequences[0]
    if len(set(first)) != len(first) or any(seq != first for seq in sequences[1:]):
        return None
    return first


def _merge_section_keys(seqs: Mapping[Lang, Sequence[Segment]], pivot: Lang) -> list[str]:
    """Order section keys as the pivot does.

    A key only other languages have goes after the key that precedes it there.
    """
    order: list[str] = [s.key for s in seqs[pivot]]
    for seq in seqs.values():
        previous: str | None = None
        for seg in seq:
            if seg.key not in order:
                at = order.index(previous) + 1 if previous is not None else 0
                order.insert(at, seg.key)
            previous = seg.key
    return order


def _pivot(seqs: Mapping[Lang, Sequence[Segment]]) -> Lang | None:
    return next((lang for lang in PIVOT_ORDER if seqs.get(lang)), None)


def _by_key(seqs: Mapping[Lang, Sequence[Segment]], keys: Sequence[str]) -> list[_Draft]:
    drafts = {key: _Draft(order=float(i)) for i, key in enumerate(keys)}
    for lang, seq in seqs.items():
        for seg in seq:
            drafts[seg.key].members.setdefault(lang, []).append(seg)
    return list(drafts.values())


def _split_levels(order: float, members: Members) -> list[_Draft]:
    """One draft per level present in ``members`` (a group holds one level only)."""
    levels: list[Level] = []
    for segs in members.values():
        for seg in segs:
            if seg.level not in levels:
                levels.append(seg.level)
    return [
        _Draft(
            order,
            {
                lang: [s for s in segs if s.level is level]
                for lang, segs in members.items()
                if any(s.level is level for s in segs)
            },
        )
        for level in levels
    ]


def embed_segments(cache: EmbeddingCache, docs: Iterable[SegmentedDocument]) -> None:
    """Embed every segment text of ``docs`` in one batch, as the aligner will look it up."""
    cache.warm([join_items([s.text]) for doc in docs for s in doc.segments])


def pairwise_beads(
    groups: Sequence[Mapping[Lang, Sequence[int]]], langs: Sequence[Lang]
) -> dict[str, list[Bead]]:
    """Project six-way groups onto every language pair ``x-y`` (x before y in ``langs``).

    Items of ``x`` and ``y`` listed in one group form a bead together, and an
    item listed in several consecutive groups (the atoms of
    :meth:`SixWayAligner.align_sequences`, where one language merged what
    others split) links them: a pair's beads are the connected items, so they
    are as fine as those two languages allow. Pairs derived from the same
    groups cannot contradict each other; every index of both sides is covered,
    in order, items of one side alone as 1-0 or 0-1 beads.
    """
    out: dict[str, list[Bead]] = {}
    for a, x in enumerate(langs):
        for y in langs[a + 1 :]:
            out[f"{x}-{y}"] = _project(groups, x, y)
    return out


def _project(groups: Sequence[Mapping[Lang, Sequence[int]]], x: Lang, y: Lang) -> list[Bead]:
    parent: dict[tuple[int, int], tuple[int, int]] = {}
    first_seen: dict[tuple[int, int], int] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for at, group in enumerate(groups):
        nodes = [(0, i) for i in group.get(x, ())] + [(1, j) for j in group.get(y, ())]
        for node in nodes:
            parent.setdefault(node, node)
            first_seen.setdefault(node, at)
        for node in nodes[1:]:
            parent[find(node)] = find(nodes[0])
    beads: dict[tuple[int, int], tuple[list[int], list[int], int]] = {}
    for node in sorted(parent, key=lambda n: (first_seen[n], n)):
        xs, ys, _ = beads.setdefault(find(node), ([], [], first_seen[node]))
        (xs if node[0] == 0 else ys).append(node[1])
    return [(sorted(xs), sorted(ys)) for xs, ys, _ in beads.values()]


#: How window vectors are made: ``mean`` embeds only the items and sums their
#: vectors (one string per item), ``embed`` embeds every window text as
#: Bertalign does (about ``max_align - 1`` strings per item).
WindowMode = Literal["mean", "embed"]


class SixWayAligner:
    """Aligns one resolution's language versions into groups at every level."""

    def __init__(
        self,
        cache: EmbeddingCache,
        params: BertalignParams | None = None,
        *,
        windows: WindowMode = "mean",
        rounds: int = 1,
        anchors: Extractor | bool = True,
    ) -> None:
        """Use ``cache`` for every embedding, so each text is embedded once per run.

        Args:
            cache: Embedding cache (and through it, the encoder).
            params: Bertalign's parameters.
            windows: How window vectors are made (see :data:`WindowMode`).
            rounds: Refinement rounds of the profile alignment.
            anchors: How anchor tokens (numbers, labels, symbols) are read from an
                item, ``True`` for :func:`alignment.anchors.extract_anchors`,
                ``False`` to align on the embeddings alone.
        """
        self.cache = cache
        self.params = params or BertalignParams()
        self.windows: WindowMode = windows
        self.rounds = rounds
        self.anchors: Extractor | None = extract_anchors if anchors is True else (anchors or None)

    def align(self, resolution: str, docs: Mapping[Lang, SegmentedDocument]) -> list[Group]:
        """Align all levels of ``docs`` (one document per language) into groups.

        Groups come in reading order, each parent before its children.
        """
        children: dict[str | None, list[Segment]] = defaultdict(list)
        for doc in docs.values():
            for seg in doc.segments:
                children[seg.parent_id].append(seg)
        embed_segments(self.cache, docs.values())
        roots: dict[Lang, list[Segment]] = {
            lang: [s for s in doc.segments if s.parent_id is None] for lang, doc in docs.items()
        }
        out: list[Group] = []
        self._align_unit(resolution, roots, children, None, out, top=True)
        return out

    def _align_unit(
        self,
        resolution: str,
        seqs: Mapping[Lang, Sequence[Segment]],
        children: Mapping[str | None, list[Segment]],
        parent_group: str | None,
        out: list[Group],
        *,
        top: bool = False,
    ) -> None:
        pivot = _pivot(seqs)
        if pivot is None:
            return
        if top:
            planned = [
                (d, Method.STRUCTURE) for d in _by_key(seqs, _merge_section_keys(seqs, pivot))
            ]
        elif (keys := _structural_keys(seqs)) is not None:
            planned = [(d, Method.STRUCTURE) for d in _by_key(seqs, keys)]
        elif (anchors := _clause_anchors(seqs)) is not None:
            planned = self._anchored(seqs, anchors)
        else:
            planned = self._unkeyed(seqs)
        for draft, method in planned:
            group = self._group(resolution, draft.members, method, parent_group, len(out), seqs)
            out.append(group)
            below = {
                lang: [c for seg in segs for c in children.get(seg.id, [])]
                for lang, segs in draft.members.items()
            }
            self._align_unit(resolution, below, children, group.id, out)

    def _unkeyed(self, seqs: Mapping[Lang, Sequence[Segment]]) -> list[tuple[_Draft, Method]]:
        """Items without agreed keys: one group if each language has at most one, else Bertalign.

        A Bertalign group never mixes levels: where it joins a clause of one language
        (a table) to paragraphs of another, each level becomes a group of its own.
        """
        if all(len(seq) <= 1 for seq in seqs.values()):
            levels = {s.level for seq in seqs.values() for s in seq}
            if len(levels) <= 1:
                return [
                    (
                        _Draft(0.0, {lang: list(seq) for lang, seq in seqs.items() if seq}),
                        Method.STRUCTURE,
                    )
                ]
        profile = self._profile({lang: [s.text for s in seq] for lang, seq in seqs.items() if seq})
        out = []
        for n, g in enumerate(profile.groups()):
            members = {lang: [seqs[lang][i] for i in g[lang]] for lang in g}
            out += [(d, Method.BERTALIGN) for d in _split_levels(float(n), members)]
        return out

    def _anchored(
        self, seqs: Mapping[Lang, Sequence[Segment]], anchors: Sequence[str]
    ) -> list[tuple[_Draft, Method]]:
        """Clauses by key, the paragraphs between them by :meth:`_unkeyed`, in order."""
        gaps: list[dict[Lang, list[Segment]]] = [{} for _ in range(len(anchors) + 1)]
        by_key: dict[str, Members] = {key: {} for key in anchors}
        for lang, seq in seqs.items():
            at = 0
            for seg in seq:
                if seg.level is Level.CLAUSE:
                    by_key[seg.key].setdefault(lang, []).append(seg)
                    at = anchors.index(seg.key) + 1
                else:
                    gaps[at].setdefault(lang, []).append(seg)
        out: list[tuple[_Draft, Method]] = []
        for n, gap in enumerate(gaps):
            if any(gap.values()):
                out += self._unkeyed(gap)
            if n < len(anchors):
                out.append((_Draft(float(len(out)), by_key[anchors[n]]), Method.STRUCTURE))
        return out

    def align_sequences(self, seqs: Mapping[Lang, Sequence[str]]) -> list[dict[Lang, list[int]]]:
        """Align plain item sequences (e.g. one sentence per line) across languages.

        Returns the atoms in order: per atom, the index of the item of each
        language that covers it. An item one language merged from what others
        keep apart covers several consecutive atoms; an item no other language
        matches is an atom of its own. :func:`pairwise_beads` turns the atoms
        into the beads of any pair.
        """
        if not any(seqs.values()):
            return []
        self.cache.warm([join_items([t]) for seq in seqs.values() for t in seq])
        return self._profile(seqs).atoms()

    def _profile(self, seqs: Mapping[Lang, Sequence[str]]) -> Profile:
        """Align the languages present through a profile, finest-grained language first."""
        present = [lang for lang in PIVOT_ORDER if seqs.get(lang)]
        order = sorted(present, key=lambda lang: -len(seqs[lang]))
        overlaps = self.params.max_align - 1
        make = mean_windows if self.windows == "mean" else embed_windows
        windows = {lang: make(list(seqs[lang]), self.cache, overlaps) for lang in order}
        short = {lang: [is_short(t, lang) for t in seqs[lang]] for lang in order}
        if self.windows == "mean":
            texts = {lang: short_window_texts(seqs[lang], short[lang]) for lang in order}
            # All languages' windows in one call, so that they are encoded side by side,
            # each composed from its two items' embeddings where the encoder can.
            self.cache.warm_joined(
                {
                    text: parts
                    for lang in order
                    for text, parts in short_window_parts(seqs[lang], texts[lang]).items()
                }
            )
            windows = {
                lang: embed_short_windows(windows[lang], texts[lang], self.cache) for lang in order
            }
        if self.anchors is None:
            return align_profile(windows, order, self.params, rounds=self.rounds)
        extract = self.anchors
        items = {lang: [extract(t, lang) for t in seqs[lang]] for lang in order}
        vocabulary = Vocabulary.of(items)
        anchored = {
            lang: replace(
                windows[lang],
                anchors=vocabulary.windows(items[lang], short[lang], overlaps),
            )
            for lang in order
        }
        return align_profile(
            anchored, order, self.params, rounds=self.rounds, vocabulary=vocabulary
        )

    def _group(
        self,
        resolution: str,
        members: Members,
        method: Method,
        parent_group: str | None,
        position: int,
        unit: Mapping[Lang, Sequence[Segment]],
    ) -> Group:
        ids = {lang: tuple(s.id for s in segs) for lang, segs in members.items() if segs}
        langs = [lang for lang in LANGS if lang in ids]
        pivot = _pivot({lang: members[lang] for lang in langs}) or langs[0]
        first = members[pivot][0]
        confidence, best_match = self._scores(members, unit)
        return Group(
            id=group_id(resolution, first.level, ids),
            resolution=resolution,
            level=first.level,
            key=first.key,
            position=position,
            members=ids,
            method=method if len(langs) > 1 else Method.SINGLE,
            confidence=confidence,
            best_match_similarity=best_match,
            parent_id=parent_group,
        )

    def _scores(
        self, members: Members, unit: Mapping[Lang, Sequence[Segment]]
    ) -> tuple[float | None, float | None]:
        """How sure the grouping is, from the embeddings: (confidence, best match similarity).

        For several languages, the confidence: the mean cosine similarity over every pair of
        their texts. For one language (a 1-0 group), the best match similarity instead: its
        best cosine to any item of the other languages in the same unit, so a missed match
        scores high and a segment that nothing resembles low; ``None`` when the unit has no
        other language at all. Two numbers, because they mean opposite things.
        """
        langs = [lang for lang in LANGS if members.get(lang)]
        texts = [join_items([s.text for s in members[lang]]) for lang in langs]
        if len(langs) == 1:
            others = [
                join_items([s.text]) for lang, seq in unit.items() if lang != langs[0] for s in seq
            ]
            if not others:
                return None, None
            vecs = self.cache.get([*texts, *others])
            return None, float(np.max(vecs[1:] @ vecs[0]))
        vecs = self.cache.get(texts)
        sims = vecs @ vecs.T
        upper = sims[np.triu_indices(len(langs), k=1)]
        return float(np.mean(upper)), None
