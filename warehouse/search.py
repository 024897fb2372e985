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

The index is DuckDB's ``fts`` extension (BM25 ranking), loaded from the
``duckdb-extension-fts`` wheel that matches the installed DuckDB, never downloaded. Where it
cannot be loaded the concordance scans ``segment_search`` instead (same matches, ranked by
occurrences) and says so in :attr:`Concordance.method`. Either way a hit must contain the
term's words in order (its characters, for Han), so BM25 only ranks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import duckdb
import polars as pl

from corpus.errors import DatabaseError
from corpus.model import LANGS, Lang, Level
from corpus.normalize import normalize
from warehouse.db import first_line, open_reader
from warehouse.display import clip

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_HAN_RUN = re.compile(f"[{_HAN_CHARS}]+")
_NOT_A_WORD = re.compile(r"[\W_]+")

#: The schema DuckDB's ``fts`` extension creates for the index of ``segment_search``.
FTS_SCHEMA = "fts_main_segment_search"


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
    return " ".join(g for w in words(norm) for g in _han_grams(w, query=False))


def query_body(norm: str) -> str:
    """Return the FTS query for a normalised term: its words, Han runs as their bigrams."""
    return " ".join(g for w in words(norm) for g in _han_grams(w, query=True))


def has_han(text: str) -> bool:
    """Say whether a text holds a Han character (then it is matched by characters)."""
    return _HAN_RUN.search(text) is not None


# --- the index ------------------------------------------------------------------------------


def fts_extension() -> Path | None:
    """Return the ``fts`` extension file shipped for this DuckDB version, if installed."""
    try:
        root = files("duckdb_extension_fts")
    except ModuleNotFoundError:
        return None
    candidate = root / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    return Path(str(candidate)) if candidate.is_file() else None


def load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the ``fts`` extension from its wheel; ``False`` if it is missing or refused."""
    extension = fts_extension()
    if extension is None:
        return False
    try:
        con.execute(f"LOAD '{extension}'")
    except duckdb.Error:
        return False
    return True


_INDEX = (
    "PRAGMA create_fts_index('segment_search', 'segment_id', 'body', stemmer = 'none', "
    r"stopwords = 'none', ignore = '\s+', strip_accents = 0, lower = 0, overwrite = 1)"
)


def refresh_search(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild ``segment_search`` from ``segments`` and its full-text index.

    Returns whether the index was built; without the extension the old index is dropped,
    so that the concordance scans instead of ranking with stale statistics.
    """
    rows = con.execute("SELECT segment_id, lang, norm FROM segments").fetchall()
    frame = pl.DataFrame(
        {
            "segment_id": [r[0] for r in rows],
            "lang": [r[1] for r in rows],
            "tokens": [phrase(r[2]) for r in rows],
            "body": [index_body(r[2]) for r in rows],
        },
        schema={"segment_id": pl.String, "lang": pl.String, "tokens": pl.String, "body": pl.String},
    )
    con.execute("DELETE FROM segment_search")
    con.register("_incoming_search", frame)
    try:
        con.execute(
            "INSERT INTO segment_search (segment_id, lang, tokens, body) "
            "SELECT segment_id, lang, tokens, body FROM _incoming_search"
        )
    finally:
        con.unregister("_incoming_search")
    if not load_fts(con):
        con.execute(f"DROP SCHEMA IF EXISTS {FTS_SCHEMA} CASCADE")
        return False
    con.execute(_INDEX)
    return True


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
    SELECT segment_id, resolution, level, key, lang, text, score FROM (
    SELECT s.segment_id, s.resolution, s.level, s.key, s.lang, s.text, s.start_char,
           {FTS_SCHEMA}.match_bm25(q.segment_id, $body, conjunctive := 1) AS score
    FROM segment_search AS q JOIN segments AS s ON s.segment_id = q.segment_id
    WHERE q.lang = $lang AND s.level = $level
      AND ($resolution IS NULL OR s.resolution = $resolution)
      AND {{match}}
    ) WHERE score IS NOT NULL
    ORDER BY score DESC, resolution, start_char, segment_id
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
    WHERE list_contains($ids, m.segment_id)
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
    con = open_reader(path)
    try:
        method = "fts" if _has_index(con) and load_fts(con) else "scan"
        if method == "fts":
            sql = _RANKED.format(match=f"contains({haystack}, $needle)")
            params["body"] = body
        else:
            sql = _SCANNED.format(haystack=haystack)
        rows = con.execute(sql, params).fetchall()
        shown = rows if limit is None else rows[:limit]
        aligned = _aligned(con, [str(r[0]) for r in shown])
    except duckdb.Error as exc:
        raise DatabaseError(f"search failed ({first_line(exc)})", path=str(path)) from exc
    finally:
        con.close()
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
    row = con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ?", [FTS_SCHEMA]
    ).fetchone()
    return bool(row and row[0])


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
           WHERE list_contains($ids, m.segment_id)""",
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
