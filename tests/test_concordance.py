"""The concordance on the real bundled corpus: French, Arabic and Chinese terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.model import Level
from flows.cli import main
from warehouse import search
from warehouse.db import query
from warehouse.search import concordance, index_body, query_body


@pytest.fixture(scope="module")
def corpus_db(qa_corpus_db: Path) -> Path:
    """The session's bundled corpus, built by the plain pipeline."""
    return qa_corpus_db


def ids(result: search.Concordance) -> list[str]:
    return [hit.segment_id for hit in result.hits]


def test_french_term_next_to_no_break_space_and_semicolon(corpus_db: Path) -> None:
    # The source has "l'utilisation des\u00a0TIC;": a no-break space, then ";" with no space.
    result = concordance(corpus_db, "l'utilisation des TIC ;", "fr", limit=None)
    assert result.method == "fts"
    assert result.norm == "l'utilisation des tic;"
    hit = next(h for h in result.hits if h.segment_id == "130:fr:considering.j-bis:p1:s1")
    assert "des\u00a0TIC;" in hit.text
    assert hit.key == "considering.j-bis"
    # The no-break space typed by the translator finds the same segments.
    again = concordance(corpus_db, "l'utilisation des\u00a0TIC\u00a0;", "fr", limit=None)
    assert ids(again) == ids(result)
    # "Objectif\u00a02," is matched by "Objectif 2", and the English beside it is aligned.
    goal = concordance(corpus_db, "Objectif 2", "fr", limit=None)
    texts = {h.segment_id: h for h in goal.hits}
    bdt = texts["130:fr:recognizing.d:p1:s1"]
    assert "Objectif\u00a02" in bdt.text


@pytest.mark.parametrize(
    ("with_marks", "without"),
    [("أحرارًا", "احرارا"), ("الإنسانِ", "الانسان"), ("الكرامةِ", "الكرامه")],
)
def test_arabic_term_with_and_without_diacritics(
    corpus_db: Path, with_marks: str, without: str
) -> None:
    marked = concordance(corpus_db, with_marks, "ar", limit=None)
    if without.endswith("ه"):  # ta marbuta is not folded: the bare spelling finds nothing
        assert concordance(corpus_db, without, "ar", limit=None).total == 0
        without = without[:-1] + "ة"
    bare = concordance(corpus_db, without, "ar", limit=None)
    assert marked.total > 0
    assert ids(marked) == ids(bare)


def test_arabic_article_one_aligned_with_all_languages(corpus_db: Path) -> None:
    result = concordance(corpus_db, "احرارا متساوين", "ar", limit=None)
    [hit] = result.hits
    assert hit.text.startswith("يولد جميع الناس أحرارًا متساوين")
    assert hit.aligned["en"].startswith("All human beings are born free and equal in dignity")
    assert hit.aligned["zh"].startswith("人人生而自由")
    assert set(hit.aligned) == {"en", "es", "fr", "ru", "zh"}


def test_chinese_two_character_term(corpus_db: Path) -> None:
    result = concordance(corpus_db, "尊严", "zh", limit=None)
    assert result.method == "fts"
    assert result.total >= 3
    assert all("尊严" in hit.text for hit in result.hits)
    first = next(h for h in result.hits if h.text.startswith("人人生而自由"))
    assert "dignity" in first.aligned["en"]
    # Every Chinese sentence holding the term is found, none that does not.
    _, rows = query(
        corpus_db,
        "SELECT count(*) FROM segments WHERE lang = 'zh' AND level = 'sentence' "
        "AND text LIKE '%尊严%'",
    )
    assert result.total == rows[0][0]


def test_chinese_is_indexed_as_characters_and_bigrams() -> None:
    assert index_body("人人生而") == "人 人 生 而 人人 人生 生而"
    assert query_body("人权") == "人权"
    assert query_body("世界人权宣言") == "世界 界人 人权 权宣 宣言"
    assert query_body("权") == "权"


@pytest.mark.parametrize(
    ("term", "lang"), [("sécurité", "fr"), ("الانسان", "ar"), ("人权", "zh"), ("rights", "en")]
)
def test_scan_without_the_index_finds_the_same_segments(
    corpus_db: Path, monkeypatch: pytest.MonkeyPatch, term: str, lang: str
) -> None:
    ranked = concordance(corpus_db, term, lang, limit=None)  # type: ignore[arg-type]
    monkeypatch.setattr(search, "_has_index", lambda con: False)
    scanned = concordance(corpus_db, term, lang, limit=None)  # type: ignore[arg-type]
    assert (ranked.method, scanned.method) == ("fts", "scan")
    assert ranked.total > 0
    assert sorted(ids(ranked)) == sorted(ids(scanned))


def test_whole_words_only_and_levels(corpus_db: Path) -> None:
    # "droit" is not found inside "droits"; every hit holds the word itself.
    result = concordance(corpus_db, "droit", "fr", limit=None)
    assert result.total > 0
    assert all(" droit " in search.phrase(h.text.casefold()) for h in result.hits)
    clauses = concordance(corpus_db, "droit", "fr", level=Level.CLAUSE, limit=None)
    assert {h.level for h in clauses.hits} == {"clause"}


def test_cli_concordance(corpus_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["concordance", "尊严", "--lang", "zh", "--db", str(corpus_db), "--limit", "1"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("4 zh segments contain '尊严' (searched as '尊严'; BM25")
    assert out[2].startswith("1. udhr article.1 (sentence, score ")
    assert out[3] == "  zh: 人人生而自由,在尊严和权利上一律平等。"
    assert out[-1] == "… 3 more; --limit 0 shows all"


def test_cli_concordance_refuses_an_empty_term(
    corpus_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["concordance", " ; ", "--lang", "fr", "--db", str(corpus_db)]) == 1
    assert capsys.readouterr().err == "Error: the term ' ; ' has no letter or digit to search for\n"
