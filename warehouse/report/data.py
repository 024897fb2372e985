"""What a reviser sees of one resolution, read from the warehouse into plain records.

The review page and the review workbook show the same thing: the aligned groups of a
resolution as rows (sections, clauses, the paragraphs that sit in no clause, and the
sentences of each on demand), one text per language, and the QA findings of the latest
QA run placed on the row and language they concern. A finding on a paragraph or a
sentence is shown on the row that holds it, so a reviser reading clause by clause sees
every problem of the clause.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, NoReturn

import duckdb

from corpus.errors import InputError
from corpus.model import LANGS, Lang, Level
from warehouse.qa.model import SEVERITIES
from warehouse.report.marks import needles

#: Column order of the review page and workbook: the UN order (Arabic, Chinese, English,
#: French, Russian, Spanish), the one revisers know from UN documents.
REVIEW_ORDER: Final[tuple[Lang, ...]] = ("ar", "zh", "en", "fr", "ru", "es")
#: Languages written right to left.
RTL: Final[frozenset[Lang]] = frozenset({"ar"})
#: Levels that are rows of the page; sentences are shown on demand under their row.
ROW_LEVELS: Final = tuple(level.value for level in Level if level is not Level.SENTENCE)


@dataclass(frozen=True, slots=True)
class ReviewFinding:
    """A QA finding as a reviser reads it, with the strings to mark in the text."""

    number: int
    check: str
    severity: str
    lang: Lang | None
    segment_id: str | None
    evidence: str
    suggestion: str
    #: The rule that fired, the value as this language has it and the value the other
    #: languages have, when the QA stored them (schema 5 on).
    rule: str = ""
    found: str = ""
    expected: str = ""
    #: Substrings of the text to highlight (values, quoted terms), longest first.
    marks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One aligned group: its texts by language and the findings placed on it."""

    group_id: str
    level: str
    key: str
    position: int
    method: str
    confidence: float | None
    texts: Mapping[Lang, str]
    labels: Mapping[Lang, str] = field(default_factory=dict)
    findings: tuple[ReviewFinding, ...] = ()
    #: Sentence groups under this row, in document order (empty for sentences).
    sentences: tuple[ReviewRow, ...] = ()

    @property
    def all_findings(self) -> tuple[ReviewFinding, ...]:
        """The row's findings and those of its sentences, in finding order."""
        found = {f.number: f for f in self.findings}
        for sentence in self.sentences:
            found.update((f.number, f) for f in sentence.findings)
        return tuple(found[n] for n in sorted(found))


@dataclass(frozen=True, slots=True)
class LangSummary:
    """Counts for one language of the resolution, for the top of the page."""

    lang: Lang
    present: bool
    segments: int
    clauses: int
    clauses_missing: int
    findings: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Review:
    """A resolution as the review page and workbook show it."""

    resolution: str
    title: str
    run_id: str
    signature: str
    run_started: dt.datetime | None
    qa_run_id: str | None
    langs: tuple[Lang, ...]
    rows: tuple[ReviewRow, ...]
    summary: tuple[LangSummary, ...]
    checks: tuple[str, ...]


#: The filter on ``p.resolution`` reaches into the view: without it the view aggregates
#: every group of the corpus for each page (0.26 s a page at 40 documents, 0.02 s with it).
_GROUPS = """
    SELECT g.group_id, g.level, g.key, g.position, g.method, g.confidence,
           g.parent_group_id, p.ar, p.en, p.es, p.fr, p.ru, p.zh
    FROM alignment_groups AS g JOIN parallel AS p USING (group_id)
    WHERE g.resolution = $resolution AND p.resolution = $resolution
    ORDER BY g.position, list_position($levels, g.level), g.group_id
"""
_LABELS = """
    SELECT m.group_id, m.lang, s.label
    FROM alignment_members AS m JOIN segments AS s USING (segment_id)
    WHERE s.resolution = $resolution AND m.ord = 0 AND s.label IS NOT NULL
"""
_BUILT_BY = """
    SELECT r.run_id, r.signature, r.started_at
    FROM runs AS r
    WHERE r.run_id = (
        SELECT run_id FROM alignment_groups WHERE resolution = $resolution
        GROUP BY run_id ORDER BY count(*) DESC LIMIT 1
    )
"""
_QA_RUN = """
    SELECT f.run_id FROM qa_findings AS f JOIN runs AS r USING (run_id)
    GROUP BY f.run_id, r.started_at ORDER BY r.started_at DESC LIMIT 1
"""


def reading_reviews(path: Path | str) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """A read-only connection for review pages, failing with what a reviser can act on.

    Raises:
        DatabaseError: the database cannot be read.
    """
    from warehouse.db import reading

    return reading(path, "cannot read the review data")


def read_review(path: Path | str, resolution: str) -> Review:
    """Read one resolution's groups, texts, labels and latest QA findings.

    Raises:
        InputError: the database holds no such resolution.
        DatabaseError: the database cannot be read.

    """
    with reading_reviews(path) as con:
        return review_of(con, resolution, str(path))


def review_of(con: duckdb.DuckDBPyConnection, resolution: str, where: str) -> Review:
    """:func:`read_review` on an open connection to the database at ``where``."""
    params = {"resolution": resolution}
    docs = con.execute(
        "SELECT lang, title FROM documents WHERE resolution = $resolution ORDER BY lang", params
    ).fetchall()
    if not docs:
        _unknown(con, resolution, where)
    titles = {str(lang): str(title) for lang, title in docs}
    langs = tuple(lang for lang in REVIEW_ORDER if lang in titles)
    levels = [level.value for level in Level]
    groups = con.execute(_GROUPS, {**params, "levels": levels}).fetchall()
    labels: dict[str, dict[Lang, str]] = defaultdict(dict)
    for group_id, lang, label in con.execute(_LABELS, params).fetchall():
        labels[str(group_id)][lang] = str(label)
    built = con.execute(_BUILT_BY, params).fetchone()
    qa_run = con.execute(_QA_RUN).fetchone()
    findings = _findings(con, resolution, str(qa_run[0])) if qa_run else {}
    segments = dict(
        con.execute(
            "SELECT lang, count(*) FROM segments WHERE resolution = $resolution GROUP BY lang",
            params,
        ).fetchall()
    )
    rows = _rows(groups, labels, findings)
    return Review(
        resolution=resolution,
        title=titles.get("en") or next(iter(titles.values())),
        run_id=str(built[0]) if built else "",
        signature=str(built[1]) if built else "",
        run_started=built[2] if built else None,
        qa_run_id=str(qa_run[0]) if qa_run else None,
        langs=langs,
        rows=rows,
        summary=_summary(rows, langs, segments),
        checks=tuple(sorted({f.check for fs in findings.values() for f in fs})),
    )


def _unknown(con: duckdb.DuckDBPyConnection, resolution: str, where: str) -> NoReturn:
    known = [
        r for (r,) in con.execute("SELECT DISTINCT resolution FROM documents ORDER BY 1").fetchall()
    ]
    raise InputError(
        f"no resolution {resolution!r} in the database (it has {', '.join(known) or 'none'})",
        path=where,
    )


def read_level(
    path: Path | str, level: Level, resolution: str | None = None
) -> list[tuple[str, ReviewRow]]:
    """Every group of one level (of one resolution or all), with the findings under it.

    A group's findings are its own and those of the groups below it (the sentences of
    a clause), from the latest QA run. Returns ``(resolution, row)`` in document order.

    Raises:
        InputError: the database holds no such resolution.
        DatabaseError: the database cannot be read.

    """
    from warehouse.db import reading

    with reading(path, "cannot read the groups") as con:
        known = [
            r
            for (r,) in con.execute(
                "SELECT DISTINCT resolution FROM documents ORDER BY 1"
            ).fetchall()
        ]
        if resolution is not None and resolution not in known:
            _unknown(con, resolution, str(path))
        qa_run = con.execute(_QA_RUN).fetchone()
        levels = [lvl.value for lvl in Level]
        out: list[tuple[str, ReviewRow]] = []
        for res in [resolution] if resolution is not None else known:
            params = {"resolution": res}
            groups = con.execute(_GROUPS, {**params, "levels": levels}).fetchall()
            labels: dict[str, dict[Lang, str]] = defaultdict(dict)
            for group_id, lang, label in con.execute(_LABELS, params).fetchall():
                labels[str(group_id)][lang] = str(label)
            findings = _findings(con, res, str(qa_run[0])) if qa_run else {}
            parent = {str(g[0]): None if g[6] is None else str(g[6]) for g in groups}
            under: dict[str, list[ReviewFinding]] = defaultdict(list)
            for group_id in parent:
                up: str | None = group_id
                while up is not None:
                    under[up].extend(findings.get(group_id, ()))
                    up = parent.get(up)
            out += [(str(res), _row(g, labels, under)) for g in groups if g[1] == level.value]
    return out


def _row(
    record: tuple[Any, ...],
    labels: Mapping[str, Mapping[Lang, str]],
    findings: Mapping[str, Sequence[ReviewFinding]],
    extra: Sequence[ReviewFinding] = (),
    sentences: tuple[ReviewRow, ...] = (),
) -> ReviewRow:
    """One group's record of ``_GROUPS`` as a row, with its findings in finding order."""
    group_id, level, key, position, method, confidence, _, *texts = record
    own = sorted([*findings.get(str(group_id), ()), *extra], key=lambda f: f.number)
    return ReviewRow(
        group_id=str(group_id),
        level=str(level),
        key=str(key),
        position=int(position),
        method=str(method),
        confidence=None if confidence is None else float(confidence),
        texts={lang: str(t) for lang, t in zip(LANGS, texts, strict=True) if t is not None},
        labels=dict(labels.get(str(group_id), {})),
        findings=tuple(own),
        sentences=sentences,
    )


def _findings(
    con: duckdb.DuckDBPyConnection, resolution: str, run_id: str
) -> dict[str, list[ReviewFinding]]:
    """The findings of ``run_id`` on the resolution, by group id.

    ``rule``, ``found`` and ``expected`` are read when the QA stores them (schema 5 on).
    """
    columns = {
        str(c)
        for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'qa_findings'"
        ).fetchall()
    }
    extra = [c for c in ("rule", "found", "expected") if c in columns]
    select = ", ".join(
        [
            "finding_no",
            "check_name",
            "severity",
            "lang",
            "segment_id",
            "evidence",
            "suggestion",
            "group_id",
            *(f'"{c}"' for c in extra),
        ]
    )
    rows = con.execute(
        f"SELECT {select} FROM qa_findings WHERE run_id = $run AND resolution = $resolution "
        "ORDER BY finding_no",
        {"run": run_id, "resolution": resolution},
    ).fetchall()
    out: dict[str, list[ReviewFinding]] = defaultdict(list)
    for number, check, severity, lang, segment_id, evidence, suggestion, group_id, *rest in rows:
        more = {k: str(v or "") for k, v in zip(extra, rest, strict=True)}
        found = more.get("found", "")
        out[str(group_id)].append(
            ReviewFinding(
                number=int(number),
                check=str(check),
                severity=str(severity),
                lang=lang,
                segment_id=segment_id,
                evidence=str(evidence),
                suggestion=str(suggestion),
                rule=more.get("rule", ""),
                found=found,
                expected=more.get("expected", ""),
                marks=needles(str(check), str(evidence), [found] if found else []),
            )
        )
    return out


def _rows(
    groups: list[tuple[Any, ...]],
    labels: Mapping[str, Mapping[Lang, str]],
    findings: Mapping[str, list[ReviewFinding]],
) -> tuple[ReviewRow, ...]:
    """Build the page's rows: every section and clause, and paragraphs outside clauses.

    A paragraph or sentence group belongs to the nearest row among its ancestors; a
    paragraph inside a clause is not a row of its own (its findings go to the clause).
    """
    parent: dict[str, str | None] = {}
    level: dict[str, str] = {}
    records: dict[str, tuple[Any, ...]] = {}
    for row in groups:
        group_id = str(row[0])
        records[group_id] = row
        level[group_id] = str(row[1])
        parent[group_id] = None if row[6] is None else str(row[6])

    def in_clause(group_id: str) -> bool:
        up = parent.get(group_id)
        while up is not None:
            if level.get(up) == "clause":
                return True
            up = parent.get(up)
        return False

    def repeats_parent(group_id: str) -> bool:
        # A section made of one paragraph (a title) would show the same texts twice.
        up = parent.get(group_id)
        return up is not None and records[group_id][7:] == records[up][7:]

    is_row = {
        g: level[g] in ("section", "clause")
        or (level[g] == "paragraph" and not in_clause(g) and not repeats_parent(g))
        for g in records
    }

    def owner(group_id: str) -> str | None:
        up: str | None = group_id
        while up is not None and not is_row.get(up, False):
            up = parent.get(up)
        return up

    sentences: dict[str, list[str]] = defaultdict(list)
    placed: dict[str, list[ReviewFinding]] = defaultdict(list)
    for group_id in records:
        home = owner(group_id)
        if level[group_id] == "sentence" and home is not None:
            sentences[home].append(group_id)
        elif not is_row[group_id] and home is not None:
            placed[home].extend(findings.get(group_id, ()))

    def make(group_id: str, subs: tuple[ReviewRow, ...] = ()) -> ReviewRow:
        return _row(records[group_id], labels, findings, placed.get(group_id, ()), subs)

    def with_sentences(group_id: str) -> ReviewRow:
        row = make(group_id, tuple(make(s) for s in sentences.get(group_id, ())))
        if len(row.sentences) == 1 and row.sentences[0].texts == row.texts:
            # One sentence saying what the row says: nothing to show on demand.
            return replace(row, findings=row.all_findings, sentences=())
        return row

    return tuple(with_sentences(g) for g in records if is_row[g])


def _summary(
    rows: tuple[ReviewRow, ...], langs: tuple[Lang, ...], segments: Mapping[str, int]
) -> tuple[LangSummary, ...]:
    clauses = [r for r in rows if r.level == "clause"]
    by_lang: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        for finding in row.all_findings:
            by_lang[finding.lang or ""][finding.severity] += 1
    return tuple(
        LangSummary(
            lang=lang,
            present=lang in langs,
            segments=int(segments.get(lang, 0)),
            clauses=sum(1 for r in clauses if lang in r.texts),
            clauses_missing=sum(1 for r in clauses if lang not in r.texts),
            findings={s: by_lang[lang][s] for s in SEVERITIES},
        )
        for lang in REVIEW_ORDER
    )
