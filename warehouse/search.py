"""Full-text search over the segments: the index built at load time and the concordance.

Search runs on ``segments.norm``, the matching form made by :func:`corpus.normalize.normalize`
(NFKC, casefold, French spacing before ``;:!?`` and inside guillemets removed, Arabic
tashkeel and tatweel dropped and alef variants unified). The query term goes through the
same function, so ``droits de l'homme``, ``« sécurité »`` typed with or without no-break
spaces, and ``الإنسان`` with or without vowel marks all meet the stored text.

``norm`` is cut into words at every character that is not a letter or digit. Chinese is
written without spaces, so every run of Han characters is indexed as its characters and its
overlapping character bigrams (``人人生而`` gives ``人 人人 人生 生 生而 而``): a term of two or
more characters is looked up by its bigrams, a one-character term by that character.

The index is two tables of the warehouse: ``segment_search`` (each segment's words, for
phrase matching, and its length) and ``search_terms`` (the postings: segment, word, count),
ranked with BM25 in SQL. A load re-indexes only the documents it loaded, so the cost of a
run does not grow with the corpus (DuckDB's ``fts`` extension, used before, could only
rebuild its whole index). Where the postings are missing (a database an older schema left
unindexed) the concordance scans ``segment_search`` instead (same matches, ranked by
occurrences) and says so in :attr:`Concordance.method`. Either way a hit must contain the
term's words in order (its characters, for Han), so BM25 only ranks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from corpus.errors import DatabaseError
from corpus.model import LANGS, Lang, Level
from corpus.normalize import normalize
from warehouse.db import reading
from warehouse.display import clip

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_RUN = re.compile(f"[{_HAN_CHARS}]+")
_NOT_A_WORD = re.compile(r"[\W_]+")


def words(norm: str) -> list[str]:
    """Cut a normalised text into words at every character that is not a letter or digit."""
    return [w for w in _NOT_A_WORD.split(norm) if w]


def phrase(norm: str) -> str:
    """Return the words of ``norm`` between spaces: `` w1 w2 `` (a term matches by substring)."""
    return " " + " ".join(words(norm)) + " "


def _han_grams(word: str, *, query: bool) -> list[str]:
    """Split a word into Han n-grams (1- and 2-grams; a query's runs: 2-grams) and the rest."""
    out: list[str] = []
    last = 0
    for run in _HAN_RUN.finditer(word):
        if run.start() > last:
            out.append(word[last : run.start()])
        chars = run.group()
        bigrams = [chars[i : i + 2] for i in range(len(chars) - 1)]
        if query:
            out.extend(bigrams or [chars])
        else:
            out.extend(chars)
            out.extend(bigrams)
        last = run.end()
    if last < len(word):
        out.append(word[last:])
    return out


def index_body(norm: str) -> str:
    """Return what the full-text index stores for a segment: its words, Han as n-grams."""
    if not has_han(norm):  # every language but Chinese: the words themselves
        return " ".join(words(norm))
    return " ".join(g for w in words(norm) for g in _han_grams(w, query=False))


def query_body(norm: str) -> str:
    """Return the FTS query for a normalised term: its words, Han runs as their bigrams."""
    return " ".join(g for w in words(norm) for g in _han_grams(w, query=True))


def has_han(text: str) -> bool:
    """Say whether a text holds a Han character (then it is matched by characters)."""
    return _HAN_RUN.search(text) is not None


# --- the index ------------------------------------------------------------------------------

#: BM25's parameters, Lucene's and DuckDB fts's defaults.
BM25_K1 = 1.2
BM25_B = 0.75


def refresh_search(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str] | None = None) -> None:
    """Bring ``segment_search`` and its postings (``search_terms``) up to date with ``segments``.

    Only the documents ``doc_ids`` are re-indexed (their rows are replaced, or dropped when
    the document is gone), so a load costs what it loaded; ``None``, or an index that an
    older schema left incomplete, rebuilds every document.
    """
    stale = con.execute("SELECT count(*) FROM segment_search WHERE n_terms IS NULL").fetchone()
    if doc_ids is None or (stale and stale[0]):
        con.execute("DELETE FROM segment_search")
        con.execute("DELETE FROM search_terms")
        rows = con.execute("SELECT segment_id, doc_id, lang, norm FROM segments").fetchall()
    else:
        # ``IN``, not ``list_contains``: see ``warehouse.load._DELETES``.
        ids = [list(doc_ids)]
        con.execute("DELETE FROM segment_search WHERE doc_id IN (SELECT unnest(?))", ids)
        con.execute("DELETE FROM search_terms WHERE doc_id IN (SELECT unnest(?))", ids)
        rows = con.execute(
            "SELECT segment_id, doc_id, lang, norm FROM segments"
            " WHERE doc_id IN (SELECT unnest(?))",
            ids,
        ).fetchall()
    if not rows:
        return
    bodies = [index_body(r[3]) for r in rows]
    frame = pl.DataFrame(
        {
            "segment_id": [r[0] for r in rows],
            "doc_id": [r[1] for r in rows],
            "lang": [r[2] for r in rows],
            "tokens": [phrase(r[3]) for r in rows],
            "body": bodies,
            "n_terms": [len(b.split()) for b in bodies],
        },
        schema={
            "segment_id": pl.String,
            "doc_id": pl.String,
            "lang": pl.String,
            "tokens": pl.String,
            "body": pl.String,
            "n_terms": pl.Int64,
        },
    )
    con.register("_incoming_search", frame)
    try:
        con.execute("INSERT INTO segment_search BY NAME SELECT * FROM _incoming_search")
        con.execute(
            """INSERT INTO search_terms BY NAME
               SELECT segment_id, doc_id, term, count(*) AS tf FROM (
                   SELECT segment_id, doc_id, unnest(string_split(body, ' ')) AS term
                   FROM _incoming_search)
               WHERE term <> '' GROUP BY ALL"""
        )
    finally:
        con.unregister("_incoming_search")


# --- the concordance ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """A segment holding the term, with the segments its group aligns it with."""

    segment_id: str
    resolution: str
    level: str
    key: str
    lang: str
    text: str
    score: float
    group_id: str | None
    confidence: float | None
    #: Text of every other language of the group (several segments joined), by language.
    aligned: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Concordance:
    """The hits of a term in one language, best first."""

    term: str
    norm: str
    lang: Lang
    #: ``"fts"`` (BM25 over the full-text index) or ``"scan"`` (no index; see the module)
    method: str
    total: int
    hits: tuple[Hit, ...]


_RANKED = f"""
    WITH query AS (SELECT DISTINCT unnest($terms) AS term),
    stats AS (SELECT count(*)::DOUBLE AS n, avg(n_terms) AS avgdl FROM segment_search),
    df AS (
        SELECT t.term, count(*) AS df FROM search_terms AS t JOIN query USING (term)
        GROUP BY t.term
    ),
    scored AS (
        SELECT t.segment_id,
               sum(ln(1 + (stats.n - df.df + 0.5) / (df.df + 0.5))
                   * t.tf * ({BM25_K1} + 1)
                   / (t.tf + {BM25_K1} * (1 - {BM25_B} + {BM25_B} * q.n_terms / stats.avgdl)))
                   AS score
        FROM search_terms AS t
        JOIN df USING (term)
        JOIN segment_search AS q ON q.segment_id = t.segment_id
        CROSS JOIN stats
        WHERE q.lang = $lang
        GROUP BY t.segment_id
        HAVING count(*) = (SELECT count(*) FROM query)
    )
    SELECT s.segment_id, s.resolution, s.level, s.key, s.lang, s.text, r.score
    FROM scored AS r
    JOIN segment_search AS q ON q.segment_id = r.segment_id
    JOIN segments AS s ON s.segment_id = r.segment_id
    WHERE s.level = $level
      AND ($resolution IS NULL OR s.resolution = $resolution)
      AND {{match}}
    ORDER BY r.score DESC, s.resolution, s.start_char, s.segment_id
"""
_SCANNED = """
    SELECT s.segment_id, s.resolution, s.level, s.key, s.lang, s.text,
           (length({haystack}) - length(replace({haystack}, $needle, ''))) / length($needle)
               AS score
    FROM segment_search AS q JOIN segments AS s ON s.segment_id = q.segment_id
    WHERE q.lang = $lang AND s.level = $level
      AND ($resolution IS NULL OR s.resolution = $resolution)
      AND contains({haystack}, $needle)
    ORDER BY score DESC, length(s.text), s.resolution, s.start_char, s.segment_id
"""
_ALIGNED = """
    SELECT m.segment_id, g.group_id, g.confidence, o.lang,
           CASE o.lang WHEN 'zh' THEN string_agg(s.text, '' ORDER BY o.ord)
                       ELSE string_agg(s.text, ' ' ORDER BY o.ord) END
    FROM alignment_members AS m
    JOIN alignment_groups AS g ON g.group_id = m.group_id
    JOIN alignment_members AS o ON o.group_id = m.group_id AND o.lang <> m.lang
    JOIN segments AS s ON s.segment_id = o.segment_id
    WHERE m.segment_id IN (SELECT unnest($ids))
    GROUP BY m.segment_id, g.group_id, g.confidence, o.lang
"""


def concordance(
    path: Path | str,
    term: str,
    lang: Lang,
    *,
    level: Level = Level.SENTENCE,
    resolution: str | None = None,
    limit: int | None = 50,
) -> Concordance:
    """Find the segments of ``lang`` at ``level`` that contain ``term``, best first.

    Args:
        path: The warehouse file (opened read-only).
        term: A word or phrase as a translator types it; normalised like ``segments.norm``.
        lang: The language of the term.
        level: The segment level searched (sentences by default).
        resolution: Only this resolution, when given.
        limit: At most this many hits with their aligned segments (``None``: all).

    Raises:
        DatabaseError: the database cannot be read, or the term has no letter or digit.

    """
    norm = normalize(term, lang)
    body = query_body(norm)
    if not body:
        raise DatabaseError(f"the term {term!r} has no letter or digit to search for")
    by_chars = has_han(norm)
    needle = norm if by_chars else phrase(norm)
    haystack = "s.norm" if by_chars else "q.tokens"
    params: dict[str, object] = {
        "lang": lang,
        "level": level.value,
        "resolution": resolution,
        "needle": needle,
    }
    with reading(path, "search failed") as con:
        method = "fts" if _has_index(con) else "scan"
        if method == "fts":
            sql = _RANKED.format(match=f"contains({haystack}, $needle)")
            params["terms"] = body.split()
        else:
            sql = _SCANNED.format(haystack=haystack)
        rows = con.execute(sql, params).fetchall()
        shown = rows if limit is None else rows[:limit]
        aligned = _aligned(con, [str(r[0]) for r in shown])
    hits = []
    for seg_id, res, lvl, key, hit_lang, text, score in shown:
        group_id, confidence, texts = aligned.get(str(seg_id), (None, None, {}))
        hits.append(
            Hit(
                str(seg_id),
                str(res),
                str(lvl),
                str(key),
                str(hit_lang),
                str(text),
                float(score),
                group_id,
                confidence,
                {code: texts[code] for code in LANGS if code in texts},
            )
        )
    return Concordance(term, norm, lang, method, len(rows), tuple(hits))


def _has_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the postings are there and complete (an older schema may lack them)."""
    row = con.execute(
        "SELECT count(*) FILTER (WHERE n_terms IS NULL), count(*) FROM segment_search"
    ).fetchone()
    return bool(row and row[0] == 0 and row[1])


def _aligned(
    con: duckdb.DuckDBPyConnection, segment_ids: list[str]
) -> dict[str, tuple[str, float | None, dict[str, str]]]:
    """Group, confidence and other languages' texts of each segment."""
    out: dict[str, tuple[str, float | None, dict[str, str]]] = {}
    texts: defaultdict[str, dict[str, str]] = defaultdict(dict)
    if not segment_ids:
        return out
    for seg_id, group_id, confidence, lang, text in con.execute(
        _ALIGNED, {"ids": segment_ids}
    ).fetchall():
        texts[str(seg_id)][str(lang)] = str(text)
        out[str(seg_id)] = (str(group_id), confidence, texts[str(seg_id)])
    # A segment alone in its group has no other language but still has a group.
    for seg_id, group_id, confidence in con.execute(
        """SELECT m.segment_id, g.group_id, g.confidence FROM alignment_members AS m
           JOIN alignment_groups AS g ON g.group_id = m.group_id
           WHERE m.segment_id IN (SELECT unnest($ids))""",
        {"ids": segment_ids},
    ).fetchall():
        out.setdefault(str(seg_id), (str(group_id), confidence, {}))
    return out


def format_concordance(result: Concordance, width: int = 0) -> str:
    """Render hits for the terminal: a heading per hit, then one line per language."""
    how = "BM25 full-text index" if result.method == "fts" else "scan, no full-text index"
    out = [
        f"{result.total} {result.lang} segments contain {result.term!r} "
        f"(searched as {result.norm!r}; {how})"
    ]
    for rank, hit in enumerate(result.hits, start=1):
        conf = "" if hit.confidence is None else f", confidence {hit.confidence:.2f}"
        out.append(
            f"\n{rank}. {hit.resolution} {hit.key} ({hit.level}, score {hit.score:.2f}{conf})"
        )
        out.append(f"  {hit.lang}: {clip(hit.text, width)}")
        out += [f"  {code}: {clip(text, width)}" for code, text in hit.aligned.items()]
    if result.total > len(result.hits):
        out.append(f"\n… {result.total - len(result.hits)} more; --limit 0 shows all")
    return "\n".join(out)
