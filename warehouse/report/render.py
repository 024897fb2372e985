"""The review page: one self-contained HTML file per resolution, rendered with Jinja2.

The template, its stylesheet and its script ship in the package (``templates/`` and
``static/``) and are inlined into the page, which therefore loads nothing from the
network: it opens by double-click and can be mailed. Texts are escaped by Jinja's
autoescaping; the only markup built here is the ``<mark>`` around a finding's values.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from itertools import batched
from pathlib import Path
from typing import Final

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from corpus.errors import CorpusError
from corpus.model import Lang
from warehouse.output import replacing
from warehouse.qa.model import SEVERITIES
from warehouse.report.data import (
    REVIEW_ORDER,
    RTL,
    Review,
    ReviewFinding,
    ReviewRow,
    read_review,
    reading_reviews,
    review_of,
)
from warehouse.report.marks import find_spans, marked_html

#: Names of the languages in the column headers.
LANG_NAMES: Final[dict[Lang, str]] = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
#: Below this alignment confidence the page shows the figure in a warning colour.
LOW_CONFIDENCE: Final = 0.5


@dataclass(frozen=True, slots=True)
class Cell:
    """One language's cell of a row, ready for the template."""

    lang: Lang
    present: bool
    html: Markup
    #: The clause label as written (``a)``, ``gf)``), marked when a finding is about it.
    label: Markup
    findings: tuple[ReviewFinding, ...]

    @property
    def dir(self) -> str:
        """The writing direction of the cell's language."""
        return "rtl" if self.lang in RTL else "ltr"


def cells(row: ReviewRow, findings: tuple[ReviewFinding, ...]) -> list[Cell]:
    """The row's cells in the review order, each text with its findings marked."""
    out = []
    for lang in REVIEW_ORDER:
        mine = tuple(f for f in findings if f.lang == lang)
        text = row.texts.get(lang)
        if text is None:
            out.append(Cell(lang, False, Markup(""), Markup(""), mine))
            continue
        marks = [(f.number, f.severity, f.marks) for f in _by_severity(mine)]
        label = row.labels.get(lang, "")
        out.append(
            Cell(
                lang,
                True,
                marked_html(text, find_spans(text, marks)),
                marked_html(label, find_spans(label, marks)),
                mine,
            )
        )
    return out


def _by_severity(findings: tuple[ReviewFinding, ...]) -> list[ReviewFinding]:
    """Errors first, so that an error's mark wins over a warning on the same words."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.number))


def finding_tags(findings: tuple[ReviewFinding, ...]) -> str:
    """``check:severity:lang`` of each finding, what the page's filters read."""
    return " ".join(sorted({f"{f.check}:{f.severity}:{f.lang or '-'}" for f in findings}))


def finding_title(finding: ReviewFinding) -> str:
    """The one-line explanation shown when the pointer rests on a finding."""
    rule = f" ({finding.rule})" if finding.rule else ""
    tail = f" — {finding.suggestion}" if finding.suggestion else ""
    return f"{finding.severity} · {finding.check}{rule}: {finding.evidence}{tail}"


@cache
def _environment() -> Environment:
    """The page's Jinja environment, once per process: it compiles the template once."""
    env = Environment(
        loader=PackageLoader("warehouse.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        cells=cells,
        finding_tags=finding_tags,
        finding_title=finding_title,
        LANG_NAMES=LANG_NAMES,
        REVIEW_ORDER=REVIEW_ORDER,
        SEVERITIES=SEVERITIES,
        LOW_CONFIDENCE=LOW_CONFIDENCE,
    )
    return env


@cache
def _static(name: str) -> Markup:
    """A stylesheet or script of ``static/``, to inline into the page."""
    text = files("warehouse.report").joinpath("static", name).read_text(encoding="utf-8")
    # A closing tag inside inlined code would end the element early.
    return Markup(text.replace("</", "<\\/") if name.endswith(".js") else text)


def render_review(review: Review, generated: dt.datetime | None = None) -> str:
    """Render a review as one HTML page (a string), everything inlined."""
    findings = {
        f"f{f.number}": {
            "check": f.check,
            "severity": f.severity,
            "lang": f.lang,
            "rule": f.rule,
            "found": f.found,
            "expected": f.expected,
            "evidence": f.evidence,
            "suggestion": f.suggestion,
        }
        for row in review.rows
        for f in row.all_findings
    }
    page = _environment().get_template("review.html.j2")
    return page.render(
        review=review,
        css=_static("review.css"),
        js=_static("review.js"),
        findings_json=Markup(
            json.dumps(findings, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        ),
        generated=(generated or dt.datetime.now(dt.UTC)).astimezone(dt.UTC),
        version=version("itu-corpus"),
    )


def report_path(db: Path | str, resolution: str) -> Path:
    """Where a run and ``itu-corpus report`` put a resolution's page: beside the database."""
    safe = re.sub(r"[^\w.-]+", "_", resolution).strip("._") or "resolution"
    return Path(db).parent / "reports" / f"{safe}.html"


def write_review(path: Path | str, resolution: str, out: Path | str) -> Review:
    """Write the review page of ``resolution`` to ``out`` and return its data.

    Atomically, and only over a regular file (see :func:`warehouse.output.replacing`).

    Raises:
        InputError: the database holds no such resolution.
        DatabaseError: the database cannot be read or the page cannot be written.

    """
    review = read_review(path, resolution)
    _write(review, out)
    return review


def _write(review: Review, out: Path | str) -> None:
    html = render_review(review)
    with replacing(out) as partial:
        partial.write_text(html, encoding="utf-8")


#: Review pages written on one read-only connection before the next is opened. DuckDB
#: keeps every block a connection read until it is closed (about 2 MB for a UN document's
#: page): one connection for the 40 pages of a run held 94 MB at the end, the run's peak;
#: four pages to a connection 47 MB, for 0.5 s more (one page, 31 MB for 1.5 s more).
PAGES_PER_CONNECTION: Final = 4


@dataclass(frozen=True, slots=True)
class Reports:
    """The review pages a run wrote, and why the others could not be written."""

    written: dict[str, Path]
    failed: dict[str, str]


def write_reports(path: Path | str, resolutions: Sequence[str]) -> Reports:
    """Write the review page of each resolution beside the database (``reports/R.html``).

    A run calls this for the resolutions it rebuilt. A page that cannot be written is
    reported with its reason, so one resolution's page does not sink the others (nor
    the run, whose database is already published). :data:`PAGES_PER_CONNECTION` pages
    share a read-only connection.
    """
    written: dict[str, Path] = {}
    failed: dict[str, str] = {}
    for batch in batched(resolutions, PAGES_PER_CONNECTION):
        try:
            with reading_reviews(path) as con:
                for resolution in batch:
                    target = report_path(path, resolution)
                    try:
                        _write(review_of(con, resolution, str(path)), target)
                    except CorpusError as exc:
                        failed[resolution] = str(exc)
                        continue
                    written[resolution] = target
        except CorpusError as exc:  # the database cannot be read at all: nor the rest
            done = written.keys() | failed.keys()
            failed |= {r: str(exc) for r in resolutions if r not in done}
            break
    return Reports(written, failed)
