"""Defects injected into ITU-T E.119, for the recall part of ``qa_defects.py``.

The five Word files are read from ``../shared/corpus/itu-t-e119`` and written, edited,
into a temporary folder only (ITU's text never enters the repository). Each edit works
on the text of one paragraph of ``word/document.xml`` (its runs are joined, edited and
written back into the first run), found by a phrase it holds, so the edits do not
depend on how Word cut the paragraph into runs.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from warehouse.qa.model import Finding, QAGroup

#: Language of each ITU file-name letter.
CODES = {"ar": "A", "en": "E", "es": "S", "fr": "F", "ru": "R"}
FILE = "T-REC-E.119-201704-I!!MSW-{}.docx"
_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_RUN_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_STYLE = re.compile(r'<w:pStyle w:val="([^"]+)"')


def shared_corpus() -> Path:
    """``shared/corpus`` beside the repository (or beside a folder holding the checkout)."""
    repo = Path(__file__).resolve().parents[1]
    for parent in repo.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    return repo.parent / "shared" / "corpus"


E119_FOLDER = shared_corpus() / "itu-t-e119"


@dataclass(frozen=True)
class E119Defect:
    """A defect put into one language; found when a finding of ``check`` names ``lang``
    in a group whose ``anchor_lang`` text holds ``anchor``."""

    check: str
    lang: str
    anchor_lang: str
    anchor: str
    what: str

    def found_by(self, finding: Finding, group: QAGroup) -> bool:
        text = group.texts.get(self.anchor_lang, "")  # type: ignore[call-overload]
        return (
            finding.check == self.check
            and finding.lang in (self.lang, None)
            and self.anchor in re.sub(r"\s+", " ", str(text))
        )


def paragraph_text(xml: str) -> str:
    return "".join(_RUN_TEXT.findall(xml))


def _with_text(paragraph: str, text: str) -> str:
    """The paragraph with ``text`` in its first run and its other runs emptied."""
    first = True

    def put(m: re.Match[str]) -> str:
        nonlocal first
        if first:
            first = False
            return f'<w:t xml:space="preserve">{escape(text)}</w:t>'
        return "<w:t></w:t>"

    return _RUN_TEXT.sub(put, paragraph)


def edit_paragraph(xml: str, phrase: str, change: Callable[[str], str]) -> str:
    """Change the text of the first paragraph whose text holds ``phrase``."""
    for m in _PARAGRAPH.finditer(xml):
        text = paragraph_text(m.group())
        if phrase in text:
            new = change(text)
            if new == text:
                raise ValueError(f"the edit of {phrase!r} changed nothing")
            return xml[: m.start()] + _with_text(m.group(), new) + xml[m.end() :]
    raise ValueError(f"no paragraph holds {phrase!r}")


def drop_clause(xml: str, heading: str) -> str:
    """Remove a Heading2 clause (its heading holds ``heading``) up to the next Heading1/2."""
    paragraphs = list(_PARAGRAPH.finditer(xml))
    for n, m in enumerate(paragraphs):
        style = _STYLE.search(m.group())
        if style and style[1] == "Heading2" and heading in paragraph_text(m.group()):
            end = next(
                (
                    p.start()
                    for p in paragraphs[n + 1 :]
                    if (s := _STYLE.search(p.group())) and s[1] in ("Heading1", "Heading2")
                ),
                None,
            )
            if end is None:
                raise ValueError(f"clause {heading!r} is the last one")
            return xml[: m.start()] + xml[end:]
    raise ValueError(f"no Heading2 holds {heading!r}")


def inject(documents: dict[str, str]) -> list[E119Defect]:
    """Edit the ``word/document.xml`` of each language in place; return the defects."""
    en_paragraph = next(
        text
        for m in _PARAGRAPH.finditer(documents["en"])
        if (text := paragraph_text(m.group())).startswith("It is recommended that a stable")
    )
    edits: list[tuple[E119Defect, Callable[[str], str]]] = [
        (
            E119Defect("numbers", "es", "en", "Y.2205 (2011)", "Y.2205 (2011) -> (2012)"),
            lambda x: edit_paragraph(
                x, "[UIT-T Y.2205]", lambda t: t.replace("(2011)", "(2012)", 1)
            ),
        ),
        (
            E119Defect("numbers", "ru", "en", "2017-04-07", "07.04.2017 -> 08.04.2017"),
            lambda x: edit_paragraph(
                x, "07.04.2017", lambda t: t.replace("07.04.2017", "08.04.2017", 1)
            ),
        ),
        (
            E119Defect("structure", "es", "en", "Easy operation", "clause 7.3 dropped"),
            lambda x: drop_clause(x, "7.3"),
        ),
        (
            E119Defect(
                "terminology",
                "fr",
                "en",
                "To save the lives of victims",
                "avoided term put in: pays en voie de développement",
            ),
            lambda x: edit_paragraph(
                x,
                "Pour sauver la vie des victimes",
                lambda t: t.replace(
                    "les organismes publics",
                    "les organismes publics des pays en voie de développement",
                    1,
                ),
            ),
        ),
        (
            E119Defect(
                "language", "ru", "en", "It is recommended that a stable", "en paragraph in ru"
            ),
            lambda x: edit_paragraph(x, "Для связи между конечными", lambda _t: en_paragraph),
        ),
        (
            E119Defect(
                "residue",
                "fr",
                "en",
                "To save the lives of victims",
                "glued: (Rév. Genève, 2016Hammamet, 2017)",
            ),
            lambda x: edit_paragraph(
                x,
                "Pour sauver la vie des victimes",
                lambda t: t.rstrip(".") + " (Rév. Genève, 2016Hammamet, 2017).",
            ),
        ),
    ]
    for defect, edit in edits:
        documents[defect.lang] = edit(documents[defect.lang])
    return [defect for defect, _ in edits]


def write_injected(folder: Path) -> list[E119Defect]:
    """Write the five E.119 files, with the defects injected, into ``folder``."""
    documents: dict[str, str] = {}
    for lang, code in CODES.items():
        with zipfile.ZipFile(E119_FOLDER / FILE.format(code)) as z:
            documents[lang] = z.read("word/document.xml").decode("utf-8")
    defects = inject(documents)
    folder.mkdir(parents=True, exist_ok=True)
    for lang, code in CODES.items():
        with (
            zipfile.ZipFile(E119_FOLDER / FILE.format(code)) as src,
            zipfile.ZipFile(folder / FILE.format(code), "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml":
                    data = documents[lang].encode("utf-8")
                dst.writestr(item, data)
    return defects
