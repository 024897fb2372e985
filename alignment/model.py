"""Typed records of the alignment stage: beads between two sequences, six-way groups."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from corpus.model import LANGS, Lang, Level

#: Order in which a language is taken as the pivot of an alignment (the first present in
#: a unit) and as the reference of a QA comparison.
PIVOT_ORDER: tuple[Lang, ...] = ("en", "fr", "es", "ru", "ar", "zh")

#: One alignment bead: indices into the first sequence and into the second, in
#: order. ``([3], [])`` is a 1-0 bead (nothing on the second side), ``([], [4])``
#: a 0-1 bead.
Bead = tuple[list[int], list[int]]


class Method(StrEnum):
    """How a group was formed, so that users can weigh it."""

    STRUCTURE = "structure"
    BERTALIGN = "bertalign"
    SINGLE = "single"


@dataclass(frozen=True, slots=True)
class Group:
    """Segments of several languages that say the same thing.

    ``members`` maps a language to the ids of its segments in the group, in
    document order; a language absent from the group is absent from the map
    (never an empty tuple). ``confidence`` is, for several languages, the mean
    cosine similarity over every pair of their texts (how sure it is that they match);
    a group of one language has none. ``best_match_similarity`` is, for one language
    only, its best cosine to any other language's item in the same unit (how likely it
    is that a match was missed); ``None`` for several languages, or when the unit has
    no other language.
    """

    id: str
    resolution: str
    level: Level
    key: str
    position: int
    members: Mapping[Lang, tuple[str, ...]]
    method: Method
    confidence: float | None
    parent_id: str | None = None
    best_match_similarity: float | None = None

    @property
    def langs(self) -> tuple[Lang, ...]:
        """Languages present in the group, in the canonical order."""
        return tuple(lang for lang in LANGS if lang in self.members)


def group_id(resolution: str, level: Level, members: Mapping[Lang, tuple[str, ...]]) -> str:
    """Derive a stable group id from its members, so reloading a run never duplicates."""
    parts = [resolution, level.value]
    for lang in LANGS:
        parts.extend(members.get(lang, ()))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{resolution}:{level.value[0]}:{digest[:16]}"
