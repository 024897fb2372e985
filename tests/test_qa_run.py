"""Reading groups from a warehouse, running the registry, writing and reporting findings.

The database is a real warehouse schema holding a hand-made miniature (written for the
tests, no pipeline run): Resolution 130 in French and English, one clause new in 2022,
residue included.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warehouse.db import migrate
from warehouse.qa.registry import ALL, CHECKS
from warehouse.qa.run import qa_report, read_groups, run_checks, write_findings

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
        '{"old_label": ["l"], "new_label": ["k"], "revision_residue": '
        '["compound label lk) = l -> k"]}',
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
    migrate(con)
    con.execute(
        "INSERT INTO runs (run_id, started_at, status, signature, languages, summary, missing) "
        "VALUES ('20260101T000000Z-test', now(), 'ok', 'test', ['en', 'fr'], '{}', '{}')"
    )
    for lang in ("en", "fr"):
        con.execute(
            "INSERT INTO documents VALUES (?, '130', ?, 'test', 'test', '', '', '', '', '', 0, "
            "'20260101T000000Z-test', '{}')",
            [f"130:{lang}", lang],
        )
    for position, (seg_id, lang, key, label, text, meta) in enumerate(SEGMENTS):
        con.execute(
            "INSERT INTO segments (segment_id, doc_id, resolution, lang, level, key, label, "
            "position, text, norm, start_char, end_char, meta, run_id) "
            "VALUES (?, ?, '130', ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, '20260101T000000Z-test')",
            [
                seg_id,
                f"130:{lang}",
                lang,
                "paragraph" if ":p" in seg_id else "clause",
                key,
                label,
                position,
                text,
                text,
                meta,
            ],
        )
    for gid, res, level, key, pos, method, conf, members in GROUPS:
        con.execute(
            "INSERT INTO alignment_groups (group_id, resolution, level, key, position, method, "
            "confidence, n_langs, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '20260101T000000Z-test')",
            [gid, res, level, key, pos, method, conf, len(members)],
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
    assert tuple(CHECKS) == ALL and len(ALL) == 9
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
    rules = con.execute(
        "SELECT rule, found FROM qa_findings WHERE check_name = 'residue' ORDER BY finding_no"
    ).fetchall()
    con.close()
    assert n == len(findings) and key == "considering.n-bis"
    # Every finding says which rule fired and the value it is about, in columns.
    assert [(f.rule, f.found) for f in findings if f.check == "residue"] == rules
    assert ("compound-label", "lk)") in rules
    report = qa_report(db, top=3)
    assert report.splitlines()[0].startswith(f"QA of run {run_id}: {len(findings)} findings")
    assert "structure" in report and "top 3 findings:" in report
