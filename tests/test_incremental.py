"""Incremental runs: a second run on unchanged sources skips everything and embeds nothing.

Both runs are real Prefect flow runs. What an unchanged run costs against a build is
measured by ``benchmarks/scale.py``, not asserted here: a timed test fails on a busy machine
and passes on a slow product.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.build_corpus import build_corpus
from flows.config import RunConfig
from warehouse.changes import LoadedDocument, SourceState, loaded_documents, plan_skips
from warehouse.db import query

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Any]]]:
    tmp = tmp_path_factory.mktemp("incremental")
    db, cache = tmp / "corpus.duckdb", tmp / "embeddings"
    out = []
    with prefect_test_harness(server_startup_timeout=180):
        for _ in range(2):
            out.append(build_corpus(RunConfig(db=db, embedding_cache=cache)))
        yield db, out


def test_second_run_parses_embeds_and_checks_nothing(two_runs) -> None:
    # What it costs is measured by benchmarks/scale.py (timed tests are not the place).
    _, [first, second] = two_runs
    assert first.embedded > 500 and first.documents == 8 and first.findings
    assert second.embedded == 0 and second.reused == 0 and second.documents == 0
    assert second.groups == 0 and second.findings is None and second.reports == {}
    assert sorted(second.skipped) == ["130", "udhr"]


def test_the_run_record_says_what_was_skipped_and_why(two_runs) -> None:
    db, [first, second] = two_runs
    [(summary,)] = query(db, "SELECT summary FROM runs WHERE run_id = ?", [second.run_id])[1]
    data = json.loads(str(summary))
    assert data["built"] == [] and data["embedded"] == 0
    assert set(data["skipped"]) == {"130", "udhr"}
    assert data["skipped"]["udhr"].startswith("unchanged: 6 sources (ar,en,es,fr,ru,zh)")
    assert first.run_id in data["skipped"]["udhr"]
    assert data["params"] == {"encoder": "usem3", "max_align": 5}


def test_skipped_resolutions_are_kept_as_they_were(two_runs) -> None:
    db, [first, _] = two_runs
    docs = query(db, "SELECT DISTINCT run_id FROM documents")[1]
    assert docs == [(first.run_id,)]
    n = query(db, "SELECT count(*) FROM alignment_groups")[1][0][0]
    assert n == first.groups
    assert query(db, "SELECT count(*) FROM segment_changes WHERE run_id <> ?", [first.run_id])[
        1
    ] == [(0,)]


def _loaded(
    sha: str = "a", encoder: str = "usem3", ma: int = 5
) -> dict[tuple[str, str], LoadedDocument]:
    return {
        ("udhr", lang): LoadedDocument("udhr", lang, sha, "r1", encoder, ma)
        for lang in ("en", "fr")
    }


@pytest.mark.parametrize(
    ("sources", "loaded", "skipped"),
    [
        ([SourceState("udhr", "en", "a"), SourceState("udhr", "fr", "a")], _loaded(), True),
        ([SourceState("udhr", "en", "a"), SourceState("udhr", "fr", "b")], _loaded(), False),
        ([SourceState("udhr", "en", "a")], _loaded(), False),  # a language gone
        ([SourceState("udhr", "en", "a"), SourceState("udhr", "fr", "a")], {}, False),
        (
            [SourceState("udhr", "en", "a"), SourceState("udhr", "fr", "a")],
            _loaded(encoder="LaBSE"),
            False,
        ),
        ([SourceState("udhr", "en", "a"), SourceState("udhr", "fr", "a")], _loaded(ma=3), False),
    ],
    ids=["unchanged", "one-changed", "language-gone", "never-loaded", "encoder", "max-align"],
)
def test_plan_skips(sources, loaded, skipped: bool) -> None:
    assert ("udhr" in plan_skips(sources, loaded, "usem3", 5)) is skipped


def test_no_database_plans_no_skip(tmp_path: Path) -> None:
    assert loaded_documents(tmp_path / "none.duckdb") == {}
