"""The change report: one clause revised in one language of a bundled document.

Acceptance of issue 8: changing one clause in one language yields exactly one "changed"
clause row and a stale-translation finding for each other language of that clause.
"""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.testing.utilities import prefect_test_harness

from corpus.manifest import BUNDLED_SOURCES
from flows.build_corpus import build_corpus
from flows.cli import main
from flows.config import RunConfig
from warehouse.changes import clause_changes, format_changes
from warehouse.db import query

pytestmark = pytest.mark.slow

OLD = "à la sûreté de sa personne"
NEW = "à la sécurité de sa personne"


def revise(mirror: Path, path: str, old: str, new: str) -> None:
    """Edit one file of a mirror and update its sha256 in the manifest."""
    file = mirror / path
    before = file.read_bytes()
    after = before.replace(old.encode(), new.encode(), 1)
    assert after != before
    file.write_bytes(after)
    manifest = (mirror / "manifest.toml").read_text(encoding="utf-8")
    sha = next(e["sha256"] for e in tomllib.loads(manifest)["file"] if e["path"] == path)
    manifest = manifest.replace(sha, hashlib.sha256(after).hexdigest())
    (mirror / "manifest.toml").write_text(manifest, encoding="utf-8")


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any, Any]]:
    tmp = tmp_path_factory.mktemp("changes")
    mirror = tmp / "mirror"
    shutil.copytree(BUNDLED_SOURCES, mirror)
    db, cache = tmp / "corpus.duckdb", tmp / "embeddings"
    with prefect_test_harness(server_startup_timeout=180):
        config = RunConfig(db=db, source=str(mirror / "manifest.toml"), embedding_cache=cache)
        first = build_corpus(config)
        revise(mirror, "udhr/fra.html", OLD, NEW)
        second = build_corpus(config)
        yield db, first, second


def test_only_the_changed_resolution_is_rebuilt(revised) -> None:
    _, _, second = revised
    assert list(second.skipped) == ["130"]
    assert second.documents == 6  # udhr re-aligned whole
    # Only the revised texts (clause, paragraph, sentence and their windows) are embedded;
    # the other languages come from the store.
    assert 0 < second.embedded < 20 and second.reused > 500


def test_exactly_one_changed_clause_row(revised) -> None:
    db, _, second = revised
    rows = query(
        db,
        "SELECT change, resolution, key, lang, old_text, new_text, changed_langs, "
        "unchanged_langs FROM clause_changes WHERE run_id = ?",
        [second.run_id],
    )[1]
    assert rows == [
        (
            "changed",
            "udhr",
            "article.3",
            "fr",
            "Tout individu a droit à la vie, à la liberté et à la sûreté de sa personne.",
            "Tout individu a droit à la vie, à la liberté et à la sécurité de sa personne.",
            ["fr"],
            ["ar", "en", "es", "ru", "zh"],
        )
    ]
    changes = clause_changes(db)
    assert [(c.change, c.key, c.lang, c.stale) for c in changes] == [
        ("changed", "article.3", "fr", True)
    ]
    assert "not changed in ar,en,es,ru,zh: stale" in format_changes(changes)


def test_stale_translation_findings_for_the_other_languages(revised) -> None:
    db, _, second = revised
    rows = query(
        db,
        "SELECT severity, key, lang FROM qa_findings WHERE run_id = ? AND check_name = 'stale' "
        "ORDER BY lang",
        [second.run_id],
    )[1]
    assert rows == [("warning", "article.3", lang) for lang in ("ar", "en", "es", "ru", "zh")]


def test_first_load_is_all_added_and_not_stale(revised) -> None:
    db, first, _ = revised
    kinds = query(
        db,
        "SELECT DISTINCT change, len(unchanged_langs) FROM clause_changes WHERE run_id = ?",
        [first.run_id],
    )[1]
    assert kinds == [("added", 0)]
    assert query(
        db,
        "SELECT count(*) FROM qa_findings WHERE check_name = 'stale' AND run_id = ?",
        [first.run_id],
    )[1] == [(0,)]


def test_cli_changes_since(revised, capsys: pytest.CaptureFixture[str]) -> None:
    db, first, second = revised
    assert main(["changes", "--db", str(db), "--since", first.run_id]) == 0
    out = capsys.readouterr().out.splitlines()
    # The clause, its paragraph and its sentence changed: listed once, as the clause.
    counts = "1 clause changed, 1 paragraph changed, 1 sentence changed"
    assert out[0] == f"run {second.run_id}: {counts}; 1 stale translations"
    assert out[1:3] == [
        f"  fr: {counts}",
        "  changed udhr clause article.3 fr (not changed in ar,en,es,ru,zh: stale)",
    ]
    assert main(["changes", "--db", str(db), "--since", "nope"]) == 1
    assert capsys.readouterr().err.strip().endswith("no run 'nope' in this database")
