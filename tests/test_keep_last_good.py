"""A run that cannot read a language keeps that language's last good version everywhere.

Two real runs of the command on a mirror of the bundled snapshot: the first reads every
file; before the second, Resolution 130's French file gets a NUL byte (its manifest
updated, so only the new check refuses it). The French clauses must stay aligned in
``parallel`` and the TMX export, and the run must say what it kept, with exit status 3.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from corpus.manifest import BUNDLED_SOURCES
from flows.cli import PARTIAL, main
from warehouse.db import query
from warehouse.export import read_tmx

FR = "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt"
FR_CLAUSES = (
    "SELECT count(*) FROM parallel WHERE resolution = '130' AND level = 'clause' AND fr IS NOT NULL"
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int, int, str]]:
    """The database after a good run and a run with broken French, the counts and output."""
    root = tmp_path_factory.mktemp("keep")
    mirror = root / "mirror"
    shutil.copytree(BUNDLED_SOURCES, mirror)
    db = root / "corpus.duckdb"
    with prefect_test_harness(server_startup_timeout=180):
        assert main(["run", "--db", str(db), "--source", str(mirror)]) == 0
        before = query(db, FR_CLAUSES)[1][0][0]
        text = (mirror / FR).read_bytes()
        broken = text.replace(b"\n", b"\n\x00", 1)
        (mirror / FR).write_bytes(broken)
        manifest = mirror / "manifest.toml"
        old, new = hashlib.sha256(text).hexdigest(), hashlib.sha256(broken).hexdigest()
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, new), "utf-8")
        status = main(["run", "--db", str(db), "--source", str(mirror)])
    yield db, before, status, str(root)


def test_broken_french_keeps_all_its_clause_groups(
    runs: tuple[Path, int, int, str], tmp_path: Path
) -> None:
    db, before, status, _ = runs
    assert status == PARTIAL
    assert before == 161
    assert query(db, FR_CLAUSES)[1] == [(161,)]
    out = tmp_path / "130.tmx"
    assert (
        main(
            ["export", "tmx", str(out), "--level", "clause", "--resolution", "130", "--db", str(db)]
        )
        == 0
    )
    units = read_tmx(out).units
    assert sum("fr" in u.texts for u in units) == 161


def test_the_run_says_what_it_kept(
    runs: tuple[Path, int, int, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _, _, _ = runs
    [(status, missing, kept, first)] = query(
        db,
        """SELECT status, json_keys(missing), summary->'kept'->>'130:fr',
                  (SELECT min(run_id) FROM runs)
           FROM runs ORDER BY started_at DESC LIMIT 1""",
    )[1]
    assert (status, missing, kept) == ("partial", ["130:fr"], first)
    assert main(["summary", "--db", str(db)]) == 0
    summary = capsys.readouterr().out
    assert f"not read: 130:fr: {FR}: NUL at byte" in summary
    assert f"its version of run {first} is kept" in summary
    assert main(["changes", "--db", str(db)]) == 0
    changes = capsys.readouterr().out
    assert changes.splitlines()[0].endswith(f"its version of run {first} is kept")
    assert "not read: 130:fr" in changes.splitlines()[0]
