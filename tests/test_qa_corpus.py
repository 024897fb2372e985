"""The corpus-wide checks from stored texts give what the checks over every group give.

Consistency and outliers are asked of SQL first (``qa_texts``, kept per resolution), and
only the groups that can give a finding are read back: the findings must be exactly those
of the checks run over every paragraph group of the corpus, on the bundled corpus and on
ITU-T E.119 (read from ``../shared``).
"""

from __future__ import annotations

import shutil
from collections.abc import Collection
from pathlib import Path

import duckdb
import pytest

from warehouse.db import connect
from warehouse.qa.corpus import CORPUS_CHECKS, LEVEL, corpus_findings, text_rows
from warehouse.qa.model import QAGroup
from warehouse.qa.run import by_severity, qa_into, read_groups, run_checks


@pytest.mark.parametrize("fixture", ["qa_corpus_db", "e119_db"])
def test_corpus_checks_from_stored_texts_equal_the_full_checks(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    db: Path = request.getfixturevalue(fixture)
    con = connect(db, read_only=True)
    try:
        everything = read_groups(con, None, {LEVEL})
        full = run_checks(everything, CORPUS_CHECKS)
        stored = con.sql("SELECT * FROM qa_texts ORDER BY ALL").pl()
        assert stored.equals(text_rows(everything).sort(stored.columns))

        def read(ids: Collection[str]) -> list[QAGroup]:
            return read_groups(con, None, None, None, group_ids=ids)

        fast = by_severity(corpus_findings(con, CORPUS_CHECKS, read))
    finally:
        con.close()
    assert fast == full
    # Both checks find something to compare: the bundled corpus has both kinds of
    # finding, E.119 length outliers.
    expected = {"qa_corpus_db": {"consistency", "outliers"}, "e119_db": {"outliers"}}
    assert {f.check for f in full} == expected[fixture]


def test_a_database_from_before_gets_its_texts_back(qa_corpus_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    shutil.copyfile(qa_corpus_db, db)
    con = connect(db)
    try:
        before = con.sql("SELECT * FROM qa_texts ORDER BY ALL").fetchall()
        con.execute("DELETE FROM qa_texts WHERE resolution = 'udhr'")
        run_id = con.sql("SELECT max(run_id) FROM runs").fetchone()[0]  # type: ignore[index]
        qa_into(con, run_id, ["130"])  # rebuilt 130 only: udhr is filled in from its groups
        assert con.sql("SELECT * FROM qa_texts ORDER BY ALL").fetchall() == before
    finally:
        con.close()


def test_checks_reopening_the_connection_store_what_one_connection_stores(
    qa_corpus_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's QA reopens its connection every few batches (DuckDB frees memory only then).

    One resolution a batch and a reopening after each, and around the corpus-wide checks:
    the findings and texts stored are those of a QA on one connection.
    """
    import warehouse.qa.run as qa_run
    from warehouse.publish import Stage

    monkeypatch.setattr(qa_run, "QA_BATCH", 1)
    monkeypatch.setattr(qa_run, "QA_REOPEN", 1)
    tables = "SELECT * FROM {} ORDER BY ALL"
    stored: dict[bool, list[list[tuple[object, ...]]]] = {}
    for reopening in (False, True):
        copy = tmp_path / f"copy-{reopening}.duckdb"
        shutil.copyfile(qa_corpus_db, copy)
        stage = Stage(qa_corpus_db, copy)
        opened: list[int] = []

        def reopen(stage: Stage = stage, opened: list[int] = opened) -> duckdb.DuckDBPyConnection:
            opened.append(1)
            return stage.reopen()

        run_id = stage.con.sql("SELECT max(run_id) FROM runs").fetchone()[0]  # type: ignore[index]
        qa_into(stage.con, run_id, None, reopen=reopen if reopening else None)
        stored[reopening] = [
            stage.con.sql(tables.format(t)).fetchall() for t in ("qa_findings", "qa_texts")
        ]
        stage.con.close()
        # Two resolutions: one reopening between them, one before each corpus-wide check
        # and one before the findings are stored.
        assert len(opened) == (4 if reopening else 0)
    assert stored[True] == stored[False]
    assert stored[True][0] and stored[True][1]
