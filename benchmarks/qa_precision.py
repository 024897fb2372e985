"""Precision of the QA on real text: every finding checked against a hand-made label.

Usage: ``.venv/bin/python benchmarks/qa_precision.py [--keep DIR] [--reuse] [--no-recall]``

1. Builds two warehouses with the plain pipeline (``flows.pipeline.build``): the bundled
   snapshot (the UDHR and Resolution 130) and ITU-T E.119 in five languages, read from
   ``../shared/corpus/itu-t-e119`` where it lies (never copied; skipped with a message
   when that folder is absent).
2. Runs every registered check and identifies each finding stably: check, rule,
   document, level, key, language, the values compared and a fingerprint (a hash, so no
   ITU text is kept here) of the text of its group in its language.
3. Looks every finding up in ``benchmarks/qa_labels.toml``, where each was labelled
   once, true or false, by reading it, with the reason; prints precision per check and
   severity (per document and over all) and lists any finding that has no label yet.
4. Runs ``benchmarks/qa_defects.py`` for the recall of injected defects (UDHR, E.119).

Exit status 0 when every finding is labelled, E.119 has at most 8 errors and all are
true, and the error precision over the three documents is at least 0.9.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import tempfile
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from e119_defects import E119_FOLDER

from flows.config import RunConfig
from flows.pipeline import build as build_corpus
from warehouse.qa.model import SEVERITIES, Finding, QAGroup
from warehouse.qa.registry import CHECKS
from warehouse.qa.run import read_groups, run_checks

LABELS = Path(__file__).resolve().parent / "qa_labels.toml"
MAX_E119_ERRORS = 8
MIN_ERROR_PRECISION = 0.9


@dataclass(frozen=True)
class FindingId:
    """What identifies a finding from one run to the next."""

    check: str
    rule: str
    severity: str
    doc: str
    level: str
    key: str
    lang: str
    found: str
    expected: str
    text: str

    def toml(self) -> str:
        fields = ", ".join(f"{k} = {_quote(getattr(self, k))}" for k in self.__dataclass_fields__)
        return "{ " + fields + ", ok = ?, why = '' }"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


def fingerprint(text: str) -> str:
    """A short hash of a text with its spacing normalised: stable, and quotes nothing."""
    return hashlib.sha1(re.sub(r"\s+", " ", text).strip().encode("utf-8")).hexdigest()[:10]


def identify(finding: Finding, group: QAGroup) -> FindingId:
    # The finding's own text, or the group's first text when its language has none.
    own = finding.lang if finding.lang and group.texts.get(finding.lang) else None
    lang = own or (group.langs[0] if group.langs else None)
    return FindingId(
        finding.check,
        finding.rule,
        finding.severity,
        group.resolution,
        group.level,
        group.key,
        finding.lang or "",
        finding.found,
        finding.expected,
        fingerprint(group.texts.get(lang, "") if lang else ""),
    )


@dataclass(frozen=True)
class Label:
    ok: bool
    why: str


def read_labels(path: Path = LABELS) -> dict[FindingId, Label]:
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    out: dict[FindingId, Label] = {}
    for n, item in enumerate(data.get("labels", []), start=1):
        ok, why = item.pop("ok"), item.pop("why")
        if not isinstance(ok, bool) or not why:
            raise SystemExit(f"{path}: label {n} needs ok = true/false and a reason")
        out[FindingId(**item)] = Label(ok, why)
    return out


def build(db: Path, source: str = "snapshot") -> None:
    """Build ``db`` from ``source`` with the plain pipeline."""
    build_corpus(RunConfig(db=db, source=source))


def findings_of(db: Path) -> list[tuple[Finding, FindingId]]:
    groups = read_groups(db)
    by_id = {g.group_id: g for g in groups}
    return [(f, identify(f, by_id[f.group_id])) for f in run_checks(groups)]


def precision(pairs: Sequence[tuple[FindingId, Label]]) -> str:
    if not pairs:
        return "-"
    true = sum(label.ok for _, label in pairs)
    return f"{true / len(pairs):.2f} ({true}/{len(pairs)})"


def report(
    found: list[tuple[Finding, FindingId]], labels: dict[FindingId, Label], e119_docs: set[str]
) -> bool:
    labelled = [(fid, labels[fid]) for _, fid in found if fid in labels]
    missing = [(f, fid) for f, fid in found if fid not in labels]
    docs = sorted({fid.doc for _, fid in found})
    w = max([14, *(len(d) + 1 for d in docs)])
    print(
        f"{'check':<12} {'severity':<8} " + " ".join(f"{d:>{w}}" for d in docs) + f" {'all':>{w}}"
    )
    for check in CHECKS:
        for severity in SEVERITIES:
            cell = [
                (fid, lab)
                for fid, lab in labelled
                if (fid.check, fid.severity) == (check, severity)
            ]
            if not cell:
                continue
            per_doc = [precision([p for p in cell if p[0].doc == d]) for d in docs]
            print(
                f"{check:<12} {severity:<8} "
                + " ".join(f"{c:>{w}}" for c in per_doc)
                + f" {precision(cell):>{w}}"
            )
    print("by severity, all checks:")
    for severity in SEVERITIES:
        cell = [p for p in labelled if p[0].severity == severity]
        per_doc = [precision([p for p in cell if p[0].doc == d]) for d in docs]
        print(
            f"{'':<12} {severity:<8} "
            + " ".join(f"{c:>{w}}" for c in per_doc)
            + f" {precision(cell):>{w}}"
        )
    errors = [p for p in labelled if p[0].severity == "error"]
    e119 = [fid for _, fid in found if fid.doc in e119_docs and fid.severity == "error"]
    false_e119 = [fid for fid in e119 if fid in labels and not labels[fid].ok]
    error_precision = sum(lab.ok for _, lab in errors) / len(errors) if errors else 1.0
    print(
        f"E.119 errors: {len(e119)} (at most {MAX_E119_ERRORS}), false: {len(false_e119)}; "
        f"error precision over all documents: {error_precision:.2f} "
        f"(at least {MIN_ERROR_PRECISION})"
    )
    stale = set(labels) - {fid for _, fid in found}
    if stale:
        print(f"{len(stale)} label(s) match no finding any more (the check or the text changed)")
    for f, fid in missing:
        print(f"UNLABELLED {fid.toml()}\n    # {f.evidence[:160]}")
    for fid, lab in labelled:
        if not lab.ok and fid.severity == "error":
            print(
                f"  false error: {fid.doc} {fid.check} {fid.rule} {fid.lang} {fid.key}: {lab.why}"
            )
    return (
        not missing
        and len(e119) <= MAX_E119_ERRORS
        and not false_e119
        and error_precision >= MIN_ERROR_PRECISION
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the databases here")
    parser.add_argument("--reuse", action="store_true", help="reuse the databases in --keep")
    parser.add_argument("--no-recall", action="store_true", help="skip qa_defects.py")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="qa-precision-"))
    work.mkdir(parents=True, exist_ok=True)
    bundled, e119 = work / "bundled.duckdb", work / "e119.duckdb"
    if not (args.reuse and bundled.exists()):
        build(bundled)
    found = findings_of(bundled)
    e119_docs: set[str] = set()
    if E119_FOLDER.is_dir():
        if not (args.reuse and e119.exists()):
            build(e119, str(E119_FOLDER))
        e119_found = findings_of(e119)
        e119_docs = {fid.doc for _, fid in e119_found}
        found += e119_found
    else:
        print(f"E.119 skipped: {E119_FOLDER} not found")
    counts: Counter[tuple[str, str]] = Counter((fid.doc, fid.severity) for _, fid in found)
    by_doc: dict[str, list[str]] = defaultdict(list)
    for (doc, severity), n in sorted(counts.items()):
        by_doc[doc].append(f"{n} {severity}")
    print(f"QA precision benchmark; work folder {work}")
    for doc, parts in by_doc.items():
        print(f"  {doc}: {', '.join(parts)}")
    ok = report(found, read_labels(), e119_docs)
    if not args.no_recall:
        from qa_defects import main as defects

        ok &= defects(["--keep", str(work / "defects")] + (["--reuse"] if args.reuse else [])) == 0
    print("precision targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
