"""Per-pair cosine similarity of a group's texts, for the optional ``similarities`` of a load.

The aligner records one number per group (``confidence``: the mean cosine over its
language pairs). The ``pairs`` view is more useful with the cosine of each language pair; a
flow that has the run's embeddings at hand computes them here and passes them to
:func:`warehouse.load.load_run`, e.g. ``similarities=pair_similarities(groups, docs,
cache.get)`` with the run's :class:`alignment.encoders.EmbeddingCache`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import combinations

import numpy as np
import numpy.typing as npt

from alignment.model import Group
from corpus.model import Lang, SegmentedDocument

Encode = Callable[[Sequence[str]], npt.NDArray[np.floating]]


def join_texts(lang: Lang, texts: Iterable[str]) -> str:
    """A group's text in ``lang`` from its members' texts, as the ``parallel`` view joins them.

    One space between members, none in Chinese.
    """
    return ("" if lang == "zh" else " ").join(texts)


def group_texts(group: Group, by_id: dict[str, str]) -> dict[Lang, str]:
    """Join each language's member texts as the parallel view does (see :func:`join_texts`)."""
    return {lang: join_texts(lang, (by_id[s] for s in group.members[lang])) for lang in group.langs}


def pair_similarities(
    groups: Sequence[Group], documents: Sequence[SegmentedDocument], encode: Encode
) -> dict[str, dict[tuple[Lang, Lang], float]]:
    """Return the cosine of every language pair of every group with two languages or more.

    ``encode`` maps texts to vectors (one row each); all texts go to it in one call, and
    the vectors are L2-normalised here, so any encoder will do.
    """
    by_id = {s.id: s.text for d in documents for s in d.segments}
    texts = {g.id: group_texts(g, by_id) for g in groups if len(g.langs) > 1}
    distinct = list(dict.fromkeys(t for by_lang in texts.values() for t in by_lang.values()))
    if not distinct:
        return {}
    vectors = np.asarray(encode(distinct), dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms == 0, 1.0, norms)
    row = {text: i for i, text in enumerate(distinct)}
    return {
        group: {
            (a, b): float(vectors[row[by_lang[a]]] @ vectors[row[by_lang[b]]])
            for a, b in combinations(sorted(by_lang), 2)
        }
        for group, by_lang in texts.items()
    }
