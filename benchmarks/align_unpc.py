"""Six-way alignment against stock Bertalign on the UN Parallel Corpus development set.

Data: the development set of the United Nations Parallel Corpus v1.0 (4,000
sentences of 2015 UN documents, line-aligned in ar, en, es, fr, ru, zh), by
courtesy of the United Nations. Cite: Ziemski, M., Junczys-Dowmunt, M. and
Pouliquen, B. (2016), "The United Nations Parallel Corpus v1.0", Language
Resources and Evaluation (LREC'16), Portorož, Slovenia. The data stays in
``../shared/eval/unpc-devset`` (``--data``); it is not copied here.

The benchmark (as ``../shared/eval/README.md`` describes): lines are grouped by
UN document symbol (``UNv1.0.devset.ids``) and ordered by their position in the
document; whole documents are concatenated into pseudo-documents of about 200
sentences; then in each language independently, with a fixed seed, about 6% of
sentences are merged with the next and about 2% dropped. Gold beads follow from
which original sentences each item holds (1-1, 2-1, 1-2, 1-0 ...).

Both systems run in this process with the same USE-multilingual encoder: our
six-way aligner (every language embedded once, aligned together) and stock
``bertalign.Bertalign`` for each of the 15 pairs (through an adapter that
exposes the encoder as bertalign's ``Encoder``; its language detection, which
rejects Arabic, is bypassed here only). Printed: strict and lax P/R/F1 per pair
and overall (Text+Berg definitions, :mod:`alignment.evaluate`), strings each
system sent to the encoder, alignment wall time and the ratios.

``--scaling`` instead times our aligner alone on one pseudo-document of 500,
1,000, 2,000 and 4,000 sentences per language, each size in a fresh
subprocess, reporting wall time and peak resident memory.

Run: ``.venv/bin/python benchmarks/align_unpc.py [--docs N] [--scaling]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alignment.encoders import EmbeddingCache, SentenceEncoder, load_encoder  # noqa: E402
from alignment.evaluate import Counts, count, gold_beads, scores  # noqa: E402
from alignment.model import Bead  # noqa: E402
from alignment.sixway import SixWayAligner, pairwise_beads  # noqa: E402
from corpus.model import LANGS, Lang  # noqa: E402

CITATION = (
    "Data: United Nations Parallel Corpus v1.0, development set, courtesy of the United "
    "Nations. Ziemski, Junczys-Dowmunt and Pouliquen, 'The United Nations Parallel Corpus "
    "v1.0', LREC 2016."
)
PAIRS: list[tuple[Lang, Lang]] = [(x, y) for a, x in enumerate(LANGS) for y in LANGS[a + 1 :]]
SEED = 20160523
MERGE_RATE = 0.06
DROP_RATE = 0.02


# --- data -----------------------------------------------------------------------------------


def read_devset(data: Path) -> tuple[dict[Lang, list[str]], list[tuple[str, tuple[int, int]]]]:
    """The six line-aligned files and, per line, its document symbol and English position."""
    lines = {
        lang: (data / f"UNv1.0.devset.{lang}").read_text(encoding="utf-8").splitlines()
        for lang in LANGS
    }
    ids: list[tuple[str, tuple[int, int]]] = []
    for row in (data / "UNv1.0.devset.ids").read_text(encoding="utf-8").splitlines():
        symbol, *positions = row.split()
        where = dict(p.split(":", 1) for p in positions)
        para, sent = where["en"].split(":")
        ids.append((symbol, (int(para), int(sent))))
    return lines, ids


def pseudo_documents(ids: Sequence[tuple[str, tuple[int, int]]], size: int) -> list[list[int]]:
    """Line numbers of whole documents, in position order, packed into ~``size`` lines."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for line, (symbol, _) in enumerate(ids):
        by_doc[symbol].append(line)
    out: list[list[int]] = [[]]
    for lines in by_doc.values():
        if len(out[-1]) >= size:
            out.append([])
        out[-1].extend(sorted(lines, key=lambda n: (ids[n][1], n)))
    return out


def perturb(n: int, rng: random.Random) -> list[list[int]]:
    """Items of one language as spans of the n original sentences: merges and drops."""
    items: list[list[int]] = []
    k = 0
    while k < n:
        if rng.random() < DROP_RATE:
            k += 1
            continue
        item = [k]
        while item[-1] + 1 < n and rng.random() < MERGE_RATE:
            item.append(item[-1] + 1)
        items.append(item)
        k = item[-1] + 1
    return items


class Document:
    """One pseudo-document: per language, its items (texts) and their original spans."""

    def __init__(self, originals: dict[Lang, list[str]], seed: str) -> None:
        n = len(originals["en"])
        self.spans: dict[Lang, list[list[int]]] = {}
        self.texts: dict[Lang, list[str]] = {}
        for lang in LANGS:
            spans = perturb(n, random.Random(f"{seed}:{lang}"))
            sep = "" if lang == "zh" else " "
            self.spans[lang] = spans
            self.texts[lang] = [sep.join(originals[lang][k] for k in span) for span in spans]

    def gold(self, x: Lang, y: Lang) -> list[Bead]:
        return gold_beads(self.spans[x], self.spans[y])


def build_documents(data: Path, size: int, limit: int | None) -> list[Document]:
    lines, ids = read_devset(data)
    docs = []
    for n, numbers in enumerate(pseudo_documents(ids, size)[:limit]):
        originals = {lang: [lines[lang][i] for i in numbers] for lang in LANGS}
        docs.append(Document(originals, f"{SEED}:{n}"))
    return docs


# --- the systems --------------------------------------------------------------------------

#: One system's result on one document: its beads per pair, strings embedded, seconds.
Run = tuple[dict[str, list[Bead]], int, float]


def run_ours(
    encoder: SentenceEncoder,
    docs: Sequence[Document],
    *,
    anchors: bool = True,
    store: Path | None = None,
) -> list[Run]:
    """Our aligner on each document, with a fresh cache (so each run embeds for itself)."""
    cache = EmbeddingCache(encoder, store)
    aligner = SixWayAligner(cache, anchors=anchors)
    out: list[Run] = []
    for doc in docs:
        before, start = cache.encoded, time.perf_counter()
        beads = pairwise_beads(aligner.align_sequences(doc.texts), list(LANGS))
        out.append((beads, cache.encoded - before, time.perf_counter() - start))
    return out


def run_stock(encoder: SentenceEncoder, docs: Sequence[Document]) -> list[Run]:
    import bertalign.aligner
    from bertalign import Bertalign
    from bertalign.encoder import Encoder
    from bertalign.utils import yield_overlaps

    class StockEncoder(Encoder):
        """Our encoder behind bertalign's interface: it embeds whatever it is given."""

        def __init__(self, inner: SentenceEncoder) -> None:  # no model to load
            self.model_name = inner.name
            self.inner = inner
            self.encoded = 0

        def transform(self, sents: Sequence[str], num_overlaps: int) -> tuple[Any, Any]:
            overlaps = list(yield_overlaps(sents, num_overlaps))
            vecs = self.inner.encode(overlaps)
            self.encoded += len(overlaps)
            lens = np.array([len(t.encode("utf-8")) for t in overlaps], dtype=np.int64)
            shape = (num_overlaps, len(sents))
            return vecs.reshape(*shape, -1), lens.reshape(shape)

    # Stock detection has no Arabic (and lingua needs no answer here: the texts are
    # already one sentence per line), so it is bypassed for this benchmark only.
    bertalign.aligner.detect_lang = lambda text: "en"  # type: ignore[attr-defined]
    adapter = StockEncoder(encoder)
    out: list[Run] = []
    for doc in docs:
        result: dict[str, list[Bead]] = {}
        before, start = adapter.encoded, time.perf_counter()
        for x, y in PAIRS:
            aligner = Bertalign(
                "\n".join(doc.texts[x]), "\n".join(doc.texts[y]), is_split=True, model=adapter
            )
            # Stock beads hold NumPy integers; plain ints keep them JSON-ready for the cache.
            result[f"{x}-{y}"] = [
                ([int(i) for i in a], [int(j) for j in b]) for a, b in aligner.align_sents()
            ]
        out.append((result, adapter.encoded - before, time.perf_counter() - start))
    return out


class StockCache:
    """Stock Bertalign's results per document in a JSON file, so it runs once per document.

    Stock Bertalign takes about 4 minutes per pseudo-document on two cores; its
    result depends only on the document's texts and the encoder, which make the key.
    """

    def __init__(self, path: Path, encoder: SentenceEncoder) -> None:
        self.path = path
        self.encoder = f"{encoder.name}@{encoder.version}"
        self.runs: dict[str, Any] = (
            json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        )

    def key(self, doc: Document) -> str:
        texts = json.dumps([doc.texts[lang] for lang in LANGS], ensure_ascii=False)
        return self.encoder + ":" + hashlib.sha256(texts.encode("utf-8")).hexdigest()

    def get(self, doc: Document) -> Run | None:
        found = self.runs.get(self.key(doc))
        if found is None:
            return None
        beads = {pair: [(list(a), list(b)) for a, b in bs] for pair, bs in found["beads"].items()}
        return beads, int(found["embedded"]), float(found["seconds"])

    def put(self, doc: Document, run: Run) -> None:
        beads, embedded, seconds = run
        self.runs[self.key(doc)] = {"beads": beads, "embedded": embedded, "seconds": seconds}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.runs), encoding="utf-8")


def stock_runs(
    encoder: SentenceEncoder, docs: Sequence[Document], cache: StockCache, mode: str
) -> dict[int, Run]:
    """Stock Bertalign's runs by document index: cached, or run now (``mode == "run"``)."""
    out: dict[int, Run] = {}
    for n, doc in enumerate(docs):
        found = cache.get(doc)
        if found is None and mode == "run":
            found = run_stock(encoder, [doc])[0]
            cache.put(doc, found)
            print(f"stock: document {n} done in {found[2]:.1f}s", flush=True)
        if found is not None:
            out[n] = found
    return out


# --- reporting ----------------------------------------------------------------------------


def evaluate(
    docs: Sequence[Document], predicted: Sequence[dict[str, list[Bead]]]
) -> dict[str, Counts]:
    per_pair: dict[str, Counts] = {}
    for x, y in PAIRS:
        total = Counts()
        for doc, pred in zip(docs, predicted, strict=True):
            total = total + count(doc.gold(x, y), pred[f"{x}-{y}"])
        per_pair[f"{x}-{y}"] = total
    return per_pair


def describe(docs: Sequence[Document]) -> str:
    kinds: dict[str, int] = defaultdict(int)
    for doc in docs:
        for x, y in PAIRS:
            for a, b in doc.gold(x, y):
                kinds[f"{len(a)}-{len(b)}"] += 1
    common = sorted(kinds.items(), key=lambda kv: -kv[1])[:8]
    sizes = [len(doc.texts["en"]) for doc in docs]
    return (
        f"{len(docs)} pseudo-documents, {sum(sizes)} en items "
        f"(min {min(sizes)}, max {max(sizes)}); "
        "gold beads over 15 pairs: " + ", ".join(f"{k}: {v}" for k, v in common)
    )


def table(title: str, docs: Sequence[Document], systems: Mapping[str, Sequence[Run]]) -> None:
    """Strict and lax scores per pair and overall of every system on ``docs``."""
    counts = {name: evaluate(docs, [r[0] for r in runs]) for name, runs in systems.items()}
    print()
    print(title)
    header = (
        f"{'pair':8} {'system':7} {'P strict':>8} {'R strict':>8} {'F1 strict':>9} "
        f"{'P lax':>7} {'R lax':>7} {'F1 lax':>7}"
    )
    print(header)
    print("-" * len(header))

    def row(name: str, system: str, c: Counts) -> None:
        s = scores(c)
        print(
            f"{name:8} {system:7} {s.precision_strict:8.4f} {s.recall_strict:8.4f} "
            f"{s.f1_strict:9.4f} {s.precision_lax:7.4f} {s.recall_lax:7.4f} {s.f1_lax:7.4f}"
        )

    for x, y in PAIRS:
        for system, per_pair in counts.items():
            row(f"{x}-{y}", system, per_pair[f"{x}-{y}"])
    for system, per_pair in counts.items():
        row("overall", system, sum(per_pair.values(), Counts()))
    for system, per_pair in counts.items():
        worst = min(per_pair, key=lambda p: scores(per_pair[p]).f1_strict)
        print(f"worst pair ({system}): {worst} strict F1 {scores(per_pair[worst]).f1_strict:.4f}")
    if "stock" in counts:
        for system in (s for s in counts if s != "stock"):
            behind = [
                p
                for p in counts[system]
                if scores(counts[system][p]).f1_strict <= scores(counts["stock"][p]).f1_strict
            ]
            print(f"pairs where {system} is not ahead of stock: {', '.join(behind) or 'none'}")
    for system, runs in systems.items():
        print(
            f"{system}: {sum(r[1] for r in runs)} strings embedded, "
            f"{sum(r[2] for r in runs):.1f}s (15 pairs, embedding included)"
        )
    if "stock" in systems:
        stock_time = sum(r[2] for r in systems["stock"])
        for system in (s for s in systems if s != "stock"):
            ratio = sum(r[2] for r in systems[system]) / stock_time
            print(f"time ratio {system} / stock: {ratio:.4f}")


def compare(args: argparse.Namespace) -> None:
    docs = build_documents(args.data, args.size, args.docs)[args.skip :]
    print(CITATION)
    print(f"documents {args.skip}..{args.skip + len(docs) - 1}: " + describe(docs))
    encoder = load_encoder()
    encoder.encode(["warm-up"])  # load the weights outside the timed part
    systems: dict[str, list[Run]] = {}
    for name, anchors in (("plain", False), ("anchors", True)):
        systems[name] = run_ours(encoder, docs, anchors=anchors, store=args.store)
        print(f"{name} done in {sum(r[2] for r in systems[name]):.1f}s", flush=True)
    stock: dict[int, Run] = {}
    if args.stock != "none":
        stock = stock_runs(encoder, docs, StockCache(args.stock_cache, encoder), args.stock)
    table(f"all {len(docs)} documents", docs, systems)
    if stock:
        have = sorted(stock)
        names = ", ".join(str(args.skip + n) for n in have)
        sub = {name: [runs[n] for n in have] for name, runs in systems.items()}
        sub["stock"] = [stock[n] for n in have]
        table(f"documents with a stock Bertalign result ({names})", [docs[n] for n in have], sub)
    print(CITATION)


# --- scaling ------------------------------------------------------------------------------


def scale_one(args: argparse.Namespace) -> None:
    lines, ids = read_devset(args.data)
    numbers = [n for doc in pseudo_documents(ids, 10**9) for n in doc][: args.scale_one]
    originals = {lang: [lines[lang][i] for i in numbers] for lang in LANGS}
    doc = Document(originals, f"{SEED}:scaling:{args.scale_one}")
    encoder = load_encoder()
    encoder.encode(["warm-up"])
    beads, embedded, seconds = run_ours(encoder, [doc])[0]
    f1 = scores(sum(evaluate([doc], [beads]).values(), Counts())).f1_strict
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "n": args.scale_one,
                "seconds": seconds,
                "embedded": embedded,
                "peak_mib": peak_kib / 1024,
                "f1_strict": f1,
            }
        )
    )


def scaling(args: argparse.Namespace) -> None:
    print(CITATION)
    print(
        f"{'sentences/lang':>14} {'time s':>8} {'embedded':>9} {'peak RSS MiB':>13} "
        f"{'F1 strict':>9}"
    )
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--data", str(args.data), "--scale-one", str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['n']:>14} {r['seconds']:8.1f} {r['embedded']:>9} {r['peak_mib']:13.0f} "
            f"{r['f1_strict']:9.4f}",
            flush=True,
        )
    print("peak RSS is the whole process: Python, numba and the encoder's weights included")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/eval/unpc-devset")
    parser.add_argument("--size", type=int, default=200, help="sentences per pseudo-document")
    parser.add_argument("--docs", type=int, default=None, help="only the first N pseudo-documents")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first K documents")
    parser.add_argument(
        "--stock",
        choices=("run", "cached", "none"),
        default="run",
        help="stock Bertalign: run it where no cached result exists, use cached results only, "
        "or leave it out",
    )
    parser.add_argument(
        "--stock-cache",
        type=Path,
        default=ROOT / "data/cache/unpc_stock.json",
        help="where stock Bertalign's results are kept per document",
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        help="embedding store for our aligner (then re-runs embed nothing and time less)",
    )
    parser.add_argument("--scaling", action="store_true", help="time and memory at several sizes")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--scale-one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_one:
        scale_one(args)
    elif args.scaling:
        scaling(args)
    else:
        compare(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
