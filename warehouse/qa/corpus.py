"""The corpus-wide checks at the cost of what changed: stored features, SQL, then Python.

Consistency and outliers compare every paragraph group of the corpus with the others,
so a new document can change a verdict on an old one. Reading every group back into
Python each run made their cost (time and memory) grow with the corpus. Instead each
text of a paragraph group leaves a row in ``qa_texts`` (its matching form, its length as
each check measures it), written when its resolution is checked and kept until it is
rebuilt. Each run then asks SQL which groups can possibly give a finding:

* consistency: the groups whose key text (long enough) has several renderings, in some
  direction of some language pair; every group of such a bucket is read, so the check
  sees each conflicting bucket whole and says what it says over the whole corpus;
* outliers: the median and MAD of the log length ratio of each language pair over the
  corpus (computed in SQL as :func:`statistics.median` does), then the groups with a
  pair beyond the limit or a low confidence.

Only those groups are read and handed to the unchanged checks, outliers with the
corpus's statistics. The findings are the same as the checks over every group give.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from itertools import combinations
from typing import Final

import duckdb
import polars as pl

from corpus.model import LANGS, is_lang
from warehouse.qa import consistency, outliers
from warehouse.qa.model import PIVOT_ORDER, Finding, QAGroup
from warehouse.qa.text import match_form

#: Checks answered here, and the level of the groups they compare.
CORPUS_CHECKS: Final = (consistency.NAME, outliers.NAME)
LEVEL: Final = "paragraph"

#: Reads the groups with these ids (with what the run changed) from the open warehouse.
GroupReader = Callable[[Collection[str]], list[QAGroup]]

_TEXT_SCHEMA: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    "resolution": pl.String,
    "group_id": pl.String,
    "lang": pl.String,
    "form": pl.String,
    "chars": pl.Int32,
    "length": pl.Int32,
}


def text_rows(groups: Sequence[QAGroup]) -> pl.DataFrame:
    """The ``qa_texts`` rows of the paragraph groups among ``groups``."""
    rows = [
        {
            "resolution": g.resolution,
            "group_id": g.group_id,
            "lang": lang,
            "form": match_form(g.texts[lang], lang),
            "chars": len(g.texts[lang].strip()),
            "length": outliers.compared_length(g.texts[lang]),
        }
        for g in groups
        if g.level == LEVEL
        for lang in g.langs
    ]
    return pl.DataFrame(rows, schema=_TEXT_SCHEMA)


def refresh_texts(
    con: duckdb.DuckDBPyConnection, resolutions: Sequence[str], groups: Sequence[QAGroup]
) -> None:
    """Replace the ``qa_texts`` rows of ``resolutions`` with those of their ``groups``."""
    con.execute("DELETE FROM qa_texts WHERE resolution IN (SELECT unnest(?))", [list(resolutions)])
    frame = text_rows(groups)
    if frame.height:
        con.register("_qa_texts", frame)
        try:
            con.execute("INSERT INTO qa_texts BY NAME SELECT * FROM _qa_texts")
        finally:
            con.unregister("_qa_texts")


def corpus_findings(
    con: duckdb.DuckDBPyConnection, names: Collection[str], read: GroupReader
) -> list[Finding]:
    """The findings of the corpus-wide checks among ``names``, in registry order."""
    out: list[Finding] = []
    if consistency.NAME in names:
        out += consistency.check_consistency(read(_inconsistent(con)))
    if outliers.NAME in names:
        stats = pair_statistics(con)
        out += outliers.check_outliers(read(_unusual(con, stats)), stats)
    return out


def _directions() -> str:
    """The 30 (key language, value language) directions of consistency, as SQL values."""
    pairs = combinations(PIVOT_ORDER, 2)
    return ", ".join(f"('{a}', '{b}'), ('{b}', '{a}')" for a, b in pairs)


def _inconsistent(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every group of a bucket (direction, key form) that has several renderings.

    Forms are compared by their 64-bit hash: the texts themselves, paired in 30
    directions, made hash tables of about 5 MB per document (189 MB at 40). A collision
    can only add a bucket to read (the check then compares the texts) or, with odds of
    about one in 10^19 per pair of renderings, hide one. Only a key text that several
    groups share can head a bucket with two renderings (a group has one text per
    language), so the directions are paired for those alone: at 40 UN documents, the
    query's memory fell from 58 to 43 MB.
    """
    sql = f"""
    WITH dirs(key_lang, value_lang) AS (VALUES {_directions()}),
    t AS (SELECT group_id, lang, chars, hash(form) AS h FROM qa_texts),
    shared AS (
        SELECT lang, h FROM t WHERE chars >= {consistency.MIN_CHARS}
        GROUP BY ALL HAVING count(*) > 1
    ),
    keys AS (
        SELECT group_id, lang, h FROM t SEMI JOIN shared USING (lang, h)
        WHERE chars >= {consistency.MIN_CHARS}
    ),
    kv AS (
        SELECT d.key_lang, d.value_lang, k.group_id, k.h AS key_h, v.h AS value_h
        FROM dirs AS d
        JOIN keys AS k ON k.lang = d.key_lang
        JOIN t AS v ON v.group_id = k.group_id AND v.lang = d.value_lang
    ),
    conflicts AS (
        SELECT key_lang, value_lang, key_h FROM kv GROUP BY ALL
        HAVING count(DISTINCT value_h) > 1
    )
    SELECT DISTINCT group_id FROM kv SEMI JOIN conflicts USING (key_lang, value_lang, key_h)
    """
    return [str(r[0]) for r in con.execute(sql).fetchall()]


_RATIOS: Final = f"""
WITH u AS (SELECT group_id, lang, length FROM qa_texts WHERE length >= {outliers.MIN_CHARS}),
ratios AS (
    SELECT a.group_id, a.lang AS a, b.lang AS b, ln(b.length::DOUBLE / a.length) AS x
    FROM u AS a JOIN u AS b ON b.group_id = a.group_id
        AND list_position($langs, a.lang) < list_position($langs, b.lang)
)
"""

#: :func:`statistics.median` of a sorted list ``xs`` of ``n`` values, in SQL.
_MEDIAN: Final = (
    "CASE WHEN {n} % 2 = 1 THEN {xs}[{n} // 2 + 1] "
    "ELSE ({xs}[{n} // 2] + {xs}[{n} // 2 + 1]) / 2 END"
)


def pair_statistics(con: duckdb.DuckDBPyConnection) -> outliers.PairStatistics:
    """:func:`warehouse.qa.outliers.pair_statistics` over the corpus, from ``qa_texts``."""
    med = _MEDIAN.format(n="n", xs="xs")
    mad = _MEDIAN.format(n="n", xs="list_sort(list_transform(xs, v -> abs(v - med)))")
    sql = f"""{_RATIOS},
    sorted AS (
        SELECT a, b, list_sort(list(x)) AS xs, count(*) AS n FROM ratios GROUP BY a, b
        HAVING count(*) >= {outliers.MIN_SAMPLES}
    ),
    medians AS (SELECT a, b, xs, n, {med} AS med FROM sorted)
    SELECT a, b, med, greatest({mad}, {outliers.MIN_MAD}) FROM medians
    """
    rows = con.execute(sql, {"langs": list(LANGS)}).fetchall()
    return {(a, b): (float(m), float(d)) for a, b, m, d in rows if is_lang(a) and is_lang(b)}


def _unusual(con: duckdb.DuckDBPyConnection, stats: outliers.PairStatistics) -> list[str]:
    """Groups with a pair's ratio beyond the limit (a hair looser), or a low confidence."""
    frame = pl.DataFrame(
        [{"a": a, "b": b, "med": m, "mad": d} for (a, b), (m, d) in stats.items()],
        schema={"a": pl.String, "b": pl.String, "med": pl.Float64, "mad": pl.Float64},
    )
    con.register("_pair_stats", frame)
    try:
        sql = f"""{_RATIOS}
        SELECT DISTINCT r.group_id FROM ratios AS r JOIN _pair_stats AS s USING (a, b)
        WHERE abs(0.6745 * (r.x - s.med) / s.mad) > {outliers.Z_LIMIT} - 1e-6
        UNION
        SELECT group_id FROM alignment_groups
        WHERE level = $level AND confidence < {outliers.MIN_CONFIDENCE}
        """
        rows = con.execute(sql, {"langs": list(LANGS), "level": LEVEL}).fetchall()
    finally:
        con.unregister("_pair_stats")
    return [str(r[0]) for r in rows]
