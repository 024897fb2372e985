"""The real build_corpus flow on the bundled documents, checked with SQL on real DuckDB.

The plain pipeline (no Prefect) builds the same corpus into a second file, and the two
databases are compared table by table: the flow only changes how the steps are executed.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from corpus.manifest import BUNDLED_SOURCES
from flows.build_corpus import build_corpus
from flows.cli import main
from flows.config import RunConfig
from flows.pipeline import RunReport, build, gather_sources
from warehouse.db import query

MANIFEST = BUNDLED_SOURCES / "manifest.toml"


@pytest.fixture(scope="module")
def prefect_api() -> Iterator[None]:
    """One local Prefect API (SQLite, loopback) for the module's flow runs."""
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> tuple[Path, RunReport]:
    db = tmp_path_factory.mktemp("demo") / "itu-corpus.duckdb"
    return db, build_corpus(RunConfig(db=db, embedding_cache=None))


#: Columns that name or time a run: they differ between any two runs.
RUN_COLUMNS = ("run_id", "valid_from_run", "valid_to_run", "started_at", "finished_at")


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the warehouse, sorted, without run ids and times."""
    tables = [
        str(t)
        for (t,) in rows(
            db, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
        )
    ]
    out = {}
    for table in tables:
        columns = [
            str(c)
            for (c,) in rows(
                db,
                "SELECT column_name FROM duckdb_columns() "
                f"WHERE table_name = '{table}' "
                "AND schema_name = 'main'",
            )
        ]
        kept = [c for c in columns if c not in RUN_COLUMNS and c != "applied_at"]
        out[table] = rows(db, f"SELECT {', '.join(kept)} FROM {table} ORDER BY ALL")
    return out


def test_the_plain_pipeline_builds_the_same_database(
    built: tuple[Path, RunReport], tmp_path: Path
) -> None:
    db = tmp_path / "plain.duckdb"
    report = build(RunConfig(db=db, embedding_cache=None))  # no Prefect anywhere
    assert (report.documents, report.groups) == (built[1].documents, built[1].groups)
    flow, plain = contents(built[0]), contents(db)
    assert sorted(plain) == sorted(flow)
    for table in flow:
        assert plain[table] == flow[table], table
    # 674: the UDHR preamble's "The General Assembly" and the paragraph after it are one
    # group (with its paragraph and sentence), as Chinese writes them in one paragraph.
    assert len(flow["alignment_groups"]) == 674 and len(flow["qa_findings"]) > 100


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    return query(db, sql)[1]


def test_the_flow_only_runs_the_pipeline() -> None:
    """The flow function is a few lines: the wiring lives in flows.pipeline.build."""
    assert len(inspect.getsource(build_corpus.fn).splitlines()) < 40


def test_the_run_is_recorded(built: tuple[Path, RunReport]) -> None:
    db, report = built
    assert report.documents == 8
    assert report.missing == {}
    [(run_id, status, signature)] = rows(db, "SELECT run_id, status, signature FROM runs")
    assert (run_id, status, signature) == (report.run_id, "ok", report.signature.format())
    assert str(signature).startswith("enc:usem3|ma:5|pivot:en>fr>es>ru>ar>zh|")


def test_the_run_writes_a_review_page_per_rebuilt_resolution(built: tuple[Path, RunReport]) -> None:
    db, report = built
    pages = {r: db.parent / "reports" / f"{r}.html" for r in ("130", "udhr")}
    assert report.reports == pages and report.reports_failed == {}
    for page in pages.values():
        html = page.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>") and report.run_id in html


def test_udhr_has_thirty_articles_in_six_languages(built: tuple[Path, RunReport]) -> None:
    db, _ = built
    articles = rows(
        db,
        """SELECT key, n_langs, method FROM parallel
           WHERE resolution = 'udhr' AND level = 'clause' ORDER BY position""",
    )
    assert articles == [(f"article.{n}", 6, "structure") for n in range(1, 31)]
    # The right article numbers: each member's own label says the same number.
    labels = rows(
        db,
        """SELECT g.key, s.lang, s.label FROM alignment_groups g
           JOIN alignment_members m USING (group_id) JOIN segments s USING (segment_id)
           WHERE g.resolution = 'udhr' AND g.level = 'clause' AND s.key <> g.key""",
    )
    assert labels == []
    assert rows(
        db,
        """SELECT en, fr, zh FROM parallel WHERE resolution = 'udhr' AND level = 'clause'
           AND key = 'article.3'""",
    ) == [
        (
            "Everyone has the right to life, liberty and the security of person.",
            "Tout individu a droit à la vie, à la liberté et à la sûreté de sa personne.",
            "人人有权享有生命、自由和人身安全。",
        )
    ]


def test_each_whereas_recital_is_one_group(built: tuple[Path, RunReport]) -> None:
    db, _ = built
    recitals = rows(
        db,
        """SELECT n_langs, ar IS NULL, fr, es, ru, zh FROM parallel
           WHERE resolution = 'udhr' AND level = 'paragraph' AND key = 'preamble'
           AND en LIKE 'Whereas%' ORDER BY position""",
    )
    assert len(recitals) == 7
    for n_langs, no_ar, fr, es, ru, zh in recitals:
        assert str(fr).startswith("Considérant")
        assert str(es).startswith("Considerando")
        assert str(ru).lower().startswith("принимая во внимание")
        assert str(zh).startswith("鉴于")
        # The Arabic file has no fourth recital ("friendly relations between nations").
        assert (n_langs, no_ar) in {(6, False), (5, True)}
    assert [r[0] for r in recitals] == [6, 6, 6, 5, 6, 6, 6]


def test_resolution_130_french_beside_english(built: tuple[Path, RunReport]) -> None:
    db, _ = built
    sections = rows(
        db,
        """SELECT key FROM parallel WHERE resolution = '130' AND level = 'section'
           AND en IS NOT NULL AND fr IS NOT NULL ORDER BY position""",
    )
    assert [s[0] for s in sections][:8] == [
        "title",
        "formula",
        "recalling",
        "considering",
        "recognizing",
        "aware",
        "noting",
        "bearing-in-mind",
    ]
    both = rows(
        db,
        """SELECT count(*) FROM parallel WHERE resolution = '130' AND level = 'clause'
           AND en IS NOT NULL AND fr IS NOT NULL""",
    )[0][0]
    assert isinstance(both, int) and both >= 120
    [(fr,)] = rows(
        db,
        """SELECT fr FROM parallel WHERE resolution = '130' AND level = 'clause'
           AND en LIKE 'UNGA Resolution 71/199%'""",
    )
    assert str(fr).startswith("la Résolution 71/199 de l'Assemblée générale")
    # Clauses inserted in 2022 have no 2018 English counterpart and are kept alone.
    [(en, confidence, best)] = rows(
        db,
        """SELECT en, confidence, best_match_similarity FROM parallel
           WHERE resolution = '130' AND level = 'clause'
           AND fr LIKE 'que cet environnement peut être complexe%'""",
    )
    assert en is None
    # One name, one meaning: a one-language group has no confidence, but the best cosine
    # to any other language's item of the same section; several languages, the reverse.
    assert confidence is None and isinstance(best, float) and 0.0 < best < 1.0
    [(alone, no_confidence, best_known), (_, null_confidence, best_too)] = rows(
        db,
        """SELECT count(*), count(*) FILTER (WHERE confidence IS NULL),
                  count(best_match_similarity)
           FROM alignment_groups GROUP BY n_langs > 1 ORDER BY n_langs > 1""",
    )
    assert no_confidence == alone and 0 < int(str(best_known)) <= int(str(alone))
    assert (null_confidence, best_too) == (0, 0)


def test_the_resolutions_table_says_what_each_document_is(
    built: tuple[Path, RunReport],
) -> None:
    db, _ = built
    assert rows(
        db,
        "SELECT resolution, kind, body, meeting, year, document, title_en, title_zh IS NULL "
        "FROM resolutions ORDER BY resolution",
    ) == [
        (
            "130",
            "resolution",
            "PP",
            "PP-18",
            2018,
            "S22-PP-C-0076!A35",
            "Strengthening the role of ITU in building confidence and security in the use "
            "of information and communication technologies",
            True,
        ),
        (
            "udhr",
            "declaration",
            "UNGA",
            "UNGA-3",
            1948,
            None,
            "Universal Declaration of Human Rights",
            False,
        ),
    ]
    [(title_fr,)] = rows(db, "SELECT title_fr FROM resolutions WHERE resolution = '130'")
    assert str(title_fr).startswith("Renforcement du rôle de l'UIT")
    # parallel and clauses join it on resolution.
    assert rows(
        db,
        """SELECT r.kind, count(*) FROM clauses AS c JOIN resolutions AS r USING (resolution)
           GROUP BY ALL ORDER BY 1""",
    ) == rows(
        db,
        """SELECT CASE resolution WHEN 'udhr' THEN 'declaration' ELSE 'resolution' END,
                  count(*) FROM clauses GROUP BY ALL ORDER BY 1""",
    )


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    return {
        table: rows(db, f"SELECT * EXCLUDE (run_id) FROM {table} ORDER BY ALL")
        for table in ("documents", "segments", "alignment_groups")
    } | {"alignment_members": rows(db, "SELECT * FROM alignment_members ORDER BY ALL")}


def test_a_second_run_duplicates_nothing(built: tuple[Path, RunReport], tmp_path: Path) -> None:
    db = tmp_path / "again.duckdb"
    shutil.copy(built[0], db)
    before = snapshot(db)
    build_corpus(RunConfig(db=db))
    assert snapshot(db) == before
    assert rows(db, "SELECT count(*) FROM runs") == [(2,)]


def test_a_broken_language_does_not_sink_the_others(
    built: tuple[Path, RunReport], tmp_path: Path
) -> None:
    """Arabic arrives undecodable: the run goes on and the last good Arabic stays."""
    db = tmp_path / "partial.duckdb"
    shutil.copy(built[0], db)
    mirror = tmp_path / "mirror"
    shutil.copytree(BUNDLED_SOURCES, mirror)
    bad = (mirror / "udhr" / "arb.html").read_bytes().replace("المادة".encode(), b"\xff", 1)
    (mirror / "udhr" / "arb.html").write_bytes(bad)
    manifest = (mirror / "manifest.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(manifest)["file"]
    old = next(e["sha256"] for e in entries if e["path"] == "udhr/arb.html")
    new = hashlib.sha256(bad).hexdigest()
    (mirror / "manifest.toml").write_text(manifest.replace(old, new), encoding="utf-8")

    report = build_corpus(
        RunConfig(db=db, source=str(mirror / "manifest.toml"), resolutions=("udhr",))
    )
    position = bad.index(b"\xff")
    assert report.missing == {"udhr:ar": f"udhr/arb.html: not valid UTF-8 at byte {position}"}
    assert report.documents == 5
    assert rows(db, f"SELECT status FROM runs WHERE run_id = '{report.run_id}'") == [("partial",)]
    docs = {
        str(doc_id): run_id
        for doc_id, run_id in rows(
            db, "SELECT doc_id, run_id FROM documents WHERE resolution = 'udhr'"
        )
    }
    assert docs["udhr:ar"] == built[1].run_id  # kept from the previous run
    assert {docs[f"udhr:{lang}"] for lang in ("en", "es", "fr", "ru", "zh")} == {report.run_id}
    # Its stored version is aligned again with the others: every article keeps its Arabic.
    assert report.kept == {"udhr:ar": built[1].run_id}
    assert rows(
        db,
        """SELECT count(*) FROM parallel WHERE resolution = 'udhr' AND level = 'clause'
           AND n_langs = 6 AND ar IS NOT NULL""",
    ) == [(30,)]


def test_a_file_changed_after_the_gather_is_not_parsed(
    built: tuple[Path, RunReport], tmp_path: Path
) -> None:
    """The gather lets the bytes go and the batch reads them again: a file replaced
    in between fails its language (the others load, its stored version stays)."""
    db = tmp_path / "moved.duckdb"
    shutil.copy(built[0], db)
    mirror = tmp_path / "mirror"
    shutil.copytree(BUNDLED_SOURCES, mirror)
    config = RunConfig(
        db=db, source=str(mirror / "manifest.toml"), resolutions=("udhr",), incremental=False
    )
    gathered = gather_sources(config)
    arabic = mirror / "udhr" / "arb.html"
    pinned = hashlib.sha256(arabic.read_bytes()).hexdigest()
    arabic.write_bytes(arabic.read_bytes() + b"\n")
    now = hashlib.sha256(arabic.read_bytes()).hexdigest()

    report = build(config, gathered=gathered)
    assert report.missing == {
        "udhr:ar": f"udhr/arb.html: sha256 mismatch: manifest has {pinned[:12]}…, "
        f"file has {now[:12]}…"
    }
    assert report.documents == 5
    assert report.kept == {"udhr:ar": built[1].run_id}


def test_cli_run_with_unreadable_sources_leaves_the_database(
    built: tuple[Path, RunReport], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "kept.duckdb"
    shutil.copy(built[0], db)
    before = db.read_bytes()
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        MANIFEST.read_text(encoding="utf-8").replace('path = "udhr/', 'path = "gone/'),
        encoding="utf-8",
    )
    assert main(["run", "--db", str(db), "--source", str(manifest), "--langs", "en,fr"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "Error: no document could be read; the database was not changed"
    assert "missing udhr:en: gone/eng.html: file not found" in err
    assert db.read_bytes() == before


def test_cli_sql_formats(built: tuple[Path, RunReport], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = built
    sql = "SELECT key, en, ar FROM parallel WHERE resolution = 'udhr' AND level = 'clause' LIMIT 2"
    assert main(["sql", sql, "--db", str(db), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "key,en,ar"
    assert out[1].startswith("article.1,All human beings are born free and equal")
    assert main(["sql", sql, "--db", str(db), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[1]["key"] == "article.2"
    assert records[0]["ar"].startswith("يولد جميع الناس أحرارًا")
    assert main(["sql", sql, "--db", str(db)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split(" | ")[0].strip() == "key" and len(table) == 4


def test_cli_sql_refuses_writes(
    built: tuple[Path, RunReport], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = built
    before = rows(db, "SELECT count(*) FROM segments")
    assert main(["sql", "DELETE FROM segments", "--db", str(db)]) == 1
    assert capsys.readouterr().err.startswith(f"Error: {db}: ")
    assert rows(db, "SELECT count(*) FROM segments") == before


def test_cli_sql_without_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.duckdb"
    assert main(["sql", "SELECT 1", "--db", str(db)]) == 1
    assert capsys.readouterr().err == (
        f"Error: {db}: no database here; run `itu-corpus run` first\n"
    )
    assert not db.exists()
