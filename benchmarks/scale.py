"""Corpus scale: what a whole ``itu-corpus run`` costs as the corpus grows, and what changes cost.

Synthetic documents are made from the UN Parallel Corpus dev set (Ziemski, Junczys-Dowmunt
and Pouliquen, 2016, "The United Nations Parallel Corpus v1.0", LREC 2016; texts of the
United Nations, see its DISCLAIMER), read from ``../shared/eval/unpc-devset``: document
``k`` is six Word files (ar, en, es, fr, ru, zh), 150 consecutive dev-set lines each, one
sentence per paragraph, written by the minimal .docx writer below. The dev set has 4,000
lines, so documents 0-25 are disjoint; later ones reuse lines in another order (their
time is not part of the marginal cost, which is measured from 1 to 20 documents).

Every run is a separate ``itu-corpus run`` process (Prefect, encoder load and all), timed
with its peak RSS (``wait4``) plus the peak of its encoder process (see
``alignment.encoder_process``). In one invocation the benchmark, after one discarded
one-document run (a checkout's first run compiles what later runs find compiled):

1. builds N = 1, 5, 10, 20, 40 documents from scratch (empty database, empty embedding
   store for each N);
2. on the largest from-scratch database of at most 20 documents: adds one document, changes
   one sentence of one language, then re-runs unchanged three times (database growth);
3. measures the encoder floor: the time to embed one document's 900 sentences once, in
   this process, with the encoder loaded and warm.

It prints one Markdown table (the README's) and a few ratios against the acceptance figures.

    .venv/bin/python benchmarks/scale.py [--sizes 1,5,10,20,40] [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

LANGS = ("ar", "en", "es", "fr", "ru", "zh")
SENTENCES = 150
ROOT = Path(__file__).resolve().parent.parent


def find_devset() -> Path:
    """``shared/eval/unpc-devset`` in the first parent folder of the repository that has it."""
    for parent in ROOT.parents:
        folder = parent / "shared" / "eval" / "unpc-devset"
        if folder.is_dir():
            return folder
    return ROOT.parent / "shared" / "eval" / "unpc-devset"


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
PROVENANCE = (
    "United Nations Parallel Corpus v1.0 dev set (Ziemski, Junczys-Dowmunt and Pouliquen, "
    "LREC 2016), texts of the United Nations; written as .docx by benchmarks/scale.py"
)


def docx(paragraphs: list[str]) -> bytes:
    """A minimal Word file: one paragraph per item, nothing else."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for text in paragraphs
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def read_devset(folder: Path) -> dict[str, list[str]]:
    """The dev set's lines per language (parallel: line i says the same in all six)."""
    if not (folder / "UNv1.0.devset.en").is_file():
        sys.exit(f"error: the UNPC dev set is not at {folder}")
    return {
        lang: (folder / f"UNv1.0.devset.{lang}").read_text(encoding="utf-8").splitlines()
        for lang in LANGS
    }


def sentences(devset: dict[str, list[str]], k: int, lang: str, size: int = SENTENCES) -> list[str]:
    """Document ``k``'s sentences in ``lang``: a block of the dev set, disjoint while it lasts."""
    lines = devset[lang]
    blocks = len(lines) // size
    start = (k % blocks) * size
    chosen = lines[start : start + size]
    return chosen if k < blocks else chosen[::-1]  # later documents: the block reversed


def resolution(k: int) -> str:
    return f"un-{k:02d}"


@dataclass
class Mirror:
    """A folder of generated Word files and manifests listing some of them."""

    root: Path
    devset: dict[str, list[str]]
    #: Sentences per document and language.
    size: int = SENTENCES

    def file(self, k: int, lang: str, *, changed: bool = False) -> tuple[str, str]:
        """Write document ``k`` in ``lang`` (once); return its path and sha256."""
        name = f"{resolution(k)}/{lang}{'.changed' if changed else ''}.docx"
        texts = sentences(self.devset, k, lang, self.size)
        if changed:  # one sentence revised: a word added at its end
            texts = [*texts[:7], texts[7].rstrip(".。") + " (revised).", *texts[8:]]
        path = self.root / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(docx(texts))
        return name, hashlib.sha256(path.read_bytes()).hexdigest()

    def manifest(self, label: str, docs: int, *, change: tuple[int, str] | None = None) -> Path:
        """A manifest of documents 0..docs-1, optionally with one language's changed file."""
        lines: list[str] = []
        for k in range(docs):
            for lang in LANGS:
                name, sha = self.file(k, lang, changed=change == (k, lang))
                lines += [
                    "[[file]]",
                    f'resolution = "{resolution(k)}"',
                    f'lang = "{lang}"',
                    'format = "docx"',
                    f'path = "{name}"',
                    f'sha256 = "{sha}"',
                    'version = "UNPC v1.0 dev set"',
                    f'provenance = "{PROVENANCE}"',
                    'licence = "United Nations Parallel Corpus terms of use (DISCLAIMER)"',
                    "",
                ]
        path = self.root / f"manifest-{label}.toml"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path


@dataclass(frozen=True)
class Measure:
    """One ``itu-corpus run``: wall time, peak RSS, database size after it."""

    label: str
    docs: int
    seconds: float
    rss_mb: float
    db_mb: float


def run(label: str, docs: int, manifest: Path, db: Path, cache: Path) -> Measure:
    """Run ``itu-corpus run`` in a child process; time it and read its peak RSS."""
    argv = [
        sys.executable,
        "-c",
        "import sys; from flows.cli import main; sys.exit(main())",
        "run",
        "--db",
        str(db),
        "--source",
        str(manifest),
        "--embedding-cache",
        str(cache),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    encoder = EncoderPeak(child.pid)
    encoder.start()
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    encoder.stop()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"error: run {label} failed:\n{output.decode(errors='replace')}")
    # The run's own peak (exact, from wait4: the encoder process it reaps is smaller) plus
    # the encoder process's peak: at least the peak of the two together.
    rss_mb = usage.ru_maxrss / 1024 + encoder.peak_kb / 1024
    measure = Measure(label, docs, seconds, rss_mb, db_size(db) / 2**20)
    print(
        f"  {label}: {seconds:.1f} s, {measure.rss_mb:.0f} MB RSS, {measure.db_mb:.1f} MB",
        file=sys.stderr,
        flush=True,
    )
    return measure


class EncoderPeak(threading.Thread):
    """The peak memory of a run's encoder process (``alignment.encoder_process``), polled.

    The kernel keeps each process's peak (``VmHWM``); polling it every 50 ms until the run
    ends finds the encoder's, reached while it embeds, long before it exits.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self._done = threading.Event()

    @property
    def peak_kb(self) -> int:
        return sum(self.peaks.values())

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(0.05):
            for pid in _children(self.pid):
                if "alignment.encoder_process" not in _read(f"/proc/{pid}/cmdline"):
                    continue
                status = _read(f"/proc/{pid}/status").splitlines()
                hwm = next((ln.split()[1] for ln in status if ln.startswith("VmHWM:")), "0")
                self.peaks[pid] = max(self.peaks.get(pid, 0), int(hwm))


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from every thread's ``children`` list)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        out += [int(p) for p in _read(str(task / "children")).split()]
    return out


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def db_size(db: Path) -> int:
    """Bytes of the database file and its log, if any."""
    wal = db.with_name(db.name + ".wal")
    return db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def encoder_floor(devset: dict[str, list[str]], threads: int = 1) -> float:
    """Seconds to embed one document's sentences once, the encoder loaded and warm.

    ``threads`` BLAS threads: the product's encoder uses one per call (and runs calls
    side by side); two is the fastest one call can be on an idle 2-core machine.
    """
    from alignment.encoders import UseEncoder

    encoder = UseEncoder(threads=threads)
    encoder.encode(sentences(devset, 39, "en")[:20])  # load the weights, warm up
    texts = [s for lang in LANGS for s in sentences(devset, 0, lang)]
    started = time.perf_counter()
    encoder.encode(texts)
    return time.perf_counter() - started


def table(scratch: list[Measure], changes: list[Measure], floor: float) -> str:
    """The Markdown table of the README."""
    one = scratch[0]
    out = [
        "| run | documents | wall time | marginal per document | peak RSS | database |",
        "|---|---|---|---|---|---|",
    ]
    previous: Measure | None = None
    for m in scratch:
        marginal = ""
        if previous is not None:
            per = (m.seconds - previous.seconds) / (m.docs - previous.docs)
            marginal = f"{per:.1f} s ({per / one.seconds:.2f}x)"
        out.append(
            f"| from scratch | {m.docs} | {m.seconds:.1f} s ({m.seconds / one.seconds:.2f}x) "
            f"| {marginal} | {m.rss_mb:.0f} MB ({m.rss_mb / one.rss_mb:.2f}x) | {m.db_mb:.1f} MB |"
        )
        previous = m
    for m in changes:
        out.append(
            f"| {m.label} | {m.docs} | {m.seconds:.1f} s ({m.seconds / one.seconds:.2f}x) | "
            f"| {m.rss_mb:.0f} MB ({m.rss_mb / one.rss_mb:.2f}x) | {m.db_mb:.1f} MB |"
        )
    out.append(f"\nEncoder floor: {floor:.2f} s to embed one document's {SENTENCES * 6} sentences.")
    return "\n".join(out)


def verdicts(scratch: list[Measure], changes: list[Measure], floor: float) -> list[str]:
    """The acceptance figures, each with its measured value."""
    one = scratch[0]
    out: list[str] = []
    upto20 = [m for m in scratch if m.docs <= 20]
    if len(upto20) > 1:
        last = upto20[-1]
        per = (last.seconds - one.seconds) / (last.docs - one.docs)
        out.append(
            f"marginal cost 1->{last.docs}: {per:.2f} s = {per / one.seconds:.3f}x one-document "
            f"run (<= 0.15x), {per / floor:.2f}x encoder floor (<= 2x)"
        )
    by = {m.label: m for m in changes}
    for label, limit in (("add one document", 1.5), ("change one sentence", 1.5)):
        if label in by:
            out.append(
                f"{label}: {by[label].seconds / one.seconds:.2f}x one document (<= {limit}x)"
            )
    unchanged = [m for m in changes if m.label.startswith("unchanged")]
    if unchanged:
        worst = max(m.seconds for m in unchanged)
        out.append(f"unchanged re-run: {worst / one.seconds:.2f}x one document (<= 0.3x)")
        before = by["change one sentence"].db_mb
        growth = unchanged[-1].db_mb / before - 1
        out.append(f"{len(unchanged)} unchanged re-runs grow the database {growth:+.1%} (<= 5%)")
    biggest = scratch[-1]
    out.append(
        f"peak RSS at {biggest.docs} documents: {biggest.rss_mb / one.rss_mb:.2f}x one document "
        "(<= 1.10x)"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,5,10,20,40", help="documents of each build")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    parser.add_argument("--devset", type=Path, default=None, help="the UNPC dev set folder")
    args = parser.parse_args(argv)
    sizes = sorted({int(n) for n in args.sizes.split(",")})
    if sizes[0] != 1:
        sizes.insert(0, 1)  # every ratio is to the one-document build
    work = args.work or Path(tempfile.mkdtemp(prefix="itu-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    devset = read_devset(args.devset or find_devset())
    mirror = Mirror(work / "mirror", devset)
    mirror.root.mkdir(exist_ok=True)
    base = max(n for n in sizes if n <= 20)
    scratch: list[Measure] = []
    changes: list[Measure] = []
    try:
        # Not counted: the first run of a checkout byte-compiles its modules and fills
        # numba's cache (seconds), which every later run, a weekly one included, finds.
        warm = run(
            "warm-up, not counted",
            1,
            mirror.manifest("1", 1),
            work / "warm.duckdb",
            work / "cache-warm",
        )
        for n in sizes:
            db, cache = work / f"scratch-{n}.duckdb", work / f"cache-{n}"
            manifest = mirror.manifest(str(n), n)
            scratch.append(run(f"from scratch {n}", n, manifest, db, cache))
            if n != base:
                db.unlink()
                shutil.rmtree(cache, ignore_errors=True)
                continue
            grown = mirror.manifest(f"{n}+1", n + 1)
            changes.append(run("add one document", n + 1, grown, db, cache))
            revised = mirror.manifest(f"{n}+1-changed", n + 1, change=(0, "fr"))
            changes.append(run("change one sentence", n + 1, revised, db, cache))
            for i in range(1, 4):
                changes.append(run(f"unchanged {i}", n + 1, revised, db, cache))
        floor = encoder_floor(devset)
        floor2 = encoder_floor(devset, threads=2)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(scratch, changes, floor))
    print(f"(A warm-up run of one document, not counted, took {warm.seconds:.1f} s.)")
    print(f"(With two BLAS threads, one call alone: {floor2:.2f} s.)")
    print()
    for line in verdicts(scratch, changes, floor):
        print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
