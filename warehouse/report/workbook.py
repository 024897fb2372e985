"""The review workbook: the aligned groups of one level as a spreadsheet, for revisers.

The layout translators know from LF Aligner's review sheet: one row per aligned group,
one column per language (UN order), then the structural key, the resolution, the
alignment confidence, the worst severity and the findings of the row, one per line.
Arabic cells read right to left; the header row is frozen and carries an autofilter;
texts wrap in columns wide enough to read. Written with XlsxWriter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from corpus.errors import DatabaseError
from corpus.model import Level
from warehouse.qa.model import SEVERITIES
from warehouse.report.data import REVIEW_ORDER, RTL, ReviewRow, read_level
from warehouse.report.render import finding_title

#: Columns after the languages, with their widths in characters.
TAIL_COLUMNS: Final = (
    ("key", 22),
    ("resolution", 11),
    ("confidence", 11),
    ("severity", 10),
    ("findings", 70),
)
#: Width of a language column that has text, and of one that has none.
TEXT_WIDTH: Final = 48
EMPTY_WIDTH: Final = 10


@dataclass(frozen=True, slots=True)
class WorkbookStats:
    """What was written: rows (groups) and the findings on them."""

    rows: int
    findings: int


def write_workbook(
    path: Path | str, out: Path | str, level: Level = Level.CLAUSE, resolution: str | None = None
) -> WorkbookStats:
    """Write the groups of ``level`` (of one resolution, or all) as an .xlsx workbook.

    The file is written beside ``out`` under a temporary name and renamed into place.

    Raises:
        InputError: the database holds no such resolution.
        DatabaseError: the database cannot be read or the file cannot be written.

    """
    rows = read_level(path, level, resolution)
    out = Path(out)
    partial = out.with_name(f".{out.name}.partial.xlsx")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _write(partial, rows, level)
        os.replace(partial, out)
    except (OSError, XlsxWriterException) as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"cannot write the workbook: {exc}", path=str(out)) from exc
    return WorkbookStats(len(rows), sum(len(row.findings) for _, row in rows))


def _write(target: Path, rows: list[tuple[str, ReviewRow]], level: Level) -> None:
    with xlsxwriter.Workbook(str(target), {"strings_to_urls": False}) as book:
        sheet = book.add_worksheet(f"{level.value}s")
        header = book.add_format(
            {"bold": True, "bg_color": "#E8ECF2", "bottom": 2, "text_wrap": True, "valign": "top"}
        )
        text = book.add_format({"text_wrap": True, "valign": "top"})
        rtl = book.add_format(
            {"text_wrap": True, "valign": "top", "reading_order": 2, "align": "right"}
        )
        number = book.add_format({"valign": "top", "num_format": "0.00"})
        used = {lang for _, row in rows for lang in row.texts}
        columns = [*REVIEW_ORDER, *(name for name, _ in TAIL_COLUMNS)]
        for col, name in enumerate(columns):
            sheet.write(0, col, name, header)
        for col, lang in enumerate(REVIEW_ORDER):
            width = TEXT_WIDTH if lang in used else EMPTY_WIDTH
            sheet.set_column(col, col, width, rtl if lang in RTL else text)
        for offset, (_, width) in enumerate(TAIL_COLUMNS):
            col = len(REVIEW_ORDER) + offset
            sheet.set_column(col, col, width, number if offset == 2 else text)
        for r, (resolution, row) in enumerate(rows, start=1):
            for col, lang in enumerate(REVIEW_ORDER):
                if lang in row.texts:
                    sheet.write_string(r, col, row.texts[lang], rtl if lang in RTL else text)
            tail = len(REVIEW_ORDER)
            sheet.write_string(r, tail, row.key, text)
            sheet.write_string(r, tail + 1, resolution, text)
            if row.confidence is not None:
                sheet.write_number(r, tail + 2, row.confidence, number)
            if row.findings:
                worst = min(SEVERITIES.index(f.severity) for f in row.findings)
                sheet.write_string(r, tail + 3, SEVERITIES[worst], text)
                lines = [f"[{f.lang or 'all'}] {finding_title(f)}" for f in row.findings]
                sheet.write_string(r, tail + 4, "\n".join(lines), text)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
