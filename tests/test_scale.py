"""Incremental runs give the corpus a from-scratch build gives, and cost what changed.

Three small documents made from the UN Parallel Corpus dev set (Ziemski et al., 2016;
read from ``../shared/eval/unpc-devset``, skipped when absent) as six Word files each,
by the writer of ``benchmarks/scale.py``. One warehouse is built in three runs (two
documents; a third added and one sentence of the first changed in French; then an
unchanged run), another from scratch from the final sources; their groups, QA findings
and (mined on demand) candidate terms and term candidates must be the same.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from flows.cli import main
from flows.config import RunConfig
from flows.pipeline import build, unchanged_sources
from warehouse.db import query

pytestmark = pytest.mark.slow


def up_to_date(config: RunConfig) -> bool:
    """Whether an incremental run of a local source would rebuild nothing at all."""
    return unchanged_sources(config) is not None


def scale_benchmark() -> ModuleType:
    """``benchmarks/scale.py``, a script rather than a package module, loaded from its file."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "scale.py"
    spec = importlib.util.spec_from_file_location("scale_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


#: What must be equal, run ids and finding numbers aside. The stale check reports what
#: the latest run changed, which a from-scratch build (everything added) cannot show.
#: Confidences are compared to 4 places: vectors embedded in other batches differ in the
#: last bits.
COMPARED = {
    "parallel": "SELECT * REPLACE (round(confidence, 4) AS confidence) FROM parallel ORDER BY ALL",
    "segments": "SELECT * EXCLUDE (run_id) FROM segments ORDER BY ALL",
    "findings": "SELECT * EXCLUDE (run_id, finding_no) FROM qa_findings "
    "WHERE run_id = (SELECT max(run_id) FROM qa_findings) AND check_name <> 'stale' ORDER BY ALL",
    "search": "SELECT * FROM search_terms ORDER BY ALL",
}
#: The candidate terms kept for mining, compared once both warehouses have mined.
TERMS = {
    "term groups": "SELECT * FROM term_groups ORDER BY ALL",
    "term occurrences": "SELECT * FROM term_occurrences ORDER BY ALL",
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    scale = scale_benchmark()
    devset = scale.find_devset()
    if not devset.is_dir():
        pytest.skip(f"the UNPC dev set is not at {devset}")
    tmp = tmp_path_factory.mktemp("scale")
    mirror = scale.Mirror(tmp / "mirror", scale.read_devset(devset), size=20)
    mirror.root.mkdir()
    first = mirror.manifest("2", 2)
    final = mirror.manifest("3-changed", 3, change=(0, "fr"))
    inc, scratch = tmp / "incremental.duckdb", tmp / "scratch.duckdb"
    before = up_to_date(RunConfig(db=inc, source=str(first)))
    cache = tmp / "cache"
    runs = [  # the plain pipeline: what is compared is the warehouse, not the orchestration
        build(RunConfig(db=inc, source=str(first), embedding_cache=cache, mine_terms=True)),
        build(RunConfig(db=inc, source=str(final), embedding_cache=cache)),
        build(RunConfig(db=inc, source=str(final), embedding_cache=cache)),
    ]
    build(RunConfig(db=scratch, source=str(final), embedding_cache=None))
    # All three resolutions in one batch (the default is one): aligned side by side, as a
    # Dask cluster of several workers runs them, and loaded in one transaction.
    together = tmp / "together.duckdb"
    build(RunConfig(db=together, source=str(final), embedding_cache=cache, batch=3))
    yield {
        "inc": inc,
        "scratch": scratch,
        "runs": runs,
        "before": before,
        "first": first,
        "final": final,
        "cache": cache,
        "together": together,
    }


def test_incremental_equals_from_scratch(builds: dict[str, Any]) -> None:
    for name, sql in COMPARED.items():
        incremental = query(builds["inc"], sql)[1]
        assert incremental, name
        assert incremental == query(builds["scratch"], sql)[1], name


def test_a_batch_of_several_resolutions_builds_the_same_corpus(builds: dict[str, Any]) -> None:
    for name, sql in COMPARED.items():
        assert query(builds["together"], sql)[1] == query(builds["scratch"], sql)[1], name


def test_term_candidates_are_mined_on_demand_alike(
    builds: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Runs mine nothing unless asked: that cost grows with the corpus. The first run mined;
    # the second dropped the terms of what it rebuilt and extracted none.
    first, *later = builds["runs"]
    counted = "SELECT count(*) FROM term_candidates WHERE run_id = ?"
    assert query(builds["inc"], counted, [first.run_id])[1] != [(0,)]
    assert all(query(builds["inc"], counted, [run.run_id])[1] == [(0,)] for run in later)
    kept = "SELECT DISTINCT resolution FROM term_groups ORDER BY 1"
    assert query(builds["inc"], kept)[1] == [("un-01",)]
    assert query(builds["scratch"], kept)[1] == []
    mined, terms = [], []
    for name in ("inc", "scratch"):
        db = tmp_path / f"{name}.duckdb"
        shutil.copyfile(builds[name], db)
        assert main(["qa", "--db", str(db), "--top", "0"]) == 0
        assert " term candidates" in capsys.readouterr().out
        sql = (
            "SELECT * EXCLUDE (run_id) FROM term_candidates "
            "WHERE run_id = (SELECT max(run_id) FROM term_candidates) ORDER BY ALL"
        )
        mined.append(query(db, sql)[1])
        terms.append([query(db, table)[1] for table in TERMS.values()])
        assert query(db, kept)[1] == [("un-00",), ("un-01",), ("un-02",)]
    assert mined[0] and mined[0] == mined[1]
    assert terms[0] == terms[1]


def test_a_run_rebuilds_only_what_changed(builds: dict[str, Any]) -> None:
    _, grown, unchanged = builds["runs"]
    assert grown.stats.resolutions == ("un-00", "un-02")  # changed, added
    assert sorted(grown.skipped) == ["un-01"]
    assert unchanged.documents == 0 and unchanged.findings is None
    # The run that changed one sentence stored one changed version of it, and its paragraph.
    _, rows = query(
        builds["inc"],
        "SELECT level, change, lang FROM segment_changes WHERE run_id = ? AND change <> 'added'",
        [grown.run_id],
    )
    assert sorted(rows) == [("paragraph", "changed", "fr"), ("sentence", "changed", "fr")]


def test_an_unchanged_run_is_recorded_without_the_orchestrator(
    builds: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    inc, final = builds["inc"], str(builds["final"])
    assert builds["before"] is False  # an empty database: everything to build
    assert up_to_date(RunConfig(db=inc, source=final))
    assert not up_to_date(RunConfig(db=inc, source=str(builds["first"])))  # un-00 changed
    assert not up_to_date(RunConfig(db=inc, source=final, incremental=False))
    runs = query(inc, "SELECT count(*) FROM runs")[1][0][0]
    argv = ["run", "--db", str(inc), "--source", final, "--embedding-cache", str(builds["cache"])]
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "recording the run without Prefect" in out.err
    assert "run " in out.out and "0 documents" in out.out
    assert query(inc, "SELECT count(*) FROM runs")[1][0][0] == runs + 1


def test_changes_lists_the_paragraph_of_a_document_without_clauses(
    builds: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    first, _, _ = builds["runs"]
    assert main(["changes", "--db", str(builds["inc"]), "--since", first.run_id]) == 0
    out = capsys.readouterr().out.splitlines()
    # The added document is counted (120 paragraphs: too many to list); the changed
    # sentence is listed once, as its paragraph, with the languages left stale.
    assert "paragraphs added, 1 paragraph changed" in out[0]
    at = out.index("  changed un-00 paragraph body fr (not changed in ar,en,es,ru,zh: stale)")
    assert out[at + 2].startswith("    + ") and out[at + 2].endswith(" (revised).")


def test_prune_keeps_the_newest_findings_and_shrinks(builds: dict[str, Any]) -> None:
    db = builds["inc"]
    before = query(db, COMPARED["findings"])[1]
    assert main(["prune", "--db", str(db), "--keep-runs", "1"]) == 0
    assert query(db, COMPARED["findings"])[1] == before
    _, runs = query(db, "SELECT count(DISTINCT run_id) FROM qa_findings")
    assert runs == [(1,)]
    assert query(db, COMPARED["parallel"])[1] == query(builds["scratch"], COMPARED["parallel"])[1]
