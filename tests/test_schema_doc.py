"""docs/schema.md describes exactly the tables, views, columns and types of the database."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_warehouse import all_documents, all_groups, run_record
from warehouse.db import SCHEMA_VERSION, query
from warehouse.export import USER_OBJECTS
from warehouse.load import load_run

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
HEADING = re.compile(r"^### `(\w+)` \((table|view)\)$")
ROW = re.compile(r"^\| (\w+) \| ([A-Z\[\]]+) \| .+ \|$")


def documented() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Name -> (table or view, [(column, type)]) from the headings and tables of the doc."""
    found: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if heading := HEADING.match(line):
            current = heading[1]
            found[current] = (heading[2], [])
        elif line.startswith("#"):
            current = None
        elif current and (row := ROW.match(line)):
            found[current][1].append((row[1], row[2]))
    return found


def test_schema_doc_matches_the_database(tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    load_run(db, run_record(), all_documents(), all_groups())
    _, tables = query(
        db,
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_schema = 'main' ORDER BY table_name",
    )
    actual = {}
    for name, kind in tables:
        _, columns = query(
            db,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
            [name],
        )
        actual[name] = ("view" if kind == "VIEW" else "table", [tuple(c) for c in columns])
    doc = documented()
    assert sorted(doc) == sorted(actual)
    for name, (kind, columns) in actual.items():
        assert doc[name] == (kind, columns), name


def test_schema_doc_names_the_version_and_every_exported_object() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"Schema version: **{SCHEMA_VERSION}**." in text
    assert set(USER_OBJECTS) <= set(documented())
    internal = {"segment_search", "search_terms", "term_groups", "term_occurrences", "qa_texts"}
    assert set(documented()) - set(USER_OBJECTS) == internal
