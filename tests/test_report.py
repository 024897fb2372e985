"""The review page: the real corpus rendered, opened in headless Chromium, filtered.

The browser tests need Debian's ``chromium`` (``make test`` installs it when it can); on
a machine without it they are skipped with a message, never faked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flows.cli import main
from tests.browser import Browser, browser, find_chromium
from warehouse.db import query
from warehouse.report import render
from warehouse.report.data import REVIEW_ORDER, read_review
from warehouse.report.marks import find_spans, marked_html, needles
from warehouse.report.render import report_path, write_reports, write_review

#: The page of Resolution 130 must stay small enough to mail.
MAX_PAGE_BYTES = 2_000_000


@pytest.fixture(scope="module")
def pages(qa_corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pages")
    for resolution in ("udhr", "130"):
        assert (
            main(
                [
                    "report",
                    "--resolution",
                    resolution,
                    "--db",
                    str(qa_corpus_db),
                    "--out",
                    str(out / f"{resolution}.html"),
                ]
            )
            == 0
        )
    return {r: out / f"{r}.html" for r in ("udhr", "130")}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): browser test not run")
    with browser() as session:
        yield session


def clause_groups(db: Path, resolution: str) -> int:
    _, rows = query(
        db,
        "SELECT count(*) FROM alignment_groups WHERE resolution = ? AND level = 'clause'",
        [resolution],
    )
    return int(rows[0][0])


def visible_rows(page: Browser) -> int:
    return int(page.js("document.querySelectorAll('#review tr.row:not([hidden])').length"))


def set_control(page: Browser, element_id: str, value: Any) -> None:
    prop = "checked" if isinstance(value, bool) else "value"
    event = "input" if element_id == "q" else "change"
    page.js(
        f"(() => {{ const e = document.getElementById({element_id!r}); e.{prop} = "
        f"{str(value).lower() if isinstance(value, bool) else repr(value)}; "
        f"e.dispatchEvent(new Event({event!r})); }})()"
    )
    if element_id == "q":
        page.js("new Promise(done => setTimeout(done, 300))")


@pytest.mark.parametrize("resolution", ["udhr", "130"])
def test_page_in_headless_chromium(
    resolution: str,
    pages: dict[str, Path],
    qa_corpus_db: Path,
    chromium: Browser,
    tmp_path: Path,
) -> None:
    page = chromium
    page.open(pages[resolution].as_uri())

    # Nothing but the file itself was requested: no font, script or style from anywhere.
    assert page.requested() == [pages[resolution].as_uri()]

    # One column per language, in the UN order.
    assert page.js(
        "[...document.querySelectorAll('#review thead th[data-lang]')].map(th => th.dataset.lang)"
    ) == list(REVIEW_ORDER)

    # One row per clause group (the 30 articles of the UDHR), and every row has six cells.
    clauses = page.js("document.querySelectorAll('#review tr.row.clause').length")
    assert clauses == clause_groups(qa_corpus_db, resolution)
    if resolution == "udhr":
        assert clauses == 30
    assert page.js(
        "[...document.querySelectorAll('#review tbody tr')].every("
        "tr => tr.querySelectorAll('td.cell').length === 6)"
    )

    # lang on every cell, Arabic right to left, the others left to right.
    cells = page.js(
        "[...document.querySelectorAll('#review td.cell')].map(td => [td.lang, td.dir])"
    )
    assert {lang for lang, _ in cells} == set(REVIEW_ORDER)
    assert all(d == ("rtl" if lang == "ar" else "ltr") for lang, d in cells)

    # A language without text is shown as missing, not as an empty cell.
    empty = page.js(
        "[...document.querySelectorAll('#review td.cell')]"
        ".filter(td => !td.textContent.trim()).length"
    )
    assert empty == 0
    if resolution == "130":  # English and French only: the other four are marked missing
        missing = page.js(
            "[...document.querySelectorAll('#review tr.row.clause td[data-lang=zh]')]"
            ".map(td => td.classList.contains('missing') && td.innerText.trim())"
        )
        assert set(missing) == {"MISSING"}

    # A finding is marked in its cell: the mark names a finding of that cell's language.
    marked = page.js(
        "(() => { const f = JSON.parse(document.getElementById('findings').textContent);"
        " return [...document.querySelectorAll('#review td.cell mark.qa')].map(m => "
        " [m.closest('td').dataset.lang, m.dataset.f.split(' ').map(id => f[id].lang),"
        "  m.textContent, m.title]); })()"
    )
    if resolution == "130":  # the UDHR's findings are about absent terms and paragraphs
        assert marked, "no finding is marked in the text"
    for lang, finding_langs, text, title in marked:
        assert finding_langs == [lang] * len(finding_langs)
        assert text and title
    # Every finding about one language has a badge in that language's cell.
    badges = page.js(
        "(() => { const f = JSON.parse(document.getElementById('findings').textContent);"
        " const seen = new Set([...document.querySelectorAll('#review tr.row td.cell .badge')]"
        "   .filter(b => f[b.dataset.f].lang === b.closest('td').dataset.lang)"
        "   .map(b => b.dataset.f));"
        " return Object.keys(f).filter(id => f[id].lang && !seen.has(id)); })()"
    )
    assert badges == []

    # Every filter changes the rows shown, and resetting it brings them back.
    total = visible_rows(page)
    assert total == page.js("document.querySelectorAll('#review tr.row').length")
    checks = page.js("[...document.querySelectorAll('#f-check option')].map(o => o.value)")
    severities = page.js("[...document.querySelectorAll('#f-severity option')].map(o => o.value)")
    langs_with_findings = page.js(
        "[...new Set(Object.values(JSON.parse(document.getElementById('findings')"
        ".textContent)).map(f => f.lang).filter(Boolean))].sort()"
    )
    filters: list[tuple[str, Any, Any]] = [
        ("f-only", True, False),
        ("f-check", checks[1], ""),
        ("f-severity", "warning", ""),
        ("f-lang", langs_with_findings[0], ""),
        ("q", "Union" if resolution == "130" else "torture", ""),
    ]
    assert "warning" in severities
    for control, value, reset in filters:
        set_control(page, control, value)
        shown = visible_rows(page)
        assert 0 < shown < total, (control, value, shown, total)
        assert page.js("document.getElementById('shown').textContent") == f"{shown} of {total} rows"
        set_control(page, control, reset)
        assert visible_rows(page) == total, control

    # Columns can be hidden; sentences open on demand.
    set_control(page, "f-sentences", False)
    page.js(
        "(() => { const b = document.querySelector('input.col-toggle[value=zh]');"
        " b.checked = false; b.dispatchEvent(new Event('change')); })()"
    )
    assert (
        page.js(
            "getComputedStyle(document.querySelector('#review thead th[data-lang=zh]')).display"
        )
        == "none"
    )
    page.js(
        "(() => { const b = document.querySelector('input.col-toggle[value=zh]');"
        " b.checked = true; b.dispatchEvent(new Event('change')); })()"
    )
    closed = page.js("document.querySelectorAll('#review tr.sent:not([hidden])').length")
    assert closed == 0
    page.js("document.querySelector('#review button.toggle').click()")
    assert page.js("document.querySelectorAll('#review tr.sent:not([hidden])').length") > 0

    # Clicking a finding explains it.
    page.js("document.querySelector('#review tr.row .badge').click()")
    explanation = page.js("document.getElementById('popover').innerText")
    assert page.js("document.getElementById('popover').hidden") is False
    title = page.js("document.querySelector('#review tr.row .badge').title")
    assert title.split(": ", 1)[1].split(" — ")[0] in explanation

    shot = tmp_path / f"{resolution}.png"
    page.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


def test_page_is_self_contained_and_small(pages: dict[str, Path]) -> None:
    html = pages["130"].read_text(encoding="utf-8")
    assert len(html.encode()) < MAX_PAGE_BYTES
    # No resource from elsewhere: no src or href at all, no @import, no url(...) to fetch.
    assert not re.search(r"\b(src|href)\s*=", html)
    assert "@import" not in html
    assert not re.search(r"url\((?!#)", html)
    assert '<html lang="en">' in html and 'charset="utf-8"' in html


def test_summary_counts_match_the_database(qa_corpus_db: Path) -> None:
    review = read_review(qa_corpus_db, "130")
    assert review.langs == ("en", "fr")
    [(run_id, signature)] = query(qa_corpus_db, "SELECT run_id, signature FROM runs")[1]
    assert (review.run_id, review.signature) == (run_id, signature)
    assert str(signature).startswith("enc:usem3|ma:5|")
    by_lang = {s.lang: s for s in review.summary}
    clauses = clause_groups(qa_corpus_db, "130")
    assert by_lang["zh"].present is False and by_lang["zh"].clauses_missing == clauses
    _, rows = query(
        qa_corpus_db,
        "SELECT lang, count(DISTINCT group_id) FROM alignment_groups AS g"
        " JOIN alignment_members USING (group_id)"
        " WHERE g.resolution = '130' AND g.level = 'clause' GROUP BY lang",
    )
    for lang, n in rows:
        assert by_lang[lang].clauses == n
        assert by_lang[lang].clauses_missing == clauses - n
    _, found = query(
        qa_corpus_db,
        "SELECT lang, severity, count(*) FROM qa_findings WHERE resolution = '130' "
        "AND lang IS NOT NULL GROUP BY ALL",
    )
    for lang, severity, n in found:
        assert by_lang[lang].findings[severity] == n
    # Every finding of the resolution is on exactly one row.
    placed = [f.number for row in review.rows for f in row.all_findings]
    _, total = query(qa_corpus_db, "SELECT count(*) FROM qa_findings WHERE resolution = '130'")
    assert sorted(placed) == sorted(set(placed)) and len(placed) == total[0][0]


def test_cli_default_path_and_unknown_resolution(
    qa_corpus_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "corpus.duckdb"
    db.write_bytes(qa_corpus_db.read_bytes())
    assert main(["report", "--resolution", "udhr", "--db", str(db)]) == 0
    assert report_path(db, "udhr") == tmp_path / "reports" / "udhr.html"
    assert (tmp_path / "reports" / "udhr.html").stat().st_size > 10_000
    assert "review page written to" in capsys.readouterr().out
    assert main(["report", "--resolution", "e999", "--db", str(db)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"Error: {db}: no resolution 'e999' in the database (it has 130, udhr)"
    )
    assert report_path(db, "S22/PP C") == tmp_path / "reports" / "S22_PP_C.html"


@pytest.mark.parametrize(
    ("check", "evidence", "text", "marked"),
    [
        (
            "numbers",
            "number 2022 extra in fr: 1 time(s) here; en 0",
            "Bucarest, 2022), et 12022, 1.2022 et 2022.",
            ["2022", "2022"],
        ),
        (
            "residue",
            "glued references: 68/198 then 76/189: la Résolution 68/19876/189 de l'Assemblée",
            "la Résolution 68/19876/189 de l'Assemblée",
            ["68/19876/189"],
        ),
        (
            "terminology",
            "avoided term 'Etats Membres' for member-states",
            "les Etats\u00a0Membres et les États Membres",
            ["Etats\u00a0Membres"],
        ),
        ("terminology", "avoided term 'الدول' for member-states", "والدول الأعضاء", ["الدول"]),
        ("typography", "repeated word 'the'", "of the the Union", ["the", "the"]),
    ],
)
def test_findings_are_marked_on_their_values(
    check: str, evidence: str, text: str, marked: list[str]
) -> None:
    spans = find_spans(text, [(7, "error", needles(check, evidence))])
    assert [text[s.start : s.end] for s in spans] == marked
    html = str(marked_html(text, spans))
    assert html.count('<mark class="qa error" data-f="f7">') == len(marked)


def test_values_column_wins_and_text_is_escaped() -> None:
    assert needles("numbers", "number 5 missing in ar", ["5", "٥"]) == ("5", "٥")
    spans = find_spans("<b>5</b> & ٥", [(1, "warning", ("5", "٥"))])
    assert str(marked_html("<b>5</b> & ٥", spans)) == (
        '&lt;b&gt;<mark class="qa warning" data-f="f1">5</mark>&lt;/b&gt; &amp; '
        '<mark class="qa warning" data-f="f1">٥</mark>'
    )


def test_write_review_replaces_the_file_atomically(qa_corpus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("old", encoding="utf-8")
    write_review(qa_corpus_db, "udhr", out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


@pytest.mark.parametrize("per_connection", [1, 4])
def test_a_run_writes_one_page_per_rebuilt_resolution(
    qa_corpus_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_connection: int
) -> None:
    monkeypatch.setattr(render, "PAGES_PER_CONNECTION", per_connection)
    db = tmp_path / "corpus.duckdb"
    db.write_bytes(qa_corpus_db.read_bytes())
    reports = write_reports(db, ["udhr", "e999", "130"])
    assert reports.written == {
        "udhr": tmp_path / "reports" / "udhr.html",
        "130": tmp_path / "reports" / "130.html",
    }
    assert all(
        p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        for p in reports.written.values()
    )
    assert list(reports.failed) == ["e999"]
    assert "no resolution 'e999'" in reports.failed["e999"]


def test_pages_of_an_unreadable_database_all_fail(tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    db.write_text("not a database", encoding="utf-8")
    reports = write_reports(db, ["udhr", "130"])
    assert reports.written == {}
    assert list(reports.failed) == ["udhr", "130"]
    assert str(db) in reports.failed["130"]


def test_e119_page_from_word_files(e119_db: Path, chromium: Browser, tmp_path: Path) -> None:
    """A real ITU Word document in five languages: the errors are marked where they are."""
    (resolution,) = (r for (r,) in query(e119_db, "SELECT DISTINCT resolution FROM documents")[1])
    out = tmp_path / "e119.html"
    assert (
        main(["report", "--resolution", resolution, "--db", str(e119_db), "--out", str(out)]) == 0
    )
    chromium.open(out.as_uri())
    assert chromium.requested() == [out.as_uri()]
    assert chromium.js("document.querySelectorAll('#review tr.row.clause').length") == (
        clause_groups(e119_db, resolution)
    )
    assert chromium.js(
        "[...document.querySelectorAll('#review td[data-lang=ar]')].every(td => td.dir === 'rtl')"
    )
    _, errors = query(
        e119_db,
        "SELECT lang, found FROM qa_findings WHERE resolution = ? AND severity = 'error' "
        "AND found <> '' ORDER BY finding_no",
        [resolution],
    )
    set_control(chromium, "f-severity", "error")
    marks = chromium.js(
        "[...document.querySelectorAll('#review tr.row:not([hidden]) mark.qa.error')]"
        ".map(m => [m.closest('td').dataset.lang, m.textContent])"
    )
    for lang, found in errors:  # every error with a value is marked on it, in its language
        assert [lang, found] in marks
