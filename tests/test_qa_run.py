"""Reading groups from a warehouse, running the registry, writing and reporting findings.

The database is a hand-made miniature with only the columns the QA reads (no pipeline
run): Resolution 130 in French and English, one clause new in 2022, residue included.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.qa.registry import ALL, CHECKS
from warehouse.qa.run import qa_report, read_groups, run_checks, write_findings

SCHEMA = """
CREATE TABLE runs (run_id TEXT, started_at TIMESTAMP);
CREATE TABLE documents (resolution TEXT, lang TEXT);
CREATE TABLE segments (segment_id TEXT, lang TEXT, key TEXT, label TEXT, text TEXT, meta JSON);
CREATE TABLE alignment_groups (group_id TEXT, resolution TEXT, level TEXT, key TEXT,
    position INTEGER, method TEXT, confidence DOUBLE);
CREATE TABLE alignment_members (group_id TEXT, segment_id TEXT, lang TEXT, ord INTEGER);
CREATE VIEW parallel AS
SELECT g.group_id, g.resolution, g.level, g.key, g.position, g.method, g.confidence,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'ar') AS ar,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'en') AS en,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'es') AS es,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'fr') AS fr,
    string_agg(s.text, ' ' ORDER BY m.ord) FILTER (WHERE m.lang = 'ru') AS ru,
    string_agg(s.text, '' ORDER BY m.ord) FILTER (WHERE m.lang = 'zh') AS zh
FROM alignment_groups g JOIN alignment_members m USING (group_id)
JOIN segments s USING (segment_id)
GROUP BY ALL;
"""
EN_K = "Resolution 196 (Rev. Dubai, 2018) of this conference, on protecting telecommunication service users"  # noqa: E501
FR_K = "la Résolution 196 (Rév. Dubaï, 2018Bucarest, 2022) de la présente Conférence, sur la protection des utilisateurs"  # noqa: E501
FR_NEW = "qu'il faut sensibiliser le public et promouvoir des mesures de cybersécurité"
SEGMENTS = [
    ("130:en:recalling.k", "en", "recalling.k", "k)", EN_K, "{}"),
    (
        "130:fr:recalling.k",
        "fr",
        "recalling.k",
        "lk)",
        FR_K,
        '{"old_label": "l", "new_label": "k", "revision_residue": "compound label lk) = l -> k"}',
    ),
    ("130:en:recalling.k:p1", "en", "recalling.k", None, EN_K, "{}"),
    ("130:fr:recalling.k:p1", "fr", "recalling.k", None, FR_K, "{}"),
    ("130:fr:considering.n-bis", "fr", "considering.n-bis", "n bis)", FR_NEW, "{}"),
]
GROUPS = [
    (
        "c1",
        "130",
        "clause",
        "recalling.k",
        1,
        "bertalign",
        0.83,
        ["130:en:recalling.k", "130:fr:recalling.k"],
    ),
    (
        "p1",
        "130",
        "paragraph",
        "recalling.k",
        2,
        "bertalign",
        0.83,
        ["130:en:recalling.k:p1", "130:fr:recalling.k:p1"],
    ),
    ("c2", "130", "clause", "considering.n-bis", 3, "single", None, ["130:fr:considering.n-bis"]),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "mini.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    con.execute("INSERT INTO runs VALUES ('20260101T000000Z-test', now())")
    con.executemany("INSERT INTO documents VALUES (?, ?)", [["130", "en"], ["130", "fr"]])
    con.executemany("INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?)", [list(s) for s in SEGMENTS])
    for gid, res, level, key, pos, method, conf, members in GROUPS:
        con.execute(
            "INSERT INTO alignment_groups VALUES (?, ?, ?, ?, ?, ?, ?)",
            [gid, res, level, key, pos, method, conf],
        )
        for ord_, seg in enumerate(members):
            con.execute(
                "INSERT INTO alignment_members VALUES (?, ?, ?, ?)",
                [gid, seg, seg.split(":")[1], ord_],
            )
    con.close()
    return path


def test_read_groups(db: Path) -> None:
    groups = {g.group_id: g for g in read_groups(db)}
    assert groups["c1"].langs == ("en", "fr")
    assert groups["c1"].labels == {"en": "k)", "fr": "lk)"}
    assert groups["c1"].segment_meta["130:fr:recalling.k"]["old_label"] == "l"
    assert groups["c2"].doc_langs == ("en", "fr")
    assert groups["p1"].segment_for("fr", "Bucarest") == "130:fr:recalling.k:p1"


def test_registry_and_findings(db: Path) -> None:
    assert tuple(CHECKS) == ALL and len(ALL) == 8
    findings = run_checks(read_groups(db))
    kinds = {(f.check, f.group_id, f.lang) for f in findings}
    assert ("structure", "c2", "en") in kinds  # the clause new in 2022
    assert ("residue", "c1", "fr") in kinds  # the compound label
    assert ("residue", "p1", "fr") in kinds  # the glued years
    assert not [f for f in findings if f.check == "numbers"]  # 2018/2022 are residue
    with pytest.raises(ValueError, match="unknown check 'spelling'"):
        run_checks([], ["spelling"])


def test_write_twice_replaces_and_reports(db: Path) -> None:
    run_id = "20260101T000000Z-test"
    findings = run_checks(read_groups(db))
    write_findings(db, run_id, findings, [])
    write_findings(db, run_id, findings, [])
    con = duckdb.connect(str(db), read_only=True)
    (n,) = con.execute("SELECT count(*) FROM qa_findings").fetchone() or (0,)
    (key,) = con.execute("SELECT key FROM qa_findings WHERE group_id = 'c2'").fetchone() or ("",)
    con.close()
    assert n == len(findings) and key == "considering.n-bis"
    report = qa_report(db, top=3)
    assert report.splitlines()[0].startswith(f"QA of run {run_id}: {len(findings)} findings")
    assert "structure" in report and "top 3 findings:" in report
