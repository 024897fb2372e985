"""Aligning plain text files, one sentence per line, in any of the six languages.

Files of comparable length are aligned together by :class:`SixWayAligner` (Bertalign's
two passes, inside a band around the diagonal). A file with far fewer lines than the
longest (:data:`UNEQUAL_RATIO`), such as a single title against a whole resolution, does
not fit that band: its lines would be forced onto whatever lies near the proportional
position. Its lines are placed by similarity instead, in order, on the longest file's
lines (:func:`place_by_similarity`); a line nothing resembles stays alone.

Limits: every line is embedded once and kept in memory (512 float32 per line, 2 kB), and
Bertalign's first pass looks at the ``top_k`` most similar lines of the other file for
each line, computed in blocks so memory grows with the number of lines, not its square
(see :func:`alignment.bertalign_core.top_k_similar`). Files of 20,000 lines each align in
well under 1 GB.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from alignment.bertalign_core import join_items
from alignment.encoders import DEFAULT_ENCODER, EmbeddingCache, load_encoder
from alignment.model import Bead
from alignment.sixway import SixWayAligner, pairwise_beads
from corpus.errors import InputError
from corpus.model import Lang

#: A file with at least this many times fewer lines than the longest is placed by
#: similarity rather than aligned inside Bertalign's band.
UNEQUAL_RATIO = 10
#: Lowest cosine similarity at which a line of a short file is placed on a line of the
#: longest; USE gives translations about 0.6 to 0.9 and unrelated sentences under 0.4.
MIN_SIMILARITY = 0.5

Atoms = list[dict[Lang, list[int]]]


def read_sentence_file(path: Path) -> list[str]:
    """Read a UTF-8 file with one sentence per line; blank lines are not sentences.

    Raises:
        InputError: When the file is missing, unreadable, not UTF-8 or has no sentence.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 at byte {exc.start}", path=str(path)) from None
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    if not any(lines):
        raise InputError("file is empty", path=str(path))
    if not all(lines):
        blank = lines.index("") + 1
        raise InputError(f"blank line {blank}: expected one sentence per line", path=str(path))
    return lines


def align_files(
    files: Mapping[Lang, Path], encoder: str = DEFAULT_ENCODER
) -> dict[str, list[Bead]]:
    """Align the files and return the beads of every pair ``x-y`` in ``files``' order."""
    sentences = {lang: read_sentence_file(path) for lang, path in files.items()}
    cache = EmbeddingCache(load_encoder(encoder))
    return pairwise_beads(align_unequal(sentences, cache), list(files))


def align_unequal(sentences: Mapping[Lang, Sequence[str]], cache: EmbeddingCache) -> Atoms:
    """Align item sequences; those far shorter than the longest are placed by similarity.

    Returns atoms as :meth:`SixWayAligner.align_sequences` does.
    """
    longest = max(sentences, key=lambda lang: len(sentences[lang]))
    size = len(sentences[longest])
    short = [
        lang
        for lang, items in sentences.items()
        if lang != longest and len(items) * UNEQUAL_RATIO <= size
    ]
    banded = {lang: items for lang, items in sentences.items() if lang not in short}
    atoms = SixWayAligner(cache).align_sequences(banded)
    if not short:
        return atoms
    anchor = cache.get([join_items([t]) for t in sentences[longest]])
    for lang in short:
        mine = cache.get([join_items([t]) for t in sentences[lang]])
        matches = place_by_similarity(mine @ anchor.T)
        atoms = _insert(atoms, longest, lang, matches)
    return atoms


def place_by_similarity(sims: NDArray[np.float32]) -> list[int | None]:
    """Match each row to a column, in increasing order, maximising the total similarity.

    Only pairs at least :data:`MIN_SIMILARITY` similar count; a row without one stays
    unmatched (``None``). A dynamic programme over rows and columns: time and memory
    grow with their product, small since the rows are the short file's lines.
    """
    rows, cols = sims.shape
    gain = sims.astype(np.float32) - np.float32(MIN_SIMILARITY)
    # best[i][j]: the best total placing rows < i on columns < j (non-decreasing in j).
    best = np.zeros((rows + 1, cols + 1), dtype=np.float32)
    for i in range(rows):
        take = np.maximum(best[i, 1:], best[i, :-1] + gain[i])
        best[i + 1, 1:] = np.maximum.accumulate(take)
    out: list[int | None] = [None] * rows
    j = cols
    for i in range(rows, 0, -1):
        if best[i, j] == best[i - 1, j]:
            continue  # row i-1 left unmatched
        # The first column where this row's total was reached is where row i-1 went.
        j = int(np.argmax(best[i, : j + 1] == best[i, j])) - 1
        out[i - 1] = j
    return out


def _insert(atoms: Atoms, anchor: Lang, lang: Lang, matches: Sequence[int | None]) -> Atoms:
    """Add ``lang``'s items to the atoms of the anchor items they matched, in order.

    An unmatched item becomes an atom of its own, after the atom of the item before it.
    """
    out = [dict(atom) for atom in atoms]
    where: dict[int, list[int]] = {}
    for n, atom in enumerate(out):
        for item in atom.get(anchor, ()):
            where.setdefault(item, []).append(n)
    alone: dict[int, list[int]] = {}  # after atom n (-1: before all) -> unmatched items
    last = -1
    for item, match in enumerate(matches):
        if match is None:
            alone.setdefault(last, []).append(item)
            continue
        for n in where[match]:
            out[n][lang] = [item]
        last = where[match][-1]
    result: Atoms = [{lang: [item]} for item in alone.get(-1, [])]
    for n, atom in enumerate(out):
        result.append(atom)
        result += [{lang: [item]} for item in alone.get(n, [])]
    return result
