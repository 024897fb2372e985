"""Term candidates: bilingual term pairs mined from the aligned groups.

For every language paired with the reference language of a group (en, else fr, …), the
candidate terms of each side are its word n-grams (1 to 3 words, not starting or ending
with a function word, no digits) or, for Chinese, written without spaces, its
character n-grams (2 to 4 Han characters). Over the groups, a pair's association is
scored with the Dice coefficient ``2·n(x,y) / (n(x) + n(y))`` and Dunning's
log-likelihood ratio G² from the 2×2 contingency table; the best-scoring target of each
source term is kept when it occurs in at least :data:`MIN_BOTH` groups together.

Counting is over groups, not occurrences, so a term repeated inside one clause is not
overweighted. Only the terms occurring in at least ``MIN_BOTH`` groups are paired, which
keeps the number of pairs small enough for plain Python.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Final

import polars as pl

from corpus.model import Lang
from warehouse.qa.model import QAGroup, TermCandidate, first_lang
from warehouse.qa.text import han_chars, words

MIN_BOTH: Final = 2
MIN_DICE: Final = 0.5
MAX_WORDS: Final = 3

#: Words a term neither starts nor ends with (articles, prepositions, conjunctions).
STOPWORDS: Final[dict[Lang, frozenset[str]]] = {
    "en": frozenset(
        [
            "a",
            "an",
            "the",
            "of",
            "and",
            "or",
            "to",
            "in",
            "on",
            "for",
            "by",
            "with",
            "as",
            "at",
            "from",
            "that",
            "this",
            "these",
            "those",
            "is",
            "are",
            "be",
            "shall",
            "has",
            "have",
            "his",
            "her",
            "its",
            "their",
            "it",
            "which",
            "who",
            "any",
            "all",
            "no",
            "not",
            "such",
            "other",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "l",
            "un",
            "une",
            "des",
            "du",
            "de",
            "d",
            "et",
            "ou",
            "à",
            "au",
            "aux",
            "en",
            "dans",
            "par",
            "pour",
            "sur",
            "avec",
            "que",
            "qui",
            "ne",
            "pas",
            "est",
            "sont",
            "son",
            "sa",
            "ses",
            "leur",
            "leurs",
            "ce",
            "cette",
            "ces",
            "tout",
            "toute",
            "tous",
            "toutes",
            "il",
            "elle",
            "se",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "un",
            "una",
            "unos",
            "unas",
            "de",
            "del",
            "y",
            "o",
            "a",
            "al",
            "en",
            "por",
            "para",
            "con",
            "que",
            "quien",
            "no",
            "es",
            "son",
            "su",
            "sus",
            "se",
            "lo",
            "toda",
            "todo",
            "todos",
            "todas",
        ]
    ),
    "ru": frozenset(
        [
            "и",
            "в",
            "во",
            "на",
            "с",
            "со",
            "по",
            "к",
            "ко",
            "о",
            "об",
            "от",
            "для",
            "из",
            "у",
            "за",
            "не",
            "что",
            "как",
            "а",
            "или",
            "его",
            "ее",
            "её",
            "их",
            "это",
            "этот",
            "все",
            "всех",
            "он",
            "она",
            "они",
            "быть",
        ]
    ),
    "ar": frozenset(
        [
            "في",
            "من",
            "على",
            "الى",
            "إلى",
            "عن",
            "و",
            "او",
            "أو",
            "ان",
            "أن",
            "التي",
            "الذي",
            "هذا",
            "هذه",
            "ذلك",
            "كل",
            "لا",
            "ما",
            "مع",
        ]
    ),
    "zh": frozenset(),
}


def candidate_terms(text: str, lang: Lang) -> set[str]:
    """The set of candidate terms of one text."""
    if lang == "zh":
        han = han_chars(text)
        return {han[i : i + n] for n in (2, 3, 4) for i in range(len(han) - n + 1)}
    tokens = words(text)
    stops = STOPWORDS[lang]
    # A gram holds no number, and neither starts nor ends on a stopword: each token is
    # judged once, and the grams from one start stop growing at the first number.
    digit = [t.isdigit() for t in tokens]
    edge = [not d and t not in stops for t, d in zip(tokens, digit, strict=True)]
    out: set[str] = set()
    for i, token in enumerate(tokens):
        if not edge[i]:
            continue
        if len(token) >= 3:
            out.add(token)
        for j in range(i + 1, min(i + MAX_WORDS, len(tokens))):
            if digit[j]:
                break
            if edge[j]:
                out.add(" ".join(tokens[i : j + 1]))
    return out


def log_likelihood(n_both: int, n_x: int, n_y: int, total: int) -> float:
    """Dunning's G² for the 2×2 table of two terms over ``total`` groups."""
    cells = (
        (n_both, n_x * n_y),
        (n_x - n_both, n_x * (total - n_y)),
        (n_y - n_both, (total - n_x) * n_y),
        (total - n_x - n_y + n_both, (total - n_x) * (total - n_y)),
    )
    g2 = 0.0
    for observed, expected_times_total in cells:
        if observed > 0:
            g2 += observed * math.log(observed * total / expected_times_total)
    return 2 * g2


def mine_term_candidates(
    groups: Sequence[QAGroup], min_both: int = MIN_BOTH, min_dice: float = MIN_DICE
) -> list[TermCandidate]:
    """Mine term pairs between each group's reference language and the others.

    Returns the best target of every source term, by Dice, then G², then the longer and
    the alphabetically first target, strongest first.
    """
    by_pair: dict[tuple[Lang, Lang], list[tuple[str, set[str], set[str]]]] = defaultdict(list)
    for group in groups:
        langs = group.langs
        if len(langs) < 2:
            continue
        src = first_lang(langs)
        src_terms = candidate_terms(group.texts[src], src)
        for tgt in langs:
            if tgt != src:
                tgt_terms = candidate_terms(group.texts[tgt], tgt)
                by_pair[(src, tgt)].append((group.group_id, src_terms, tgt_terms))
    out: list[TermCandidate] = []
    for (src, tgt), rows in by_pair.items():
        out.extend(_mine_pair(src, tgt, rows, min_both, min_dice))
    out.sort(key=lambda c: (-c.dice, -c.llr, c.src_lang, c.tgt_lang, c.src_term))
    return out


def _mine_pair(
    src: Lang,
    tgt: Lang,
    rows: list[tuple[str, set[str], set[str]]],
    min_both: int,
    min_dice: float,
) -> list[TermCandidate]:
    n_src: Counter[str] = Counter()
    n_tgt: Counter[str] = Counter()
    for _, xs, ys in rows:
        n_src.update(xs)
        n_tgt.update(ys)
    both: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group_id, xs, ys in rows:
        keep_x = [x for x in xs if n_src[x] >= min_both]
        keep_y = [y for y in ys if n_tgt[y] >= min_both]
        for x in keep_x:
            for y in keep_y:
                both[(x, y)] += 1
                if len(examples[(x, y)]) < 3:
                    examples[(x, y)].append(group_id)
    best: dict[str, TermCandidate] = {}
    total = len(rows)
    for (x, y), n in both.items():
        if n < min_both:
            continue
        dice = 2 * n / (n_src[x] + n_tgt[y])
        if dice < min_dice:
            continue
        cand = TermCandidate(
            src,
            tgt,
            x,
            y,
            n_src[x],
            n_tgt[y],
            n,
            round(dice, 4),
            round(log_likelihood(n, n_src[x], n_tgt[y], total), 3),
            tuple(examples[(x, y)]),
        )
        old = best.get(x)
        mine, theirs = (
            (cand.dice, cand.llr, len(y)),
            (old.dice, old.llr, len(old.tgt_term)) if old else (),
        )
        if old is None or mine > theirs or (mine == theirs and y < old.tgt_term):
            best[x] = cand
    return list(best.values())


# --- the same mining in SQL, over the candidate terms kept per resolution -------------------


def term_rows(groups: Sequence[QAGroup]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of ``term_groups`` and ``term_occurrences`` for these (sentence-level) groups."""
    heads: list[dict[str, object]] = []
    occurrences: dict[str, list[str]] = {"resolution": [], "group_id": [], "lang": [], "term": []}
    for group in groups:
        langs = group.langs
        if len(langs) < 2:
            continue
        src = first_lang(langs)
        heads.append(
            {
                "resolution": group.resolution,
                "group_id": group.group_id,
                "position": group.position,
                "src_lang": src,
                "tgt_langs": [lang for lang in langs if lang != src],
            }
        )
        for lang in langs:
            for term in sorted(candidate_terms(group.texts[lang], lang)):
                occurrences["resolution"].append(group.resolution)
                occurrences["group_id"].append(group.group_id)
                occurrences["lang"].append(lang)
                occurrences["term"].append(term)
    head_frame = pl.DataFrame(
        heads,
        schema={
            "resolution": pl.String,
            "group_id": pl.String,
            "position": pl.Int64,
            "src_lang": pl.String,
            "tgt_langs": pl.List(pl.String),
        },
    )
    return head_frame, pl.DataFrame(occurrences, schema={k: pl.String for k in occurrences})


def _g2_cell(observed: str, expected_times_total: str) -> str:
    """One cell of Dunning's G² in SQL (see :func:`log_likelihood`)."""
    return (
        f"CASE WHEN {observed} > 0 THEN {observed} * "
        f"ln({observed} * total / ({expected_times_total})) ELSE 0 END"
    )


def mine_terms_sql(min_both: int = MIN_BOTH, min_dice: float = MIN_DICE) -> str:
    """A query mining every language pair as :func:`mine_term_candidates` does; ``?`` = run id.

    Counts are over ``term_groups`` and ``term_occurrences``, so the whole corpus is mined
    by DuckDB without reading a text; it keeps the same candidates as the in-memory miner.
    """
    g2 = " + ".join(
        [
            _g2_cell("n_both::DOUBLE", "n_src::DOUBLE * n_tgt"),
            _g2_cell("(n_src - n_both)::DOUBLE", "n_src::DOUBLE * (total - n_tgt)"),
            _g2_cell("(n_tgt - n_both)::DOUBLE", "(total - n_src)::DOUBLE * n_tgt"),
            _g2_cell(
                "(total - n_src - n_tgt + n_both)::DOUBLE",
                "(total - n_src)::DOUBLE * (total - n_tgt)",
            ),
        ]
    )
    return f"""
WITH pairs AS (
    SELECT group_id, resolution, position, src_lang, unnest(tgt_langs) AS tgt_lang
    FROM term_groups
),
totals AS (SELECT src_lang, tgt_lang, count(*) AS total FROM pairs GROUP BY ALL),
xs AS (
    SELECT p.src_lang, p.tgt_lang, p.group_id, o.term
    FROM pairs AS p JOIN term_occurrences AS o ON o.group_id = p.group_id AND o.lang = p.src_lang
),
ys AS (
    SELECT p.src_lang, p.tgt_lang, p.group_id, o.term
    FROM pairs AS p JOIN term_occurrences AS o ON o.group_id = p.group_id AND o.lang = p.tgt_lang
),
nx AS (
    SELECT src_lang, tgt_lang, term, count(*) AS n_src FROM xs GROUP BY ALL
    HAVING count(*) >= {min_both}
),
ny AS (
    SELECT src_lang, tgt_lang, term, count(*) AS n_tgt FROM ys GROUP BY ALL
    HAVING count(*) >= {min_both}
),
kx AS (SELECT xs.* FROM xs SEMI JOIN nx USING (src_lang, tgt_lang, term)),
ky AS (SELECT ys.* FROM ys SEMI JOIN ny USING (src_lang, tgt_lang, term)),
cooccur AS (
    SELECT kx.src_lang, kx.tgt_lang, kx.term AS src_term, ky.term AS tgt_term, count(*) AS n_both
    FROM kx JOIN ky USING (src_lang, tgt_lang, group_id)
    GROUP BY ALL HAVING count(*) >= {min_both}
),
scored AS (
    SELECT b.*, nx.n_src, ny.n_tgt, t.total,
           round(2 * b.n_both / (nx.n_src + ny.n_tgt), 4) AS dice,
           2 * b.n_both / (nx.n_src + ny.n_tgt) AS raw_dice
    FROM cooccur AS b
    JOIN nx ON nx.src_lang = b.src_lang AND nx.tgt_lang = b.tgt_lang AND nx.term = b.src_term
    JOIN ny ON ny.src_lang = b.src_lang AND ny.tgt_lang = b.tgt_lang AND ny.term = b.tgt_term
    JOIN totals AS t ON t.src_lang = b.src_lang AND t.tgt_lang = b.tgt_lang
    WHERE 2 * b.n_both / (nx.n_src + ny.n_tgt) >= {min_dice}
),
best AS (
    SELECT src_lang, tgt_lang, src_term, tgt_term, n_src, n_tgt, n_both, dice,
           round(2 * ({g2}), 3) AS llr
    FROM scored
    QUALIFY row_number() OVER (
        PARTITION BY src_lang, tgt_lang, src_term
        ORDER BY dice DESC, round(2 * ({g2}), 3) DESC, length(tgt_term) DESC, tgt_term
    ) = 1
),
examples AS (
    SELECT b.src_lang, b.tgt_lang, b.src_term,
           list(p.group_id ORDER BY p.resolution, p.position, p.group_id)[1:3] AS examples
    FROM best AS b
    JOIN kx ON kx.src_lang = b.src_lang AND kx.tgt_lang = b.tgt_lang AND kx.term = b.src_term
    JOIN ky ON ky.src_lang = b.src_lang AND ky.tgt_lang = b.tgt_lang AND ky.term = b.tgt_term
        AND ky.group_id = kx.group_id
    JOIN pairs AS p ON p.group_id = kx.group_id AND p.tgt_lang = kx.tgt_lang
    GROUP BY ALL
)
SELECT ? AS run_id, b.*, e.examples
FROM best AS b JOIN examples AS e USING (src_lang, tgt_lang, src_term)
"""
