"""Aligning plain text files, one sentence per line, in any of the six languages."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from alignment.encoders import DEFAULT_ENCODER, EmbeddingCache, load_encoder
from alignment.model import Bead
from alignment.sixway import SixWayAligner, pairwise_beads
from corpus.errors import InputError
from corpus.model import Lang


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
    aligner = SixWayAligner(EmbeddingCache(load_encoder(encoder)))
    return pairwise_beads(aligner.align_sequences(sentences), list(files))
