"""TMX 1.4b and Parquet exports: structure, round trips, RTL text and special characters."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import polars as pl
import pytest
from lxml import etree

from corpus.errors import DatabaseError
from corpus.model import Level
from flows.cli import main
from tests.test_warehouse import all_documents, all_groups, run_record
from warehouse.db import query
from warehouse.export import USER_OBJECTS, TmxUnit, read_tmx, tmx_units, write_tmx
from warehouse.load import load_run

# The structure of TMX 1.4b (LISA, 2005) for plain-text content, transcribed from the
# specification's DTD: the header attributes it requires, (note|prop)* before each tuv
# and seg, and xml:lang required on every tuv.
TMX14_DTD = """
<!ENTITY % segtypes "block|paragraph|sentence|phrase">
<!ELEMENT tmx (header, body)>
<!ATTLIST tmx version CDATA #FIXED "1.4">
<!ELEMENT header (note|ude|prop)*>
<!ATTLIST header
  creationtool CDATA #REQUIRED
  creationtoolversion CDATA #REQUIRED
  segtype (%segtypes;) #REQUIRED
  o-tmf CDATA #REQUIRED
  adminlang CDATA #REQUIRED
  srclang CDATA #REQUIRED
  datatype CDATA #REQUIRED
  o-encoding CDATA #IMPLIED
  creationdate CDATA #IMPLIED
  creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED
  changeid CDATA #IMPLIED>
<!ELEMENT ude (map+)>
<!ATTLIST ude name CDATA #REQUIRED base CDATA #IMPLIED>
<!ELEMENT map EMPTY>
<!ATTLIST map unicode CDATA #REQUIRED code CDATA #IMPLIED ent CDATA #IMPLIED
  subst CDATA #IMPLIED>
<!ELEMENT note (#PCDATA)>
<!ATTLIST note xml:lang CDATA #IMPLIED o-encoding CDATA #IMPLIED>
<!ELEMENT prop (#PCDATA)>
<!ATTLIST prop type CDATA #REQUIRED xml:lang CDATA #IMPLIED o-encoding CDATA #IMPLIED>
<!ELEMENT body (tu*)>
<!ELEMENT tu ((note|prop)*, tuv+)>
<!ATTLIST tu
  tuid CDATA #IMPLIED
  o-encoding CDATA #IMPLIED
  datatype CDATA #IMPLIED
  usagecount CDATA #IMPLIED
  lastusagedate CDATA #IMPLIED
  creationtool CDATA #IMPLIED
  creationtoolversion CDATA #IMPLIED
  creationdate CDATA #IMPLIED
  creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED
  segtype (%segtypes;) #IMPLIED
  changeid CDATA #IMPLIED
  o-tmf CDATA #IMPLIED
  srclang CDATA #IMPLIED>
<!ELEMENT tuv ((note|prop)*, seg)>
<!ATTLIST tuv
  xml:lang CDATA #REQUIRED
  o-encoding CDATA #IMPLIED
  datatype CDATA #IMPLIED
  usagecount CDATA #IMPLIED
  lastusagedate CDATA #IMPLIED
  creationtool CDATA #IMPLIED
  creationtoolversion CDATA #IMPLIED
  creationdate CDATA #IMPLIED
  creationid CDATA #IMPLIED
  changedate CDATA #IMPLIED
  o-tmf CDATA #IMPLIED
  changeid CDATA #IMPLIED>
<!ELEMENT seg (#PCDATA)>
"""

SPECIAL = "R&D <b>\"quoted\"</b> 'it's' « guillemets » 5\u00a0% \u202fnarrow; tab\tend"
RTL = "\u200fالمادة ١: يولد جميع الناس أحرارًا (مع علامة \u200e LTR)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.duckdb"
    docs = all_documents()
    # Put special characters and marked RTL text into the second UDHR sentence.
    for i, doc in enumerate(docs):
        if doc.document.resolution != "udhr" or doc.document.lang not in ("en", "ar"):
            continue
        extra = SPECIAL if doc.document.lang == "en" else RTL
        segments = tuple(
            dataclasses.replace(s, text=s.text + " " + extra) if s.id.endswith(":s2") else s
            for s in doc.segments
        )
        docs[i] = dataclasses.replace(doc, segments=segments)
    load_run(path, run_record(), docs, all_groups())
    return path


def test_tmx_is_valid_and_round_trips(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.tmx"
    assert main(["export", "tmx", str(out), "--db", str(db)]) == 0
    dtd = etree.DTD(io.StringIO(TMX14_DTD))
    tree = etree.parse(str(out))  # well-formed, or this raises
    assert dtd.validate(tree), str(dtd.error_log)
    header = tree.getroot().find("header")
    assert header is not None
    assert header.get("srclang") == "*all*"
    assert header.get("segtype") == "sentence"
    back = read_tmx(out)
    assert back.units == tuple(tmx_units(db, Level.SENTENCE))
    assert dict(back.header_props)["x-run-id"] == "run-1"
    # One tu per sentence group, one tuv per language, the same texts as the parallel view.
    _, rows = query(db, "SELECT group_id, ar, en, fr, zh FROM parallel WHERE level = 'sentence'")
    assert len(back.units) == len(rows) == 2
    for unit in back.units:
        row = next(r for r in rows if r[0] == unit.tuid)
        assert unit.texts == {"ar": row[1], "en": row[2], "fr": row[3], "zh": row[4]}
        props = dict(unit.props)
        assert props["x-resolution"] == "udhr"
        assert props["x-level"] == "sentence"
        assert float(props["x-confidence"]) in (0.8, 0.9)
    langs = [str(t.get("{http://www.w3.org/XML/1998/namespace}lang")) for t in tree.iter("tuv")]
    assert sorted(set(langs)) == ["ar", "en", "fr", "zh-CN"]


def test_special_characters_and_rtl_text_survive(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.tmx"
    write_tmx(out, tmx_units(db))
    second = next(u for u in read_tmx(out).units if SPECIAL in u.texts["en"])
    assert second.texts["en"].endswith(SPECIAL)
    assert second.texts["ar"].endswith(RTL)
    assert second.texts["ar"].encode("utf-8").endswith(RTL.encode("utf-8"))
    raw = out.read_text(encoding="utf-8")
    assert "R&amp;D &lt;b&gt;" in raw
    assert "\u200fالمادة ١" in raw  # written as characters, not as references


def test_clause_labels_per_language_and_sections(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    load_run(db, run_record(), all_documents(), all_groups())
    [unit] = tmx_units(db, Level.CLAUSE, "res130")
    assert unit.lang_props == {"en": (("x-label", "h)"),), "fr": (("x-label", "hg)"),)}
    assert "l'Article\u00a07" in unit.texts["fr"]
    out = tmp_path / "c.tmx"
    assert main(["export", "tmx", str(out), "--db", str(db), "--level", "clause",
                 "--resolution", "res130"]) == 0  # fmt: skip
    assert read_tmx(out).units == (unit,)
    assert read_tmx(out).header["segtype"] == "block"


def test_characters_xml_cannot_hold_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "bad.tmx"
    unit = TmxUnit("g1", (), {"en": "form\x0cfeed"})
    with pytest.raises(DatabaseError, match="group g1: "):
        write_tmx(out, [unit])
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_parquet_has_every_user_facing_table(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    assert main(["export", "parquet", str(out), "--db", str(db)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.parquet" for n in USER_OBJECTS)
    for name in USER_OBJECTS:
        frame = pl.read_parquet(out / f"{name}.parquet")
        columns, rows = query(db, f"SELECT * FROM {name}")
        assert frame.columns == columns
        assert frame.height == len(rows)
    fr = pl.read_parquet(out / "parallel.parquet").filter(pl.col("resolution") == "res130")
    assert "l'Article\u00a07" in fr["fr"][0]
