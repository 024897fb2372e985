"""Inject known defects into copies of the UDHR and of ITU-T E.119; measure what the QA finds.

Usage: ``.venv/bin/python benchmarks/qa_defects.py [--keep DIR] [--reuse]``

1. Copies the six UDHR files (and Resolution 130, for the clean run) into a temporary
   folder with a manifest of their own.
2. Builds two databases with the plain pipeline (``flows.pipeline.build``): the clean copy (UDHR and
   Resolution 130) and the UDHR with defects injected: changed numbers, dropped
   paragraphs, avoided or swapped terms, inconsistent repeats, text left in another
   language, truncations, glued revision residue and typography slips, several of each,
   in different languages; which articles get which defect is drawn with a fixed seed.
3. Runs every registered check and prints, per check, the defects found / injected and
   the findings on the clean UDHR by severity; then what a reviser expects on
   Resolution 130 (fr beside en): the residue, the clauses new in 2022, and the number
   findings, none of which may come from digit or number formatting.

4. Copies the five Word files of ITU-T E.119 from ``../shared/corpus/itu-t-e119`` into
   the temporary folder (never into the repository), injects a changed number and a
   changed date, a dropped clause, an avoided term, an untranslated paragraph and a
   glued revision number, each in another language, builds them with the plain pipeline
   and prints what was found (skipped when the shared folder is absent).

Exit status 0 when every injected defect is found and the clean UDHR has no error.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import tempfile
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from e119_defects import E119_FOLDER, write_injected

from corpus.manifest import BUNDLED_SOURCES
from flows.config import RunConfig
from flows.pipeline import build as build_corpus
from warehouse.qa.model import Finding, QAGroup
from warehouse.qa.registry import CHECKS
from warehouse.qa.run import mine_terms, read_groups, run_checks

SEED = 20221014  # opening day of PP-22, Bucharest
FILES = {
    "ar": "arb.html",
    "en": "eng.html",
    "es": "spa.html",
    "fr": "fra.html",
    "ru": "rus.html",
    "zh": "cmn_hans.html",
}
Edit = Callable[[str], str]


@dataclass(frozen=True)
class Defect:
    check: str
    lang: str
    key: str
    what: str


# --- editing the HTML of one article --------------------------------------------------


def _article(html: str, number: int) -> tuple[int, int]:
    start = html.index(f'<article data-number="{number}">')
    return start, html.index("</article>", start)


def _paragraphs(html: str, number: int) -> list[tuple[int, int]]:
    """Spans of the inner text of the <p> elements of an article (0 = the preamble)."""
    if number == 0:
        start, end = html.index("<header>"), html.index("</header>")
    else:
        start, end = _article(html, number)
    return [
        (m.start(1), m.end(1)) for m in re.finditer(r"<p>(.*?)</p>", html[start:end], re.S)
    ] and [
        (start + m.start(1), start + m.end(1))
        for m in re.finditer(r"<p>(.*?)</p>", html[start:end], re.S)
    ]


def edit_paragraph(html: str, number: int, index: int, change: Callable[[str], str]) -> str:
    start, end = _paragraphs(html, number)[index]
    new = change(html[start:end])
    if new == html[start:end]:
        raise ValueError(f"article {number} paragraph {index}: the edit changed nothing")
    return html[:start] + new + html[end:]


def paragraph_text(html: str, number: int, index: int) -> str:
    start, end = _paragraphs(html, number)[index]
    return html[start:end]


def drop_paragraph(html: str, number: int, index: int) -> str:
    start, end = _paragraphs(html, number)[index]
    open_at = html.rindex("<li>", 0, start) if "<li>" in html[start - 30 : start] else start - 3
    close_at = html.index("</li>", end) + 5 if "</li>" in html[end : end + 30] else end + 4
    return html[:open_at] + html[close_at:]


def add_paragraph(html: str, number: int, text: str) -> str:
    _, end = _paragraphs(html, number)[-1]
    close = html.index("</p>", end) + 4
    if "</li>" in html[close : close + 30]:
        close = html.index("</ol>", close) + 5
    return html[:close] + f"\n      <p>{text}</p>" + html[close:]


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        if old not in text:
            raise ValueError(f"{old!r} not in {text[:60]!r}")
        return text.replace(old, new, 1)

    return change


def append(extra: str, before_stop: bool = False) -> Callable[[str], str]:
    def change(text: str) -> str:
        return text.rstrip(".") + extra + "." if before_stop else text.rstrip() + extra

    return change


def replace_all(other: str) -> Callable[[str], str]:
    return lambda _text: other


def truncate(share: float) -> Callable[[str], str]:
    def change(text: str) -> str:
        cut = int(len(text) * share)
        space = text.rfind(" ", 0, cut)
        return text[: space if space > 0 else cut] + "."

    return change


# --- the defects ------------------------------------------------------------------------

# A reference with numbers added to one article in every language, each with its own
# digits and number format: the clean control, which must give no number finding.
REFERENCE = {
    "en": " (see article 12 and the 1,000 copies of 1948)",
    "fr": " (voir l’article 12 et les 1\u00a0000 exemplaires de 1948)",
    "es": " (véase el artículo 12 y los 1.000 ejemplares de 1948)",
    "ru": " (см. статью 12 и 1\u00a0000 экземпляров 1948 года)",
    "ar": " (انظر المادة ١٢ والنسخ الـ١٬٠٠٠ لعام ١٩٤٨)",
    "zh": "（见第12条和1948年的1,000份副本）",
}


def inject(texts: dict[str, str], rng: random.Random) -> list[Defect]:
    """Edit the six HTML texts in place; return the defects put in."""
    defects: list[Defect] = []
    # Articles with a single paragraph, shuffled, handed out to defects one by one.
    single = [n for n in range(1, 31) if len(_paragraphs(texts["en"], n)) == 1]
    multi = [n for n in range(1, 31) if len(_paragraphs(texts["en"], n)) > 1 and n != 26]
    rng.shuffle(single)
    rng.shuffle(multi)
    for n in single[:5]:  # the formatted reference, correct everywhere ...
        for lang, extra in REFERENCE.items():
            texts[lang] = edit_paragraph(texts[lang], n, 0, append(extra))
    changes = [  # ... then changed in one language of four of them
        ("fr", "l’article 12", "l’article 21"),
        ("ru", "статью 12", "статью 13"),
        ("ar", "المادة ١٢", "المادة ٢١"),
        ("zh", "1,000份", "10,000份"),
    ]
    for n, (lang, old, new) in zip(single[:4], changes, strict=True):
        texts[lang] = edit_paragraph(texts[lang], n, 0, replace_once(old, new))
        defects.append(Defect("numbers", lang, f"article.{n}", f"{old} -> {new}"))
    single = single[5:]

    for n, lang in zip(multi[:3], ("es", "zh", "ru"), strict=True):
        texts[lang] = drop_paragraph(texts[lang], n, 1)
        defects.append(Defect("structure", lang, f"article.{n}", "second paragraph dropped"))
    single += multi[3:]  # first paragraphs of the other articles serve as well

    terms = [
        ("fr", 26, 1, "droits de l’homme", "droits humains"),
        ("es", 26, 1, "derechos humanos", "derechos del hombre"),
        ("en", 0, 5, "Member States", "member countries"),
        ("ru", 0, 5, "основных свобод", "базовых свобод"),
    ]
    for lang, n, index, old, new in terms:
        texts[lang] = edit_paragraph(texts[lang], n, index, replace_once(old, new))
        key = f"article.{n}" if n else "preamble"
        defects.append(Defect("terminology", lang, key, f"{old} -> {new}"))

    # The same English sentence twice, translated differently the second time.
    for lang, was, now in (
        ("fr", "Tout individu", "Chaque individu"),
        ("ru", "Каждый человек", "Всякий человек"),
    ):
        origin = next(n for n in single if was in paragraph_text(texts[lang], n, 0))
        single.remove(origin)
        target = single.pop(0)
        for each in FILES:
            copy = paragraph_text(texts[each], origin, 0)
            if each == lang:
                copy = copy.replace(was, now, 1)
            texts[each] = add_paragraph(texts[each], target, copy)
        defects.append(
            Defect(
                "consistency",
                lang,
                f"article.{target}",
                f"article {origin} repeated, {was} -> {now}",
            )
        )

    for n, (lang, source) in zip(
        single[:4], (("fr", "en"), ("ru", "en"), ("zh", "en"), ("es", "fr")), strict=True
    ):
        other = paragraph_text(texts[source], n, 0)
        texts[lang] = edit_paragraph(texts[lang], n, 0, replace_all(other))
        defects.append(Defect("language", lang, f"article.{n}", f"{source} text left in {lang}"))
    single = single[4:]

    for n, lang in zip(single[:2], ("ar", "fr"), strict=True):
        texts[lang] = edit_paragraph(texts[lang], n, 0, truncate(0.35))
        defects.append(Defect("outliers", lang, f"article.{n}", "cut to a third"))
    single = single[2:]

    residues = [
        ("ru", " (Париж, 1948Нью-Йорк, 1949)"),
        ("en", " (resolution 68/19876/189)"),
        ("es", " de la AsambleaGeneral"),
    ]
    for n, (lang, extra) in zip(single[:3], residues, strict=True):
        texts[lang] = edit_paragraph(texts[lang], n, 0, append(extra, before_stop=True))
        defects.append(Defect("residue", lang, f"article.{n}", f"glued: {extra.strip()}"))
    single = single[3:]

    typos: list[tuple[str, Callable[[str], str], str]] = [
        ("en", lambda t: re.sub(r"\bthe\b", "the the", t, count=1), "repeated word"),
        ("fr", lambda t: re.sub(r"\bde\b", "de de", t, count=1), "repeated word"),
        ("ru", lambda t: t.rstrip(".") + " «без кавычки.", "unbalanced quote"),
        ("es", lambda t: t.replace(" ", " (", 1), "unbalanced bracket"),
        ("ar", lambda t: t.replace(" ", " (", 1), "unbalanced bracket"),
        (
            "fr",
            lambda t: re.sub(r" ([;:])", r"\1", t, count=1),
            "no space before ; : in a spaced document",
        ),
    ]
    fr_spaced = [n for n in single if re.search(r" [;:]", paragraph_text(texts["fr"], n, 0))]
    for lang, change, what in typos:
        pool = fr_spaced if "space before" in what else single
        for n in list(pool):
            try:
                texts[lang] = edit_paragraph(texts[lang], n, 0, change)
            except ValueError:
                continue
            pool.remove(n)
            if n in single:
                single.remove(n)
            defects.append(Defect("typography", lang, f"article.{n}", what))
            break
    return defects


# --- building and scoring ----------------------------------------------------------------


def write_copy(root: Path, texts: dict[str, str], with_130: bool) -> Path:
    manifest = tomllib.loads((BUNDLED_SOURCES / "manifest.toml").read_text(encoding="utf-8"))
    (root / "udhr").mkdir(parents=True)
    entries = []
    for item in manifest["file"]:
        if item["resolution"] == "udhr":
            data = texts[item["lang"]].encode("utf-8")
            (root / item["path"]).write_bytes(data)
            entries.append({**item, "sha256": hashlib.sha256(data).hexdigest()})
        elif with_130:
            (root / item["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(BUNDLED_SOURCES / item["path"], root / item["path"])
            entries.append(item)
    for licence in BUNDLED_SOURCES.glob("LICENSE-*"):
        shutil.copy(licence, root / licence.name)
    lines = []
    for item in entries:
        lines.append("[[file]]")
        lines.extend(f"{k} = {_toml(v)}" for k, v in item.items())
        lines.append("")
    (root / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    return root / "manifest.toml"


def _toml(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(source: Path, db: Path) -> list[QAGroup]:
    """Build ``db`` from a mirror folder or manifest with the plain pipeline; its groups."""
    build_corpus(RunConfig(db=db, source=str(source)))
    return read_groups(db)


def e119_recall(work: Path, reuse: bool) -> bool:
    """Inject the E.119 defects, build, and print what the checks found of them."""
    if not E119_FOLDER.is_dir():
        print(f"E.119 skipped: {E119_FOLDER} not found")
        return True
    folder = work / "e119-defects" / "itu-t-e119"
    defects = write_injected(folder)
    db = work / "e119-defects.duckdb"
    groups = read_groups(db) if reuse and db.exists() else build(folder, db)
    by_id = {g.group_id: g for g in groups}
    findings = run_checks(groups)
    print("E.119 with injected defects:")
    ok = True
    for name in CHECKS:
        injected = [d for d in defects if d.check == name]
        if not injected:
            continue
        found = [d for d in injected if any(d.found_by(f, by_id[f.group_id]) for f in findings)]
        ok &= len(found) == len(injected)
        print(f"  {name:<12} {len(found):>3}/{len(injected)}")
        for d in injected:
            if d not in found:
                print(f"    MISSED {d.check} {d.lang}: {d.what}")
    return ok


def matches(defect: Defect, finding: Finding, group: QAGroup) -> bool:
    return (
        finding.check == defect.check
        and group.key == defect.key
        and group.resolution == "udhr"
        and finding.lang in (defect.lang, None)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the copies and databases here")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the databases already in --keep"
    )
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="qa-defects-"))
    clean_texts = {
        lang: (BUNDLED_SOURCES / "udhr" / name).read_text(encoding="utf-8")
        for lang, name in FILES.items()
    }
    texts = dict(clean_texts)
    defects = inject(texts, random.Random(SEED))
    built = all((work / f"{name}.duckdb").exists() for name in ("clean", "defects"))
    if args.reuse and args.keep and built:
        clean, broken = read_groups(work / "clean.duckdb"), read_groups(work / "defects.duckdb")
    else:
        clean = build(write_copy(work / "clean", clean_texts, True), work / "clean.duckdb")
        broken = build(write_copy(work / "defects", texts, False), work / "defects.duckdb")

    found_by: dict[Defect, list[Finding]] = {}
    broken_groups = {g.group_id: g for g in broken}
    broken_findings = run_checks(broken)
    for defect in defects:
        found_by[defect] = [
            f for f in broken_findings if matches(defect, f, broken_groups[f.group_id])
        ]
    clean_findings = run_checks(clean)
    clean_by_id = {g.group_id: g for g in clean}
    udhr_clean = [f for f in clean_findings if clean_by_id[f.group_id].resolution == "udhr"]

    print(f"QA defect benchmark (seed {SEED}); work folder {work}")
    print(
        f"{'check':<12} {'found/injected':>14}   clean UDHR: "
        f"{'error':>5} {'warning':>7} {'info':>4}"
    )
    ok = True
    for name in CHECKS:
        injected = [d for d in defects if d.check == name]
        found = [d for d in injected if found_by[d]]
        sev = Counter(f.severity for f in udhr_clean if f.check == name)
        ok &= len(found) == len(injected) and sev["error"] == 0
        print(
            f"{name:<12} {len(found):>6}/{len(injected):<7}   {'':11} "
            f"{sev['error']:>5} {sev['warning']:>7} {sev['info']:>4}"
        )
    missed = [d for d in defects if not found_by[d]]
    for d in missed:
        print(f"  MISSED {d.check} {d.lang} {d.key}: {d.what}")
    candidates = mine_terms(broken)
    print(f"term candidates mined from the injected UDHR: {len(candidates)}; en-fr best:")
    for c in [c for c in candidates if (c.src_lang, c.tgt_lang) == ("en", "fr")][:5]:
        print(
            f"  {c.src_term} = {c.tgt_term} (dice {c.dice:.2f}, G2 {c.llr:.1f}, {c.n_both} groups)"
        )

    res130 = [f for f in clean_findings if clean_by_id[f.group_id].resolution == "130"]
    counts = Counter((f.check, f.severity) for f in res130)
    print("Resolution 130 (fr 2022 proposal beside en 2018):")
    for (check, severity), n in sorted(counts.items()):
        print(f"  {check:<12} {severity:<8} {n}")
    new_clauses = sorted(
        {
            clean_by_id[f.group_id].key
            for f in res130
            if f.check == "structure"
            and f.lang == "en"
            and clean_by_id[f.group_id].level == "clause"
        }
    )
    print(
        f"  clauses in fr only (new in 2022 or renumbered): {len(new_clauses)}: "
        f"{', '.join(new_clauses[:12])}, …"
    )
    residue = [f for f in res130 if f.check == "residue"]
    print(f"  residue findings: {len(residue)}, e.g. {residue[0].evidence if residue else '-'}")
    for f in [f for f in res130 if f.check == "numbers"]:
        print(f"  numbers: {clean_by_id[f.group_id].key}: {f.evidence}")
    ok &= e119_recall(work, args.reuse)
    print("all injected defects found, no error on the clean UDHR" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
