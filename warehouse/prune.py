"""Pruning the history a warehouse keeps, and giving the space back.

Most of the warehouse is the current corpus, replaced in place when a run rebuilds a
resolution. Three things grow with every run that rebuilds something (see
``docs/schema.md``): the findings and term candidates each QA run stores for the whole
corpus, the closed versions of ``segment_versions`` (texts a run replaced) and the fetch
log. :func:`prune` keeps them for the newest ``keep_runs`` runs only (and always the
findings of the newest QA, which hold until a run rebuilds something) and writes the
database anew, so the file shrinks to what it holds. The ``runs`` rows themselves stay:
they are small, and every document names the run that loaded it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from corpus.errors import DatabaseError
from warehouse.db import NO_DATABASE, first_line, migrate, transaction
from warehouse.publish import staged

#: What is deleted, table by table; ``$1`` lists the run ids kept.
_PRUNE = {
    "qa_findings": "DELETE FROM qa_findings WHERE NOT list_contains($1, run_id)",
    "term_candidates": "DELETE FROM term_candidates WHERE NOT list_contains($1, run_id)",
    # A version closed by a run before the kept ones is history older than they are.
    "segment_versions": """DELETE FROM segment_versions
        WHERE valid_to_run IS NOT NULL AND NOT list_contains($1, valid_to_run)""",
    "fetches": "DELETE FROM fetches WHERE run_id IS NOT NULL AND NOT list_contains($1, run_id)",
}


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What a prune removed and what the file weighs before and after."""

    kept_runs: tuple[str, ...]
    deleted: dict[str, int]
    bytes_before: int
    bytes_after: int


def prune(path: Path | str, keep_runs: int) -> PruneReport:
    """Keep the history of the newest ``keep_runs`` runs, drop the rest, compact the file.

    Raises:
        DatabaseError: no database, ``keep_runs`` below 1, or the write fails.
    """
    path = Path(path)
    if keep_runs < 1:
        raise DatabaseError("--keep-runs must be at least 1", path=str(path))
    if not path.exists():
        raise DatabaseError(NO_DATABASE, path=str(path))
    before = path.stat().st_size
    deleted: dict[str, int] = {}
    try:
        with staged(path, compact=True) as con:
            migrate(con)
            kept = [
                str(r[0])
                for r in con.execute(
                    "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT ?", [keep_runs]
                ).fetchall()
            ]
            qa = con.execute(
                """SELECT f.run_id FROM (SELECT DISTINCT run_id FROM qa_findings) AS f
                   JOIN runs AS r USING (run_id) ORDER BY r.started_at DESC LIMIT 1"""
            ).fetchone()
            keep = sorted({*kept, *([str(qa[0])] if qa else [])})
            with transaction(con):
                for table, sql in _PRUNE.items():
                    row = con.execute(sql, [keep]).fetchone()
                    deleted[table] = int(row[0]) if row else 0
    except duckdb.Error as exc:
        raise DatabaseError(
            f"prune failed, nothing was changed ({first_line(exc)})", path=str(path)
        ) from exc
    return PruneReport(tuple(kept), deleted, before, path.stat().st_size)
