"""Running the QA: read groups from the warehouse, run the checks, write findings back.

The only module of the package that touches DuckDB. Reading goes through a read-only
connection (:func:`warehouse.db.query`); :func:`write_findings` creates its own tables
(``schema.sql`` of this package) and replaces the rows of one run in one transaction.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import duckdb

from corpus.errors import DatabaseError
from corpus.model import LANGS, Lang, Level, is_lang
from warehouse.changes import SegmentChange, read_run_changes
from warehouse.db import first_line, migrate, query, transaction
from warehouse.display import clip
from warehouse.publish import staged
from warehouse.qa.model import SEVERITIES, Finding, QAGroup, TermCandidate
from warehouse.qa.registry import ALL, CHECKS
from warehouse.qa.terms import mine_term_candidates

#: Level order of the warehouse, coarse to fine.
LEVELS: Final = tuple(level.value for level in Level)
#: Groups of this level feed term mining: short texts make associations sharper.
TERM_LEVEL: Final = "sentence"

_GROUPS_SQL: Final = f"""
SELECT group_id, resolution, level, key, position, method, confidence,
       {", ".join(LANGS)}
FROM parallel
"""
_MEMBERS_SQL: Final = """
SELECT m.group_id, m.lang, m.ord, s.segment_id, s.text, s.label, s.key, s.meta
FROM alignment_members AS m
JOIN segments AS s ON s.segment_id = m.segment_id
ORDER BY m.group_id, m.lang, m.ord
"""


def read_groups(
    db_path: Path | str, run_changes: Mapping[str, SegmentChange] | None = None
) -> list[QAGroup]:
    """Read every aligned group of the warehouse, with its members' ids, labels and meta.

    Args:
        db_path: The warehouse.
        run_changes: What the checked run added or changed, by segment id (see
            :func:`warehouse.changes.run_changes`); each group gets its members' entries.

    Raises:
        DatabaseError: the database is missing or lacks the warehouse tables.
    """
    _, doc_rows = query(db_path, "SELECT resolution, lang FROM documents")
    doc_langs: dict[str, set[str]] = defaultdict(set)
    for resolution, lang in doc_rows:
        doc_langs[str(resolution)].add(str(lang))
    _, member_rows = query(db_path, _MEMBERS_SQL)
    members: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in member_rows:
        members[str(row[0])].append(row)
    _, group_rows = query(db_path, _GROUPS_SQL)
    changes = run_changes or {}
    groups = [_group(row, members[str(row[0])], doc_langs, changes) for row in group_rows]
    groups.sort(key=lambda g: (g.resolution, LEVELS.index(g.level), g.position, g.group_id))
    return groups


def _group(
    row: tuple[Any, ...],
    members: list[tuple[Any, ...]],
    doc_langs: dict[str, set[str]],
    run_changes: Mapping[str, SegmentChange],
) -> QAGroup:
    group_id, resolution, level, key, position, method, confidence = row[:7]
    texts: dict[Lang, str] = {
        lang: str(text) for lang, text in zip(LANGS, row[7:], strict=True) if text is not None
    }
    ids: dict[Lang, list[str]] = defaultdict(list)
    seg_texts: dict[Lang, list[str]] = defaultdict(list)
    labels: dict[Lang, str] = {}
    keys: dict[Lang, str] = {}
    meta: dict[str, dict[str, str]] = {}
    for _, lang, _, seg_id, text, label, seg_key, seg_meta in members:
        if not is_lang(lang):
            continue
        ids[lang].append(str(seg_id))
        seg_texts[lang].append(str(text))
        if label and lang not in labels:
            labels[lang] = str(label)
        keys.setdefault(lang, str(seg_key))
        parsed = json.loads(seg_meta) if isinstance(seg_meta, str) else (seg_meta or {})
        if parsed:
            # Meta values are lists (a key may repeat); checks read one string per key.
            meta[str(seg_id)] = {
                str(k): "; ".join(map(str, v)) if isinstance(v, list) else str(v)
                for k, v in parsed.items()
            }
    return QAGroup(
        group_id=str(group_id),
        resolution=str(resolution),
        level=str(level),
        key=str(key),
        texts=texts,
        segment_ids={lang: tuple(v) for lang, v in ids.items()},
        segment_texts={lang: tuple(v) for lang, v in seg_texts.items()},
        labels=labels,
        keys=keys,
        segment_meta=meta,
        run_changes={
            seg: run_changes[seg]
            for seg_ids in ids.values()
            for seg in seg_ids
            if seg in run_changes
        },
        confidence=None if confidence is None else float(confidence),
        method=str(method),
        position=int(position),
        doc_langs=tuple(lang for lang in LANGS if lang in doc_langs.get(str(resolution), ())),
    )


def run_checks(groups: Sequence[QAGroup], checks: Iterable[str] = ALL) -> list[Finding]:
    """Run the named checks, each on the groups of its levels; most serious first.

    Raises:
        ValueError: a name is not in the registry.
    """
    names = list(checks)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check {unknown[0]!r}; known checks: {', '.join(CHECKS)}")
    findings: list[Finding] = []
    for name in names:
        check = CHECKS[name]
        findings.extend(check.func([g for g in groups if g.level in check.levels]))
    order = {name: i for i, name in enumerate(CHECKS)}
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), order[f.check]))


def mine_terms(groups: Sequence[QAGroup]) -> list[TermCandidate]:
    """Mine bilingual term candidates from the sentence-level groups."""
    return mine_term_candidates([g for g in groups if g.level == TERM_LEVEL])


def latest_run(db_path: Path | str) -> str:
    """The id of the newest pipeline run in the warehouse.

    Raises:
        DatabaseError: the database has no run.
    """
    _, rows = query(db_path, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")
    if not rows:
        raise DatabaseError("no run here; run `itu-corpus run` first", path=str(db_path))
    return str(rows[0][0])


def write_findings(
    db_path: Path | str,
    run_id: str,
    findings: Sequence[Finding],
    candidates: Sequence[TermCandidate] = (),
) -> None:
    """Store the findings and term candidates of ``run_id``, replacing its earlier ones.

    Goes through the same staged copy and swap as a load, so readers are never blocked
    and a failure leaves the published database as it was.

    Raises:
        DatabaseError: the database cannot be opened for writing or the write fails.
    """
    # In the order of the placeholders of _INSERT_FINDING: the group id comes last.
    finding_rows = [
        [run_id, n, f.check, f.severity, f.lang, f.segment_id, f.evidence, f.suggestion, f.group_id]
        for n, f in enumerate(findings, start=1)
    ]
    term_rows = [
        [
            run_id,
            c.src_lang,
            c.tgt_lang,
            c.src_term,
            c.tgt_term,
            c.n_src,
            c.n_tgt,
            c.n_both,
            c.dice,
            c.llr,
            list(c.examples),
        ]
        for c in candidates
    ]
    try:
        with staged(db_path) as con:
            migrate(con)
            with transaction(con):
                con.execute("DELETE FROM qa_findings WHERE run_id = ?", [run_id])
                con.execute("DELETE FROM term_candidates WHERE run_id = ?", [run_id])
                if finding_rows:  # DuckDB refuses an empty executemany
                    con.executemany(_INSERT_FINDING, finding_rows)
                if term_rows:
                    con.executemany(
                        "INSERT INTO term_candidates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        term_rows,
                    )
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot write QA findings ({first_line(exc)})", path=str(db_path)
        ) from exc


#: A finding with the resolution, level and key of its group copied in at write time.
_INSERT_FINDING: Final = """
INSERT INTO qa_findings
SELECT ?, ?, ?, ?, q.group_id, g.resolution, g.level, g.key, ?, ?, ?, ?
FROM (SELECT ? AS group_id) AS q
LEFT JOIN alignment_groups AS g USING (group_id)
"""


def run_qa(
    db_path: Path | str,
    checks: Iterable[str] = ALL,
    *,
    run_id: str | None = None,
    changes: Mapping[str, SegmentChange] | None = None,
) -> tuple[str, int]:
    """Check a run of the warehouse and store its findings and term candidates.

    Args:
        db_path: The warehouse.
        checks: The names of the checks to run.
        run_id: The run the findings belong to (default: the latest).
        changes: What that run added or changed, by segment id (the pipeline passes what
            its load reported); ``None`` reads it from the warehouse's history.

    Returns the run id and the number of findings.
    """
    run_id = run_id or latest_run(db_path)
    if changes is None:
        changes = read_run_changes(db_path, run_id)
    groups = read_groups(db_path, changes)
    findings = run_checks(groups, checks)
    write_findings(db_path, run_id, findings, mine_terms(groups))
    return run_id, len(findings)


def qa_report(db_path: Path | str, top: int = 20, run_id: str | None = None) -> str:
    """The QA summary of a run (the newest by default) and its ``top`` first findings.

    Raises:
        DatabaseError: the database has no QA findings.
    """
    _, tables = query(
        db_path,
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'qa_findings'",
    )
    if not tables[0][0]:
        raise DatabaseError("no QA findings here; run `itu-corpus qa` first", path=str(db_path))
    if run_id is None:
        _, rows = query(db_path, "SELECT max(run_id) FROM qa_findings")
        run_id = str(rows[0][0]) if rows and rows[0][0] else ""
    _, summary = query(
        db_path,
        "SELECT check_name, severity, findings FROM qa_summary WHERE run_id = ?",
        [run_id],
    )
    _, n_terms = query(db_path, "SELECT count(*) FROM term_candidates WHERE run_id = ?", [run_id])
    _, top_rows = query(
        db_path,
        "SELECT severity, check_name, resolution, level, key, lang, evidence FROM qa_findings "
        "WHERE run_id = ? ORDER BY finding_no LIMIT ?",
        [run_id, top],
    )
    by_check: dict[str, Counter[str]] = defaultdict(Counter)
    for check, severity, n in summary:
        by_check[str(check)][str(severity)] += int(n)
    totals: Counter[str] = Counter()
    for counts in by_check.values():
        totals.update(counts)
    lines = [
        f"QA of run {run_id}: {sum(totals.values())} findings ("
        + ", ".join(f"{totals[s]} {s}" for s in SEVERITIES)
        + f"), {n_terms[0][0]} term candidates",
        f"{'check':<12} {'error':>6} {'warning':>8} {'info':>6}",
    ]
    for name in [*CHECKS, *sorted(set(by_check) - set(CHECKS))]:
        c = by_check.get(name, Counter())
        lines.append(f"{name:<12} {c['error']:>6} {c['warning']:>8} {c['info']:>6}")
    if top_rows:
        lines.append(f"top {len(top_rows)} findings:")
    for severity, check, resolution, level, key, lang, evidence in top_rows:
        where = f"{resolution or '?'} {level or '?'} {key or '?'} {lang or '-'}"
        lines.append(f"  {severity:<7} {check:<11} {where}: {clip(evidence, 110)}")
    return "\n".join(lines)
