"""Loading one run's documents, segments and groups into the warehouse in one transaction.

Loading replaces whole resolutions: every resolution present in the run has its rows
deleted and inserted again, so reloading a run never duplicates anything and resolutions
that the run did not touch keep their rows. Rows are built as Polars frames and inserted
through DuckDB's Arrow scan, one statement per table, never one ``execute`` per row.

The load runs on a staged copy of the database that replaces the published file only once
everything is in (see :mod:`warehouse.publish`), so readers never wait for a load and never
see half of one. In the same transaction the load keeps the history of every segment's text
(``segment_versions``) and, when the caller passes them, the per-pair similarities.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import duckdb
import polars as pl

from alignment.model import Group
from corpus.environment import release_free_memory
from corpus.errors import DatabaseError
from corpus.fetch.registry import DocumentEntry
from corpus.fetch.store import FetchRecord
from corpus.model import LANGS, Lang, SegmentedDocument
from warehouse.changes import SegmentChange, run_changes
from warehouse.db import first_line, migrate, transaction
from warehouse.publish import Stage, staging
from warehouse.qa.run import qa_into
from warehouse.runs import RunRecord
from warehouse.search import refresh_search

#: Cosine similarity of two languages' texts in a group, by group id and then by the
#: language pair in canonical order (``("en", "fr")``, never ``("fr", "en")``).
PairSimilarities = Mapping[str, Mapping[tuple[Lang, Lang], float]]


@dataclass(frozen=True, slots=True)
class LoadStats:
    """Rows written by one load, for the run summary and the CLI."""

    resolutions: tuple[str, ...]
    documents: int
    segments: int
    groups: int
    members: int
    #: Segments whose text is new or changed in this run (rows opened in segment_versions).
    changed: int = 0
    #: Those segments by id, ``added`` or ``changed``: what the QA's stale check reads.
    changes: Mapping[str, SegmentChange] = field(default_factory=dict)
    #: QA findings stored for the run in the same swap (``None``: no QA asked).
    findings: int | None = None


_STR = pl.String
_INT = pl.Int64

# Column types of each table as loaded. Rows are dicts keyed by these names, so a column
# can never land in its neighbour's place; the INSERT names the columns too.
_DOCUMENTS = {
    "doc_id": _STR,
    "resolution": _STR,
    "lang": _STR,
    "format": _STR,
    "source_path": _STR,
    "sha256": _STR,
    "version": _STR,
    "provenance": _STR,
    "licence": _STR,
    "title": _STR,
    "n_segments": _INT,
    "run_id": _STR,
    "set_aside": _STR,
}
_SEGMENTS = {
    "segment_id": _STR,
    "doc_id": _STR,
    "resolution": _STR,
    "lang": _STR,
    "level": _STR,
    "key": _STR,
    "label": _STR,
    "parent_id": _STR,
    "position": _INT,
    "text": _STR,
    "norm": _STR,
    "start_char": _INT,
    "end_char": _INT,
    "meta": _STR,
    "text_before": _STR,
    "change": _STR,
    "run_id": _STR,
}
_GROUPS = {
    "group_id": _STR,
    "resolution": _STR,
    "level": _STR,
    "key": _STR,
    "position": _INT,
    "method": _STR,
    "confidence": pl.Float64,
    "best_match_similarity": pl.Float64,
    "n_langs": _INT,
    "parent_group_id": _STR,
    "run_id": _STR,
}
_MEMBERS = {"group_id": _STR, "segment_id": _STR, "lang": _STR, "ord": _INT}
_PAIRS = {"group_id": _STR, "lang_a": _STR, "lang_b": _STR, "similarity": pl.Float64}

# Checks run inside the transaction, after the inserts and before the commit, over the
# resolutions being loaded ($1). Each returns the first offending row and a message.
# Each table is first cut down to the run's rows (``IN``, so DuckDB skips the row groups
# of other resolutions; see ``_DELETES``), and the checks join those alone: a member's
# segment, a segment's parent and a group's parent belong to the same resolution. Joined
# against the whole tables, the checks held 20 MB more at 40 UN documents than at 20 and
# grew with the corpus. ``MATERIALIZED`` keeps DuckDB from folding the cuts into the joins.
_RUN_GROUPS = """g AS MATERIALIZED (
    SELECT group_id, parent_group_id, resolution, level FROM alignment_groups
    WHERE resolution IN (SELECT unnest($1)))"""
_RUN_SEGMENTS = """s AS MATERIALIZED (
    SELECT segment_id, parent_id, doc_id, resolution, lang, level FROM segments
    WHERE resolution IN (SELECT unnest($1)))"""
_RUN_MEMBERS = """m AS MATERIALIZED (
    SELECT group_id, segment_id, lang FROM alignment_members
    WHERE group_id IN (SELECT group_id FROM g))"""
_CHECKS = (
    (
        f"""WITH {_RUN_GROUPS}, {_RUN_SEGMENTS}, {_RUN_MEMBERS}
        SELECT m.group_id, m.segment_id FROM m ANTI JOIN s USING (segment_id) LIMIT 1""",
        "group {} has member {}, which is not a segment of this run",
    ),
    (
        f"""WITH {_RUN_GROUPS}, {_RUN_SEGMENTS}, {_RUN_MEMBERS}
        SELECT m.group_id, m.segment_id FROM m JOIN g USING (group_id) JOIN s USING (segment_id)
        WHERE s.lang <> m.lang OR s.resolution <> g.resolution OR s.level <> g.level LIMIT 1""",
        "group {} lists {} under another language, resolution or level than the segment's",
    ),
    (
        f"""WITH {_RUN_SEGMENTS}
        SELECT c.segment_id, c.parent_id FROM s AS c ANTI JOIN s AS p ON p.segment_id = c.parent_id
        WHERE c.parent_id IS NOT NULL LIMIT 1""",
        "segment {} has parent {}, which is not a segment of this run",
    ),
    (
        f"""WITH {_RUN_GROUPS}
        SELECT c.group_id, c.parent_group_id FROM g AS c
        ANTI JOIN g AS p ON p.group_id = c.parent_group_id
        WHERE c.parent_group_id IS NOT NULL LIMIT 1""",
        "group {} has parent {}, which is not a group of this run",
    ),
    (
        f"""WITH {_RUN_SEGMENTS}
        SELECT s.segment_id, s.doc_id FROM s JOIN documents AS d USING (doc_id)
        WHERE s.resolution <> d.resolution OR s.lang <> d.lang LIMIT 1""",
        "segment {} belongs to another resolution or language than its document {}",
    ),
)

# Children first: there are no foreign keys, but this order would satisfy them.
# Groups are rebuilt for every resolution of the run; documents and segments only for
# the languages the run read, so a language that failed this time keeps its last good
# version instead of being lost. Each statement takes the list it names.
# They filter with ``col IN (SELECT unnest($1))``, not ``list_contains($1, col)``: DuckDB
# then skips the row groups whose range of ``col`` misses the list, so a load reads the
# rows it replaces, not the corpus (at 200 resolutions' rows, in row groups of
# ``db.WRITER_ROW_GROUP``, the search postings' delete held 140 MB with ``list_contains``
# and 20 MB with ``IN``).
_DELETES = (
    (
        """DELETE FROM pair_similarity WHERE group_id IN
           (SELECT group_id FROM alignment_groups WHERE resolution IN (SELECT unnest($1)))""",
        "resolutions",
    ),
    (
        """DELETE FROM alignment_members WHERE group_id IN
           (SELECT group_id FROM alignment_groups WHERE resolution IN (SELECT unnest($1)))""",
        "resolutions",
    ),
    ("DELETE FROM alignment_groups WHERE resolution IN (SELECT unnest($1))", "resolutions"),
    ("DELETE FROM segments WHERE doc_id IN (SELECT unnest($1))", "documents"),
    ("DELETE FROM documents WHERE doc_id IN (SELECT unnest($1))", "documents"),
)

# History of the documents being loaded ($1), for run $2. Reloading a run first undoes what
# that run did to the history, so a run loaded twice leaves one set of versions. Then every
# open version whose text is gone is closed, and every text without an open version opens one.
# A segment id belongs to one document, so each subquery reads only those documents' rows.
_HISTORY = (
    """DELETE FROM segment_versions WHERE doc_id IN (SELECT unnest($1)) AND valid_from_run = $2""",
    """UPDATE segment_versions SET valid_to_run = NULL
       WHERE doc_id IN (SELECT unnest($1)) AND valid_to_run = $2""",
    """UPDATE segment_versions AS v SET valid_to_run = $2
       WHERE v.doc_id IN (SELECT unnest($1)) AND v.valid_to_run IS NULL AND NOT EXISTS (
           SELECT 1 FROM segments AS s
           WHERE s.doc_id IN (SELECT unnest($1))
             AND s.segment_id = v.segment_id AND sha256(s.text) = v.text_sha256)""",
    """INSERT INTO segment_versions
       SELECT s.segment_id, s.doc_id, s.resolution, s.lang, s.level, s.key, s.label, s.text,
              sha256(s.text), $2, NULL
       FROM segments AS s
       WHERE s.doc_id IN (SELECT unnest($1)) AND NOT EXISTS (
           SELECT 1 FROM segment_versions AS v
           WHERE v.doc_id IN (SELECT unnest($1))
             AND v.segment_id = s.segment_id AND v.valid_to_run IS NULL
             AND v.text_sha256 = sha256(s.text))""",
)

_INSERT_RUN = """
    INSERT OR REPLACE INTO runs (run_id, started_at, finished_at, status, signature, encoder,
        encoder_version, languages, summary, missing)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


@dataclass(frozen=True, slots=True)
class RunRows:
    """The rows a run loads for some resolutions, as frames: compact, and ready to insert.

    A run turns each batch of resolutions into rows as soon as it is aligned and lets the
    documents and groups go, so what it holds until the load grows by frames, not objects.
    """

    #: The resolutions whose documents the rows hold (the load replaces them).
    resolutions: tuple[str, ...]
    #: Table -> rows: documents, segments, alignment_groups, alignment_members,
    #: pair_similarity.
    frames: Mapping[str, pl.DataFrame]


def run_rows(
    documents: Sequence[SegmentedDocument],
    groups: Sequence[Group],
    similarities: PairSimilarities | None,
    run_id: str,
) -> RunRows:
    """The rows of ``documents`` and their ``groups`` (see :func:`load_run`)."""
    return RunRows(
        tuple(sorted({d.document.resolution for d in documents})),
        {
            "documents": _document_frame(documents, run_id),
            "segments": _segment_frame(documents, run_id),
            "alignment_groups": _group_frame(groups, run_id),
            "alignment_members": _member_frame(groups),
            "pair_similarity": _pair_frame(groups, similarities or {}),
        },
    )


def load_run(
    path: Path,
    run: RunRecord,
    documents: Sequence[SegmentedDocument],
    groups: Sequence[Group],
    similarities: PairSimilarities | None = None,
    fetches: Sequence[FetchRecord] = (),
    catalogue: Sequence[DocumentEntry] = (),
    *,
    qa: bool = False,
    mine_terms: bool = False,
) -> LoadStats:
    """Replace the resolutions of ``documents`` with this run's rows and record the run.

    Everything happens on a staged copy that is swapped in at the end: on any failure, or
    if the process is killed, nothing is written and the previous content of the database
    is intact and readable throughout. With ``qa``, the QA checks run on the same copy
    and their findings are published in the same swap, so the latest run never lacks its
    findings.

    Args:
        path: The warehouse file; created if missing, migrated if older.
        run: The run's record.
        documents: The documents the run read (their resolutions are replaced).
        groups: The alignment groups of those resolutions.
        similarities: Optional cosine similarity per group and language pair (see
            :func:`warehouse.similarity.pair_similarities`); without it the ``pairs`` view
            falls back to each group's confidence.
        fetches: The run's records of the raw store's fetch log, one per URL tried.
        catalogue: What the registry says of the resolutions the run saw (loaded or
            skipped): their rows of ``resolutions`` are written again, with the titles of
            their documents as loaded.
        qa: Run the QA checks on the loaded resolutions before the swap.
        mine_terms: Mine the term candidates of the whole corpus too (see
            :func:`warehouse.qa.run.qa_into`).

    Raises:
        DatabaseError: the database cannot be opened or written, or the rows are
            inconsistent (a group member or parent that is not part of the run,
            duplicate ids, a group of a resolution without documents).

    """
    try:
        rows = run_rows(documents, groups, similarities, run.run_id)
    except DatabaseError as exc:
        raise DatabaseError(f"{exc.problem}; nothing was loaded", path=str(path)) from exc
    with loading(path, run.run_id) as loader:
        loader.add(rows)
        return loader.finish(run, fetches, catalogue, qa=qa, mine_terms=mine_terms)


@contextmanager
def loading(path: Path, run_id: str) -> Iterator[Loader]:
    """A :class:`Loader` on a staged copy of ``path``, swapped in when the block ends well.

    Raises:
        DatabaseError: the database cannot be opened, staged or migrated.
    """
    try:
        with staging(path) as stage:
            migrate(stage.con)
            yield Loader(stage, run_id)
    except DatabaseError as exc:
        raise DatabaseError(f"{exc.problem}; nothing was loaded", path=str(path)) from exc
    except duckdb.Error as exc:
        raise DatabaseError(
            f"load failed, nothing was written ({first_line(exc)})", path=str(path)
        ) from exc


#: The tables whose rows :class:`LoadStats` counts.
_COUNTED: Final = ("documents", "segments", "alignment_groups", "alignment_members")


class Loader:
    """One run's load, a batch of resolutions at a time, into the staged copy of a run.

    Each batch is committed on the staged copy as it comes (readers see none of it until
    the swap), so memory holds one batch of rows, not the run's. :meth:`finish` records
    the run and checks it.
    """

    def __init__(self, stage: Stage, run_id: str) -> None:
        """Load into ``stage``, the staged copy of the warehouse, for run ``run_id``."""
        self.stage, self.run_id = stage, run_id
        self.resolutions: set[str] = set()
        #: Rows loaded so far, by table.
        self.counts = dict.fromkeys(_COUNTED, 0)

    def add(self, rows: RunRows) -> None:
        """Replace the resolutions of ``rows`` with them (one transaction on the copy).

        Raises:
            DatabaseError: the rows are inconsistent (see :func:`load_run`).
        """
        grouped = set(rows.frames["alignment_groups"]["resolution"].to_list())
        stray = sorted(grouped - set(rows.resolutions))
        if stray:
            raise DatabaseError(
                f"groups of resolution {stray[0]!r} have no documents in run {self.run_id}"
            )
        _check_ids(rows)
        doc_ids = rows.frames["documents"]["doc_id"].to_list()
        with transaction(self.con):
            for statement, key in _DELETES:
                values = rows.resolutions if key == "resolutions" else doc_ids
                self.con.execute(statement, [list(values)])
            for table, frame in rows.frames.items():
                _insert(self.con, table, frame)
            _check(self.con, rows.resolutions)
            for statement in _HISTORY:
                self.con.execute(statement, [doc_ids, self.run_id])
            refresh_search(self.con, doc_ids)
        self.resolutions |= set(rows.resolutions)
        for table in self.counts:
            self.counts[table] += rows.frames[table].height
        self._reopen()

    def _reopen(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the copy: what DuckDB kept of the last one goes with it."""
        con = self.stage.reopen()
        release_free_memory()
        return con

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection to the staged copy (a new one after each batch)."""
        return self.stage.con

    def finish(
        self,
        run: RunRecord,
        fetches: Sequence[FetchRecord] = (),
        catalogue: Sequence[DocumentEntry] = (),
        *,
        qa: bool = False,
        mine_terms: bool = False,
    ) -> LoadStats:
        """Record the run (its fetches, the resolutions it saw) and, with ``qa``, check it.

        Raises:
            DatabaseError: the run's record is not JSON.
        """
        try:
            run_params = _run_params(run)
        except (TypeError, ValueError) as exc:
            raise DatabaseError(
                f"run {run.run_id}: summary or missing is not JSON ({exc})"
            ) from exc
        fetched = _fetch_frame(fetches)
        catalogued = _catalogue_frame(catalogue)
        resolutions = tuple(sorted(self.resolutions))
        with transaction(self.con):
            self.con.execute(
                "DELETE FROM fetches WHERE fetch_id IN (SELECT unnest(?))",
                [fetched["fetch_id"].to_list()],
            )
            _insert(self.con, "fetches", fetched)
            _describe(self.con, run.run_id, [*resolutions, *catalogued["resolution"]], catalogued)
            self.con.execute(_INSERT_RUN, run_params)
            changes = run_changes(self.con, run.run_id)
        findings = None
        if qa:
            findings = qa_into(
                self.con,
                run.run_id,
                resolutions,
                changes=changes,
                mine=mine_terms,
                reopen=self._reopen,
            )
        return LoadStats(
            resolutions=resolutions,
            documents=self.counts["documents"],
            segments=self.counts["segments"],
            groups=self.counts["alignment_groups"],
            members=self.counts["alignment_members"],
            changed=len(changes),
            changes=changes,
            findings=findings,
        )


_CATALOGUE: dict[str, pl.DataType | type[pl.DataType]] = {
    "resolution": _STR,
    "kind": _STR,
    "body": _STR,
    "meeting": _STR,
    "year": _INT,
    "document": _STR,
}

#: The ``resolutions`` rows of $1, written by run $2: the registry's fields (``_catalogue``)
#: beside the title of each language's document as loaded.
_TITLES = ", ".join(f"max(d.title) FILTER (WHERE d.lang = '{x}') AS title_{x}" for x in LANGS)
_DESCRIBE = f"""
INSERT INTO resolutions BY NAME
SELECT d.resolution, c.kind, c.body, c.meeting, c.year, c.document, $2 AS run_id, {_TITLES}
FROM documents AS d LEFT JOIN _catalogue AS c USING (resolution)
WHERE d.resolution IN (SELECT unnest($1))
GROUP BY ALL
"""


def _catalogue_frame(catalogue: Sequence[DocumentEntry]) -> pl.DataFrame:
    rows = [
        {
            "resolution": e.resolution,
            "kind": e.kind,
            "body": e.body,
            "meeting": e.meeting,
            "year": e.year,
            "document": None if e.itu is None else str(e.itu),
        }
        for e in catalogue
    ]
    return pl.DataFrame(rows, schema=_CATALOGUE)


def _describe(
    con: duckdb.DuckDBPyConnection, run_id: str, resolutions: Sequence[str], catalogue: pl.DataFrame
) -> None:
    """Write the ``resolutions`` rows of ``resolutions`` again, inside the load's transaction."""
    wanted = sorted(set(resolutions))
    con.register("_catalogue", catalogue)
    try:
        con.execute("DELETE FROM resolutions WHERE resolution IN (SELECT unnest(?))", [wanted])
        con.execute(_DESCRIBE, [wanted, run_id])
    finally:
        con.unregister("_catalogue")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Bulk-insert a frame through DuckDB's Arrow scan, naming columns so order cannot drift."""
    if frame.is_empty():
        return
    columns = ", ".join(frame.columns)
    con.register("_incoming", frame)
    try:
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _incoming")
    finally:
        con.unregister("_incoming")


#: What each row of a table is identified by: the tables that grow with the corpus have no
#: primary key (migration 12), so the load keeps these unique itself.
_IDS: Final = {
    "segments": ("segment_id",),
    "alignment_groups": ("group_id",),
    "alignment_members": ("group_id", "segment_id"),
    "pair_similarity": ("group_id", "lang_a", "lang_b"),
}


def _check_ids(rows: RunRows) -> None:
    """Refuse a batch that repeats an id, or whose ids do not begin with their own.

    A segment id begins with its document's (``{resolution}:{lang}:``), a group id with its
    resolution: since a batch replaces those documents and resolutions whole, ids unique in
    the batch are unique in the warehouse, without an index to check them against.

    Raises:
        DatabaseError: names the first repeated or stray id.
    """
    for table, key in _IDS.items():
        seen: set[tuple[object, ...]] = set()
        for row in rows.frames[table].select(key).iter_rows():
            if row in seen:
                first = ", ".join(map(str, row))
                raise DatabaseError(f"{', '.join(key)} {first} appears twice in the run's {table}")
            seen.add(row)
    owners = (
        ("segments", "segment_id", "doc_id", "document"),
        ("alignment_groups", "group_id", "resolution", "resolution"),
    )
    for table, column, of, owner in owners:
        for item, whose in rows.frames[table].select(column, of).iter_rows():
            if not item.startswith(f"{whose}:"):
                raise DatabaseError(
                    f"{column} {item} in the run's {table} does not begin with its {owner}"
                )


def _check(con: duckdb.DuckDBPyConnection, resolutions: tuple[str, ...]) -> None:
    """Refuse rows that reference something missing, before the transaction commits."""
    for sql, message in _CHECKS:
        row = con.execute(sql, [list(resolutions)]).fetchone()
        if row is not None:
            raise DatabaseError(message.format(*row))


def _document_frame(documents: Sequence[SegmentedDocument], run_id: str) -> pl.DataFrame:
    """One row per document, with the provenance of its source file."""
    rows = []
    for sd in documents:
        doc, src = sd.document, sd.document.source
        rows.append(
            {
                "doc_id": f"{doc.resolution}:{doc.lang}",
                "resolution": doc.resolution,
                "lang": doc.lang,
                "format": src.format.value,
                "source_path": src.path,
                "sha256": src.sha256,
                "version": src.version,
                "provenance": src.provenance,
                "licence": src.licence,
                "title": doc.title,
                "n_segments": len(sd.segments),
                "run_id": run_id,
                "set_aside": json.dumps(dict(doc.set_aside)),
            }
        )
    return pl.DataFrame(rows, schema=_DOCUMENTS)


def meta_json(meta: Sequence[tuple[str, str]]) -> str:
    """Meta pairs as a JSON object of lists: a key may repeat (two bookmarks, residues)."""
    grouped: dict[str, list[str]] = {}
    for key, value in meta:
        grouped.setdefault(key, []).append(value)
    return json.dumps(grouped, ensure_ascii=False)


_FETCHES: dict[str, pl.DataType | type[pl.DataType]] = {
    "fetch_id": _STR,
    "run_id": _STR,
    "source": _STR,
    "url": _STR,
    "resolution": _STR,
    "lang": _STR,
    "document": _STR,
    "format": _STR,
    "status": _STR,
    "http_status": _INT,
    "bytes": _INT,
    "sha256": _STR,
    "content_type": _STR,
    "etag": _STR,
    "last_modified": _STR,
    "started_at": pl.Datetime("us"),
    "finished_at": pl.Datetime("us"),
    "error": _STR,
}


def _fetch_frame(fetches: Sequence[FetchRecord]) -> pl.DataFrame:
    """One row per URL tried, times as naive UTC like every timestamp of the warehouse."""
    rows = [
        {
            **{name: getattr(f, name) for name in _FETCHES},
            "status": f.status.value,
            "started_at": _utc(f.started_at),
            "finished_at": _utc(f.finished_at),
        }
        for f in fetches
    ]
    return pl.DataFrame(rows, schema=_FETCHES)


def _segment_frame(documents: Sequence[SegmentedDocument], run_id: str) -> pl.DataFrame:
    """One row per segment of every level; text is stored exactly as extracted."""
    rows = [
        {
            "segment_id": s.id,
            "doc_id": f"{sd.document.resolution}:{sd.document.lang}",
            "resolution": s.resolution,
            "lang": s.lang,
            "level": s.level.value,
            "key": s.key,
            "label": s.label,
            "parent_id": s.parent_id,
            "position": s.position,
            "text": s.text,
            "norm": s.norm,
            "start_char": s.start,
            "end_char": s.end,
            "meta": meta_json(s.meta),
            "text_before": s.text_before,
            "change": s.change.value if s.change is not None else None,
            "run_id": run_id,
        }
        for sd in documents
        for s in sd.segments
    ]
    return pl.DataFrame(rows, schema=_SEGMENTS)


def _group_frame(groups: Sequence[Group], run_id: str) -> pl.DataFrame:
    """One row per group; ``n_langs`` is stored so filters need no join."""
    rows = [
        {
            "group_id": g.id,
            "resolution": g.resolution,
            "level": g.level.value,
            "key": g.key,
            "position": g.position,
            "method": g.method.value,
            "confidence": g.confidence,
            "best_match_similarity": g.best_match_similarity,
            "n_langs": len(g.langs),
            "parent_group_id": g.parent_id,
            "run_id": run_id,
        }
        for g in groups
    ]
    return pl.DataFrame(rows, schema=_GROUPS)


def _member_frame(groups: Sequence[Group]) -> pl.DataFrame:
    """One row per (group, segment), ``ord`` keeping document order within a language."""
    rows = [
        {"group_id": g.id, "segment_id": segment_id, "lang": lang, "ord": ord_}
        for g in groups
        for lang in g.langs
        for ord_, segment_id in enumerate(g.members[lang])
    ]
    return pl.DataFrame(rows, schema=_MEMBERS)


def _pair_frame(groups: Sequence[Group], similarities: PairSimilarities) -> pl.DataFrame:
    """One row per stored language pair of a group of this run, languages in canonical order.

    Raises:
        DatabaseError: a pair names a language twice or one absent from its group.

    """
    present = {g.id: set(g.langs) for g in groups}
    rows = []
    for group, pairs in similarities.items():
        if group not in present:
            continue  # similarities of groups that are not loaded are ignored
        for (a, b), value in pairs.items():
            if a == b or not {a, b} <= present[group]:
                raise DatabaseError(
                    f"similarity for {a}-{b} in group {group}, which does not hold both"
                )
            first, second = sorted((a, b), key=LANGS.index)
            rows.append({"group_id": group, "lang_a": first, "lang_b": second, "similarity": value})
    return pl.DataFrame(rows, schema=_PAIRS)


def _run_params(run: RunRecord) -> list[object]:
    """Parameters of the runs row, times as naive UTC because the columns are TIMESTAMP."""
    summary = run.summary.format()
    missing = json.dumps(dict(run.missing), ensure_ascii=False, sort_keys=True)
    return [
        run.run_id,
        _utc(run.started_at),
        _utc(run.finished_at) if run.finished_at else None,
        run.status,
        run.signature.format(),
        run.encoder,
        run.encoder_version,
        list(run.languages),
        summary,
        missing,
    ]


def _utc(moment: dt.datetime) -> dt.datetime:
    """Convert an aware time to naive UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
