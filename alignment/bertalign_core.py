"""The Bertalign two-pass algorithm on embeddings we compute ourselves.

bertalign 2.0.1's driver class detects languages (and rejects Arabic), splits
and embeds texts itself, once per pair. We call only its numeric core
(``bertalign.corelib``) on window embeddings from our own cache, so every text
is embedded once per run and any of the six languages works.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numba as nb
import numpy as np
from numpy.typing import NDArray

from alignment.anchors import AnchorWindows, agreement
from alignment.encoders import EmbeddingCache, Vectors
from alignment.model import Bead

#: Longest window string given to the encoder, as bertalign does, so that a
#: window of several long paragraphs stays within what the encoder handles.
WINDOW_CHAR_LIMIT = 2000

#: An item weighs by its length in characters to this power in a summed window
#: vector (:func:`mean_windows`); tuned on the UNPC benchmark (1.0 and 0.5 do worse).
WEIGHT_POWER = 0.75


_CORELIB_LOCK = threading.Lock()


def _corelib() -> ModuleType:
    """Bertalign's numeric core, loaded on first use and without the package's ``__init__``.

    The package's ``__init__`` imports its driver class, and with it sentence-transformers
    and transformers: seconds of imports that a run aligning with our own encoder never
    uses, and that a run with nothing to align should not pay at all. The core needs
    numba and NumPy, and torch only for ``find_top_k_sents``, which we replace with
    :func:`top_k_similar`: torch is imported when the core first uses it (see
    :class:`_TorchOnDemand`). Registered under its own name, so an import of the package
    later finds it instead of loading it twice; a lock keeps worker threads from seeing it
    half-loaded.
    """
    with _CORELIB_LOCK:
        if "bertalign.corelib" in sys.modules:
            return sys.modules["bertalign.corelib"]
        return _load_corelib()


def _load_corelib() -> ModuleType:
    package = importlib.util.find_spec("bertalign")
    if package is None or not package.submodule_search_locations:
        raise ImportError("bertalign is not installed")
    path = Path(next(iter(package.submodule_search_locations))) / "corelib.py"
    spec = importlib.util.spec_from_file_location("bertalign.corelib", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    with _torch_on_demand():
        spec.loader.exec_module(module)
    sys.modules[spec.name] = module
    return module


class _TorchOnDemand(ModuleType):
    """What the core's ``import torch`` binds when torch is not loaded yet: torch on first use.

    Importing torch costs a process about 470 MB and 1.3 s (measured here), two fifths of
    a run's memory, for a function of the core we never call. Any attribute the core
    asks for imports the real torch then and hands it over, so the core behaves as
    published (``find_top_k_sents`` included).
    """

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get("torch") is self:
            raise ImportError(f"torch.{name} asked for while bertalign's core is loading")
        return getattr(importlib.import_module("torch"), name)


@contextlib.contextmanager
def _torch_on_demand() -> Iterator[None]:
    """While the core loads, let ``import torch`` bind a :class:`_TorchOnDemand`.

    Only the core sees it: it leaves ``sys.modules`` when the core has loaded, so any
    later ``import torch`` (sentence-transformers, a test) loads the real one.
    """
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = _TorchOnDemand("torch")
    try:
        yield
    finally:
        if isinstance(sys.modules.get("torch"), _TorchOnDemand):
            del sys.modules["torch"]


@dataclass(frozen=True, slots=True)
class BertalignParams:
    """Bertalign's parameters, with its published defaults."""

    max_align: int = 5
    top_k: int = 3
    win: int = 5
    skip: float = -0.1
    margin: bool = True
    len_penalty: bool = True
    #: Fewest items on each side for the margin score. The margin subtracts a
    #: bead's similarity to its neighbours, and a bead spanning a whole short
    #: unit has none, so in units of a few paragraphs it beats the correct 1-1
    #: beads (two UDHR paragraphs came out as one 2-2 bead). Short units use
    #: the plain cosine.
    margin_min_items: int = 10
    #: Weight of the anchor agreement (the summed weight of the numbers, labels and
    #: symbols two windows share) added to a bead's similarity when both sides carry
    #: anchors (see :mod:`alignment.anchors`); tuned on UNPC documents 0-9.
    anchor_gain: float = 0.1


@dataclass(frozen=True, slots=True)
class Windows:
    """Embeddings of every window of 1..k consecutive items ending at each item.

    ``vecs[w, i]`` embeds items ``i-w .. i`` joined; ``lens[w, i]`` is that
    window's length in UTF-8 bytes (Bertalign's length penalty works on bytes).
    Windows that would start before the first item are zero vectors of length 0.
    """

    vecs: NDArray[np.float32]
    lens: NDArray[np.int64]
    anchors: AnchorWindows | None = None

    @property
    def size(self) -> int:
        """Number of items."""
        return int(self.lens.shape[1])


def join_items(texts: Sequence[str]) -> str:
    """Join consecutive items the one way used for windows and group texts alike."""
    return " ".join(t.strip() for t in texts)[:WINDOW_CHAR_LIMIT]


def window_texts(items: Sequence[str], num_overlaps: int) -> list[str]:
    """Every window string of 1..num_overlaps consecutive items (no padding)."""
    return [
        join_items(items[i - w : i + 1]) for w in range(num_overlaps) for i in range(w, len(items))
    ]


def embed_windows(items: Sequence[str], cache: EmbeddingCache, num_overlaps: int) -> Windows:
    """Embed the windows of ``items`` through ``cache`` (so nothing is embedded twice)."""
    n = len(items)
    texts = window_texts(items, num_overlaps)
    vecs_flat: Vectors = cache.get(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    dim = vecs_flat.shape[1] if len(texts) else 1
    vecs = np.zeros((num_overlaps, n, dim), dtype=np.float32)
    lens = np.zeros((num_overlaps, n), dtype=np.int64)
    row = 0
    for w in range(num_overlaps):
        for i in range(w, n):
            vecs[w, i] = vecs_flat[row]
            lens[w, i] = len(texts[row].encode("utf-8"))
            row += 1
    return Windows(vecs=vecs, lens=lens)


#: Rows of the similarity matrix computed at once by :func:`top_k_similar`.
TOP_K_BLOCK = 256


def top_k_similar(
    src: NDArray[np.float32], tgt: NDArray[np.float32], k: int
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """For each source vector, the ``k`` most similar target vectors (scores, indices).

    What ``bertalign.corelib.find_top_k_sents`` returns, computed in blocks of
    :data:`TOP_K_BLOCK` rows: its single ``n x m`` matrix takes 1.6 GB for two files
    of 20,000 lines, a block 20 MB.
    """
    k = min(k, tgt.shape[0])
    scores = np.empty((src.shape[0], k), dtype=np.float32)
    indices = np.empty((src.shape[0], k), dtype=np.int64)
    for at in range(0, src.shape[0], TOP_K_BLOCK):
        sims = src[at : at + TOP_K_BLOCK] @ tgt.T
        top = np.argpartition(sims, -k, axis=1)[:, -k:]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        scores[at : at + TOP_K_BLOCK] = np.take_along_axis(top_sims, order, axis=1)
        indices[at : at + TOP_K_BLOCK] = np.take_along_axis(top, order, axis=1)
    return scores, indices


def align_pair(src: Windows, tgt: Windows, params: BertalignParams | None = None) -> list[Bead]:
    """Align two item sequences with Bertalign's two passes.

    Returns beads covering every index of both sides in order, including 1-0
    and 0-1 beads; empty sides give only insertions or deletions.
    """
    p = params or BertalignParams()
    corelib = _corelib()
    n, m = src.size, tgt.size
    if n == 0 or m == 0:
        return [([i], []) for i in range(n)] + [([], [j]) for j in range(m)]
    scores, indices = top_k_similar(src.vecs[0], tgt.vecs[0], p.top_k)
    first_types = corelib.get_alignment_types(2)
    first_w, first_path = corelib.find_first_search_path(n, m)
    first_pointers = corelib.first_pass_align(
        n, m, first_w, first_path, first_types, scores, indices
    )
    first_alignment = corelib.first_back_track(n, m, first_pointers, first_path, first_types)
    second_types = corelib.get_alignment_types(p.max_align)
    second_w, second_path = corelib.find_second_search_path(first_alignment, p.win, n, m)
    char_ratio = float(np.sum(src.lens[0]) / max(1, int(np.sum(tgt.lens[0]))))
    margin = p.margin and min(n, m) >= p.margin_min_items
    if src.anchors is not None and tgt.anchors is not None and p.anchor_gain:
        second_pointers = second_pass_anchored(
            src, tgt, second_w, second_path, second_types, char_ratio, p, margin
        )
    else:
        second_pointers = corelib.second_pass_align(
            src.vecs,
            tgt.vecs,
            src.lens,
            tgt.lens,
            second_w,
            second_path,
            second_types,
            char_ratio,
            p.skip,
            margin=margin,
            len_penalty=p.len_penalty,
        )
    raw = corelib.second_back_track(n, m, second_pointers, second_path, second_types)
    # The back-track yields NumPy integers; plain ints keep beads JSON-ready.
    return [([int(i) for i in src_side], [int(j) for j in tgt_side]) for src_side, tgt_side in raw]


def mean_windows(items: Sequence[str], cache: EmbeddingCache, num_overlaps: int) -> Windows:
    """Windows from item embeddings alone: a window's vector is its items' weighted sum.

    Only the items are embedded (n strings instead of about ``num_overlaps * n``),
    and embedding is where the time goes. Each item weighs by its length in
    characters (to the power :data:`WEIGHT_POWER`): a concatenation's embedding
    leans towards its longer part, and on UN sentence pairs (USE) the weighted
    sum is close enough to the joined text's own embedding to tell a true 2-1
    bead from an absorbed 1-0 (unit weights overrate a short item). Lengths are
    those of the joined window texts, as Bertalign's length penalty expects.
    """
    n = len(items)
    texts = [join_items([t]) for t in items]
    item_vecs: Vectors = cache.get(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    dim = item_vecs.shape[1] if n else 1
    item_lens = np.array([len(t.encode("utf-8")) for t in texts], dtype=np.int64)
    weights = np.array([[max(1, len(t)) ** WEIGHT_POWER] for t in texts], dtype=np.float32)
    item_vecs = item_vecs * weights if n else item_vecs
    vecs = np.zeros((num_overlaps, n, dim), dtype=np.float32)
    lens = np.zeros((num_overlaps, n), dtype=np.int64)
    for w in range(num_overlaps):
        if w >= n:
            break
        summed = item_vecs[w:].copy()
        lengths = item_lens[w:].copy() + w
        for back in range(1, w + 1):
            summed += item_vecs[w - back : n - back]
            lengths += item_lens[w - back : n - back]
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        vecs[w, w:] = summed / norms
        lens[w, w:] = lengths
    return Windows(vecs=vecs, lens=lens)


def short_window_texts(items: Sequence[str], short: Sequence[bool]) -> dict[int, str]:
    """The joined text of every window of two items holding a short one, by its last item."""
    return {
        i: join_items(items[i - 1 : i + 1])
        for i in range(1, len(items))
        if short[i - 1] or short[i]
    }


def short_window_parts(
    items: Sequence[str], texts: Mapping[int, str]
) -> dict[str, tuple[str, str]]:
    """The two items each two-item window text joins, as embedded alone, by that text.

    ``texts`` are the windows' texts by their last item (:func:`short_window_texts`);
    :meth:`~alignment.encoders.EmbeddingCache.warm_joined` composes their embeddings
    from the items' own where it can.
    """
    return {text: (join_items([items[i - 1]]), join_items([items[i]])) for i, text in texts.items()}


def embed_short_windows(
    windows: Windows, texts: Mapping[int, str], cache: EmbeddingCache
) -> Windows:
    """Embed the joined text of each two-item window holding a short item (a heading, a label).

    ``texts`` are those windows' texts by their last item (:func:`short_window_texts`).

    In a summed window (:func:`mean_windows`) a short item weighs little, so
    ``Question of Cyprus`` glued to the paragraph after it scores about as well
    against a translation that dropped the heading as against one that merged it,
    and the aligner cannot tell a merge from a drop. The encoder's own embedding of
    the joined text can: on UNPC pairs (documents 0-9), a threshold on how much the
    heading adds to the window's similarity misclassifies 47 of 856 such cases with
    embedded windows against 74 with summed ones. Only these windows are embedded
    (about a quarter as many strings again as items on UN text), the rest stay sums.
    """
    if not texts or windows.vecs.shape[0] < 2:
        return windows
    found = cache.get(list(texts.values()))
    norms = np.linalg.norm(found, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    vecs = windows.vecs.copy()
    vecs[1, list(texts)] = found / norms
    return Windows(vecs=vecs, lens=windows.lens, anchors=windows.anchors)


@functools.cache
def _anchored_kernel() -> Callable[..., NDArray[np.uint8]]:
    """Compile :func:`second_pass_anchored`'s kernel over Bertalign's scoring functions.

    Built on first use because Bertalign's core itself is loaded lazily (see
    :func:`_corelib`); numba calls its jitted similarity and length penalty directly.
    """
    corelib = _corelib()
    similarity = corelib.calculate_similarity_score
    length_penalty = corelib.calculate_length_penalty

    # nogil: the DP of one resolution runs beside another's embedding or the load.
    @nb.njit(fastmath=True, nogil=True)
    def kernel(
        src_vecs: NDArray[np.float32],
        tgt_vecs: NDArray[np.float32],
        src_lens: NDArray[np.int64],
        tgt_lens: NDArray[np.int64],
        src_ids: NDArray[np.int64],
        src_aw: NDArray[np.float32],
        tgt_ids: NDArray[np.int64],
        tgt_aw: NDArray[np.float32],
        w: int,
        search_path: NDArray[np.int64],
        align_types: NDArray[np.int64],
        char_ratio: float,
        skip: float,
        anchor_gain: float,
        margin: bool,
    ) -> NDArray[np.uint8]:
        src_len = src_vecs.shape[1]
        tgt_len = tgt_vecs.shape[1]
        cost = np.zeros((src_len + 1, w), dtype=np.float32)
        pointers = np.zeros((src_len + 1, w), dtype=np.uint8)
        for i in range(src_len + 1):
            i_start = search_path[i][0]
            i_end = search_path[i][1]
            for j in range(i_start, i_end + 1):
                if i + j == 0:
                    continue
                best_score = -np.inf
                best_a = -1
                for a in range(align_types.shape[0]):
                    a_1 = align_types[a][0]
                    a_2 = align_types[a][1]
                    prev_i = i - a_1
                    prev_j = j - a_2
                    if prev_i < 0 or prev_j < 0:
                        continue
                    prev_i_start = search_path[prev_i][0]
                    prev_i_end = search_path[prev_i][1]
                    if prev_j < prev_i_start or prev_j > prev_i_end:
                        continue
                    score = cost[prev_i][prev_j - prev_i_start]
                    if a_1 == 0 or a_2 == 0:
                        cur_score = skip
                    else:
                        cur_score = similarity(
                            src_vecs, tgt_vecs, i, j, a_1, a_2, src_len, tgt_len, margin=margin
                        )
                        cur_score *= length_penalty(src_lens, tgt_lens, i, j, a_1, a_2, char_ratio)
                        cur_score += anchor_gain * agreement(
                            src_ids[a_1 - 1, i - 1],
                            src_aw[a_1 - 1, i - 1],
                            tgt_ids[a_2 - 1, j - 1],
                            tgt_aw[a_2 - 1, j - 1],
                        )
                    score += cur_score
                    if score > best_score:
                        best_score = score
                        best_a = a
                cost[i][j - i_start] = best_score
                pointers[i][j - i_start] = best_a
        return pointers

    return kernel


def second_pass_anchored(
    src: Windows,
    tgt: Windows,
    w: int,
    search_path: NDArray[np.int64],
    align_types: NDArray[np.int64],
    char_ratio: float,
    params: BertalignParams,
    margin: bool,
) -> NDArray[np.uint8]:
    """Bertalign's second pass (``corelib.second_pass_align``, length penalty on) plus anchors.

    A bead's score is Bertalign's similarity times its length penalty, plus
    ``params.anchor_gain`` times the weight of the anchors its two windows share
    (:func:`alignment.anchors.agreement`).

    Raises:
        ValueError: a side's windows carry no anchors.
    """
    if src.anchors is None or tgt.anchors is None:
        raise ValueError("the anchored second pass needs the anchors of both sides")
    return _anchored_kernel()(
        src.vecs,
        tgt.vecs,
        src.lens,
        tgt.lens,
        src.anchors.ids,
        src.anchors.weights,
        tgt.anchors.ids,
        tgt.anchors.weights,
        w,
        search_path,
        align_types,
        char_ratio,
        params.skip,
        params.anchor_gain,
        margin,
    )
