"""Running the QA: read groups from the warehouse, run the checks, write findings back.

The only module of the package that touches DuckDB. A QA run stores the complete set of
findings of the corpus under its run id, yet costs what the run rebuilt:

* checks of scope ``resolution`` (see :attr:`warehouse.qa.model.Check.scope`) run on the
  groups of the resolutions the run rebuilt; the findings of the other resolutions are
  copied from the previous QA run in one SQL statement, never recomputed;
* checks of scope ``corpus`` (consistency, outliers) read the groups of their level in
  every resolution and run over all of them, since a new document can change a verdict on
  an old one; ``run`` checks (stale) read what the checked run changed;
* mining term candidates (``term_candidates``) is a co-occurrence count over the whole
  corpus that no per-resolution aggregate updates exactly, so it happens only when asked
  (``mine``: ``itu-corpus qa``, ``run --mine-terms``), never as a side cost of a weekly
  run. It counts the candidate terms kept per resolution (``term_groups``,
  ``term_occurrences``): a rebuilt resolution's are dropped, and a mining run extracts
  them again only for the resolutions that lack them, so a run that does not mine does
  not extract them either (about 44,000 rows a UN document, a tenth of a second);
* findings and candidates are written in bulk through Arrow, one statement per table.

Everything happens on one open connection (:func:`qa_into`), so the load and the QA of a
run can share one staged copy; :func:`run_qa` is the same on its own staged copy.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, Final

import duckdb
import polars as pl

from corpus.errors import DatabaseError
from corpus.model import LANGS, Lang, Level, is_lang
from warehouse.changes import SegmentChange, run_changes
from warehouse.db import first_line, migrate, query, transaction
from warehouse.display import clip
from warehouse.publish import staged
from warehouse.qa.corpus import CORPUS_CHECKS, corpus_findings, refresh_texts
from warehouse.qa.corpus import LEVEL as TEXTS_LEVEL
from warehouse.qa.model import SEVERITIES, Finding, QAGroup, TermCandidate
from warehouse.qa.registry import ALL, CHECKS
from warehouse.qa.terms import mine_term_candidates, mine_terms_sql, term_rows
from warehouse.similarity import join_texts

#: Level order of the warehouse, coarse to fine.
LEVELS: Final = tuple(level.value for level in Level)
#: Groups of this level feed term mining: short texts make associations sharper.
TERM_LEVEL: Final = "sentence"

#: Resolutions whose groups the checks of scope ``resolution`` hold in memory at once.
QA_BATCH: Final = 2
#: Batches between two reopenings of the connection when the caller can reopen it: DuckDB
#: keeps what a connection read (about 3 MB a UN resolution) until it is closed, so the
#: end of a run that checks 40 resolutions held 65 MB more than one that checks a few.
QA_REOPEN: Final = 4

#: A database file, or a connection already open on one (a staged copy, say).
Source = Path | str | duckdb.DuckDBPyConnection

#: The groups themselves; their texts are joined from the members' rows (the ``parallel``
#: view aggregates every group of the corpus before a filter on a list of ids applies).
_GROUPS_SQL: Final = """
SELECT group_id, resolution, level, key, position, method, confidence
FROM alignment_groups WHERE {where}
"""
_MEMBERS_SQL: Final = """
SELECT m.group_id, m.lang, m.ord, s.segment_id, s.text, s.label, s.key, s.meta
FROM alignment_members AS m
JOIN segments AS s ON s.segment_id = m.segment_id
WHERE {where}
ORDER BY m.group_id, m.lang, m.ord
"""


def _rows(source: Source, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    """Run a read on a connection, or on a read-only connection to a file."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        return source.execute(sql, list(params)).fetchall()
    return query(source, sql, list(params))[1]


def _where(
    column: str, resolutions: Collection[str] | None, levels: Collection[str] | None = None
) -> tuple[str, list[object]]:
    """A filter on resolution and level, and its parameters."""
    parts: list[str] = ["TRUE"]
    params: list[object] = []
    if resolutions is not None:
        parts.append(f"{column}resolution IN (SELECT unnest(?))")
        params.append(sorted(resolutions))
    if levels is not None:
        parts.append(f"{column}level IN (SELECT unnest(?))")
        params.append(sorted(levels))
    return " AND ".join(parts), params


def read_groups(
    source: Source,
    resolutions: Collection[str] | None = None,
    levels: Collection[str] | None = None,
    changes: Mapping[str, SegmentChange] | None = None,
    group_ids: Collection[str] | None = None,
) -> list[QAGroup]:
    """Read the aligned groups of the warehouse, with their members' ids, labels and meta.

    Args:
        source: The database file, or an open connection to it.
        resolutions: Only these resolutions (default: all).
        levels: Only these levels (default: all).
        changes: What the checked run added or changed, by segment id (see
            :func:`warehouse.changes.run_changes`); each group gets its members' entries.
        group_ids: Only these groups (default: all); needs an open connection.

    Raises:
        DatabaseError: the database is missing or lacks the warehouse tables.
    """
    if group_ids is not None:
        if not isinstance(source, duckdb.DuckDBPyConnection):
            raise TypeError("read_groups(group_ids=...) needs an open connection")
        if not group_ids:
            return []
        wanted = pl.DataFrame({"group_id": sorted(group_ids)}, schema={"group_id": pl.String})
        source.register("_wanted_groups", wanted)
    try:
        return _read_groups(source, resolutions, levels, changes or {}, group_ids is not None)
    finally:
        if group_ids is not None:
            assert isinstance(source, duckdb.DuckDBPyConnection)
            source.unregister("_wanted_groups")


def _read_groups(
    source: Source,
    resolutions: Collection[str] | None,
    levels: Collection[str] | None,
    changed: Mapping[str, SegmentChange],
    wanted: bool,
) -> list[QAGroup]:
    """:func:`read_groups`; with ``wanted``, only the groups listed in ``_wanted_groups``."""
    only = " AND group_id IN (SELECT group_id FROM _wanted_groups)" if wanted else ""
    where, params = _where("", resolutions, None)
    doc_rows = _rows(source, f"SELECT resolution, lang FROM documents WHERE {where}", params)
    doc_langs: dict[str, set[str]] = defaultdict(set)
    for resolution, lang in doc_rows:
        doc_langs[str(resolution)].add(str(lang))
    where, params = _where("s.", resolutions, levels)
    members: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    member_where = where + only.replace("group_id IN", "m.group_id IN")
    for row in _rows(source, _MEMBERS_SQL.format(where=member_where), params):
        members[str(row[0])].append(row)
    where, params = _where("", resolutions, levels)
    group_rows = _rows(source, _GROUPS_SQL.format(where=where + only), params)
    groups = [_group(row, members[str(row[0])], doc_langs, changed) for row in group_rows]
    groups.sort(key=lambda g: (g.resolution, LEVELS.index(g.level), g.position, g.group_id))
    return groups


def _group(
    row: tuple[Any, ...],
    members: list[tuple[Any, ...]],
    doc_langs: dict[str, set[str]],
    changes: Mapping[str, SegmentChange],
) -> QAGroup:
    group_id, resolution, level, key, position, method, confidence = row
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
        texts={lang: join_texts(lang, seg_texts[lang]) for lang in LANGS if lang in seg_texts},
        segment_ids={lang: tuple(v) for lang, v in ids.items()},
        segment_texts={lang: tuple(v) for lang, v in seg_texts.items()},
        labels=labels,
        keys=keys,
        segment_meta=meta,
        run_changes={seg: changes[seg] for segs in ids.values() for seg in segs if seg in changes},
        confidence=None if confidence is None else float(confidence),
        method=str(method),
        position=int(position),
        doc_langs=tuple(lang for lang in LANGS if lang in doc_langs.get(str(resolution), ())),
    )


def _known(checks: Iterable[str]) -> list[str]:
    """The names given, checked against the registry.

    Raises:
        ValueError: a name is not in the registry.
    """
    names = list(checks)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check {unknown[0]!r}; known checks: {', '.join(CHECKS)}")
    return names


def run_checks(groups: Sequence[QAGroup], checks: Iterable[str] = ALL) -> list[Finding]:
    """Run the named checks, each on the groups of its levels; most serious first.

    Raises:
        ValueError: a name is not in the registry.
    """
    findings: list[Finding] = []
    for name in _known(checks):
        check = CHECKS[name]
        findings.extend(check.func([g for g in groups if g.level in check.levels]))
    return by_severity(findings)


def by_severity(findings: Sequence[Finding]) -> list[Finding]:
    """Most serious first, then in registry order; a check's own order within."""
    order = {name: i for i, name in enumerate(CHECKS)}
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), order[f.check]))


def _batches(resolutions: Sequence[str]) -> Iterator[list[str]]:
    for at in range(0, len(resolutions), QA_BATCH):
        yield list(resolutions[at : at + QA_BATCH])


def mine_terms(groups: Sequence[QAGroup]) -> list[TermCandidate]:
    """Mine bilingual term candidates from the sentence-level groups (in memory)."""
    return mine_term_candidates([g for g in groups if g.level == TERM_LEVEL])


def latest_run(source: Source, path: Path | str | None = None) -> str:
    """The id of the newest pipeline run in the warehouse.

    Raises:
        DatabaseError: the database has no run.
    """
    rows = _rows(source, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")
    if not rows:
        where = path if path is not None else source
        raise DatabaseError("no run here; run `itu-corpus run` first", path=str(where))
    return str(rows[0][0])


def qa_into(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    resolutions: Collection[str] | None = None,
    checks: Iterable[str] = ALL,
    changes: Mapping[str, SegmentChange] | None = None,
    mine: bool = False,
    reopen: Callable[[], duckdb.DuckDBPyConnection] | None = None,
) -> int:
    """Check the warehouse open on ``con`` and store the findings of ``run_id``; return them.

    Args:
        con: A writable connection (a staged copy), migrated.
        run_id: The run the findings belong to (its earlier findings are replaced).
        resolutions: The resolutions the run rebuilt; the findings of the others are
            carried over from the previous QA run. ``None`` checks everything.
        checks: The checks to run (default: all of the registry).
        changes: What run ``run_id`` added or changed, by segment id (the pipeline
            passes what its load reported); ``None`` reads it from the history.
        mine: Also mine ``term_candidates`` over the whole corpus, under ``run_id``
            (first extracting the candidate terms of the resolutions that lack them).
        reopen: Closes ``con`` and returns a new connection to the same file (see
            :meth:`warehouse.publish.Stage.reopen`), called every :data:`QA_REOPEN`
            batches outside any transaction, so memory stays that of a few batches.

    Raises:
        ValueError: a check name is not in the registry.
    """
    names = _known(checks)
    if changes is None:
        changes = run_changes(con, run_id)
    previous = None if resolutions is None else _previous_qa(con, run_id)
    if previous is None:
        resolutions = None  # nothing to carry over: check everything
    local = [n for n in names if CHECKS[n].scope != "corpus"]
    wide = [n for n in names if CHECKS[n].scope == "corpus"]
    findings: list[Finding] = []
    todo = sorted(resolutions) if resolutions is not None else _all_resolutions(con)
    con.execute(
        "DELETE FROM qa_texts WHERE resolution NOT IN (SELECT resolution FROM alignment_groups)"
    )
    _forget_terms(con, None if resolutions is None else todo)
    # A few resolutions at a time, so memory is bounded by a batch and not by the run;
    # the texts the corpus-wide checks compare (see warehouse.qa.corpus) are kept for
    # each, from the groups the checks read.
    levels = None if local else {TEXTS_LEVEL}
    read_since = 0  # batches read since the connection was opened
    for batch in _batches(todo):
        if reopen is not None and read_since == QA_REOPEN:
            con, read_since = reopen(), 0
        batch_groups = read_groups(con, batch, levels, changes)
        if local:
            findings += run_checks(batch_groups, local)
        refresh_texts(con, batch, batch_groups)
        read_since += 1
    # Resolutions without texts (loaded by a version before qa_texts) get them now.
    for batch in _batches(sorted(set(_lacking(con, "qa_texts", TEXTS_LEVEL)) - set(todo))):
        refresh_texts(con, batch, read_groups(con, batch, {TEXTS_LEVEL}))
    # Mining counts the candidate terms kept per resolution: first those of the resolutions
    # rebuilt since the last mining (dropped above) or never mined.
    for batch in _batches(_lacking(con, "term_groups", TERM_LEVEL) if mine else []):
        _store_terms(con, read_groups(con, batch, {TERM_LEVEL}))

    def read(ids: Collection[str]) -> list[QAGroup]:
        return read_groups(con, None, None, changes, group_ids=ids)

    # Each corpus-wide check, and then the storing of the findings, on a new connection:
    # DuckDB keeps what a query read and allocated until its database is closed, and these
    # queries read the whole corpus (at 40 UN documents, 30-40 MB each, which piled up to
    # 90 MB beside one another: the peak of the run).
    wide_findings: list[Finding] = []
    for name in (n for n in CORPUS_CHECKS if n in wide):
        if reopen is not None and read_since > 0:
            con = reopen()
        wide_findings += corpus_findings(con, [name], read)
        read_since += 1
    findings += by_severity(wide_findings)
    if reopen is not None and read_since > 0:
        con = reopen()
    carried = [n for n in names if CHECKS[n].scope == "resolution"] if previous else []
    groups = None if resolutions is None else sorted(resolutions)
    _store_findings(con, run_id, findings, previous, carried, groups)
    if mine:
        con.execute("DELETE FROM term_candidates WHERE run_id = ?", [run_id])
        con.execute(f"INSERT INTO term_candidates BY NAME {mine_terms_sql()}", [run_id])
    return _count(con, "SELECT count(*) FROM qa_findings WHERE run_id = ?", run_id)


def _count(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> int:
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


def _all_resolutions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every resolution with groups, in order."""
    rows = con.execute("SELECT DISTINCT resolution FROM alignment_groups ORDER BY 1").fetchall()
    return [str(r[0]) for r in rows]


def _previous_qa(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The latest run, other than ``run_id``, whose QA stored findings."""
    row = con.execute(
        """SELECT f.run_id FROM (SELECT DISTINCT run_id FROM qa_findings) AS f
           JOIN runs AS r USING (run_id) WHERE f.run_id <> ?
           ORDER BY r.started_at DESC LIMIT 1""",
        [run_id],
    ).fetchone()
    return str(row[0]) if row else None


#: Columns of ``qa_findings`` a :class:`Finding` supplies, by field name (``check`` is
#: ``check_name``); any other field is stored under its own name.
_FINDING_COLUMNS: Final = {"check": "check_name"}


def _finding_frame(findings: Sequence[Finding]) -> pl.DataFrame:
    """The findings as a frame, one column per field, ``seq`` keeping their order."""
    names = [f.name for f in fields(Finding)]
    data: dict[str, list[Any]] = {_FINDING_COLUMNS.get(n, n): [] for n in names}
    for finding in findings:
        for name in names:
            data[_FINDING_COLUMNS.get(name, name)].append(getattr(finding, name))
    if "rule" in data:  # a check without rules of its own is its one rule
        data["rule"] = [
            rule or check for rule, check in zip(data["rule"], data["check_name"], strict=True)
        ]
    frame = pl.DataFrame(data, schema={c: pl.String for c in data})
    return frame.with_row_index("seq").with_columns(pl.col("seq").cast(pl.Int64))


def _store_findings(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    findings: Sequence[Finding],
    previous: str | None,
    carried: Sequence[str],
    rebuilt: Sequence[str] | None,
) -> None:
    """Replace the findings of ``run_id``: the new ones, plus those carried over.

    Carried over are the findings of ``previous`` by the ``carried`` checks on the
    resolutions not in ``rebuilt``. ``finding_no`` orders them all by severity, check,
    resolution (except for corpus-wide checks) and the order the check gave.
    """
    con.execute("DELETE FROM qa_findings WHERE run_id = ?", [run_id])
    con.register("_new_findings", _finding_frame(findings))
    try:
        carry = ""
        params: list[object] = []
        if previous is not None and carried and rebuilt is not None:
            carry = """UNION ALL BY NAME
                SELECT * EXCLUDE (run_id, finding_no), finding_no AS seq FROM qa_findings
                WHERE run_id = ? AND check_name IN (SELECT unnest(?))
                  AND NOT list_contains(?, coalesce(resolution, ''))"""
            params = [previous, list(carried), list(rebuilt)]
        wide = [n for n, c in CHECKS.items() if c.scope == "corpus"]
        con.execute(
            f"""INSERT INTO qa_findings BY NAME
            SELECT * EXCLUDE (seq), ? AS run_id,
                   row_number() OVER (ORDER BY list_position(?, severity),
                       list_position(?, check_name),
                       CASE WHEN list_contains(?, check_name) THEN '' ELSE resolution END,
                       seq) AS finding_no
            FROM (
                SELECT n.*, g.resolution, g.level, g.key
                FROM _new_findings AS n LEFT JOIN alignment_groups AS g USING (group_id)
                {carry}
            )""",
            [run_id, list(SEVERITIES), list(CHECKS), wide, *params],
        )
    finally:
        con.unregister("_new_findings")


def _forget_terms(con: duckdb.DuckDBPyConnection, rebuilt: Sequence[str] | None) -> None:
    """Drop the candidate terms kept for the ``rebuilt`` resolutions (``None``: for all)."""
    for table in ("term_groups", "term_occurrences"):
        if rebuilt is None:
            con.execute(f"DELETE FROM {table}")
        else:
            con.execute(f"DELETE FROM {table} WHERE resolution IN (SELECT unnest(?))", [rebuilt])


def _lacking(con: duckdb.DuckDBPyConnection, table: str, level: str) -> list[str]:
    """Resolutions with groups of ``level`` but no rows in ``table``, in order.

    The QA keeps rows per resolution (``qa_texts``, ``term_groups``), filled in from its
    groups where they lack. A resolution none of whose sentence groups has two languages
    keeps no terms, and is read again at each mining.
    """
    rows = con.execute(
        f"""SELECT DISTINCT resolution FROM alignment_groups WHERE level = ?
            AND resolution NOT IN (SELECT DISTINCT resolution FROM {table}) ORDER BY 1""",
        [level],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _store_terms(con: duckdb.DuckDBPyConnection, groups: Sequence[QAGroup]) -> None:
    """Keep the candidate terms of these (sentence-level) groups, for mining later."""
    term_groups, occurrences = term_rows(groups)
    for table, frame in (("term_groups", term_groups), ("term_occurrences", occurrences)):
        if frame.height:
            con.register("_incoming_terms", frame)
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming_terms")
            finally:
                con.unregister("_incoming_terms")


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
    rows = [{f.name: getattr(c, f.name) for f in fields(TermCandidate)} for c in candidates]
    terms = pl.DataFrame(
        [{**row, "examples": list(row["examples"]), "run_id": run_id} for row in rows],
        schema={
            "src_lang": pl.String,
            "tgt_lang": pl.String,
            "src_term": pl.String,
            "tgt_term": pl.String,
            "n_src": pl.Int64,
            "n_tgt": pl.Int64,
            "n_both": pl.Int64,
            "dice": pl.Float64,
            "llr": pl.Float64,
            "examples": pl.List(pl.String),
            "run_id": pl.String,
        },
    )
    try:
        with staged(db_path) as con:
            migrate(con)
            with transaction(con):
                _store_findings(con, run_id, findings, None, (), None)
                con.execute("DELETE FROM term_candidates WHERE run_id = ?", [run_id])
                if terms.height:
                    con.register("_incoming_terms", terms)
                    con.execute("INSERT INTO term_candidates BY NAME SELECT * FROM _incoming_terms")
                    con.unregister("_incoming_terms")
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot write QA findings ({first_line(exc)})", path=str(db_path)
        ) from exc


def run_qa(
    db_path: Path | str,
    checks: Iterable[str] = ALL,
    resolutions: Collection[str] | None = None,
    changes: Mapping[str, SegmentChange] | None = None,
    run_id: str | None = None,
    mine: bool = True,
) -> tuple[str, int]:
    """Check a run (the latest by default) and store its findings and term candidates.

    Args:
        db_path: The warehouse.
        checks: The checks to run.
        resolutions: The resolutions the latest run rebuilt (see :func:`qa_into`);
            ``None`` checks the whole corpus.
        changes: What the run added or changed (see :func:`qa_into`).
        run_id: The run checked (default: the latest).
        mine: Mine the term candidates of the whole corpus too.

    Returns the run id and the number of findings.

    Raises:
        DatabaseError: the database cannot be read or written.
        ValueError: a check name is not in the registry.
    """
    _known(checks)
    try:
        with staged(db_path) as con:
            migrate(con)
            run_id = run_id or latest_run(con, db_path)
            with transaction(con):
                n = qa_into(con, run_id, resolutions, checks, changes, mine=mine)
    except duckdb.Error as exc:
        raise DatabaseError(
            f"cannot write QA findings ({first_line(exc)})", path=str(db_path)
        ) from exc
    return run_id, n


def _mined(count: int, mined_at: str | None, run_id: str) -> str:
    """How many term candidates there are, and which run mined them if not this one."""
    if mined_at is None:
        return "no term candidates mined (itu-corpus qa mines them)"
    if mined_at == run_id:
        return f"{count} term candidates"
    return f"{count} term candidates mined at run {mined_at}"


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
    _, mined = query(
        db_path,
        "SELECT count(*), any_value(run_id) FROM term_candidates "
        "WHERE run_id = (SELECT max(run_id) FROM term_candidates)",
    )
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
        + f"), {_mined(mined[0][0], mined[0][1], run_id)}",
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
