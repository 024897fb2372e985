"""The value grammar on the forms each language writes, including every example of issue 12."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from corpus.model import Lang
from corpus.values import (
    Date,
    Number,
    Reference,
    Value,
    canonical_number,
    extract_values,
    matches,
    zh_numeral_value,
)
from corpus.values.alternation import by_first_letter, first_letters


def only(text: str, lang: Lang) -> Value:
    values = extract_values(text, lang)
    assert len(values) == 1, values
    return values[0]


def number(text: str, lang: Lang) -> Number:
    value = only(text, lang)
    assert isinstance(value, Number), value
    return value


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        # Group separators as each language writes them.
        ("1,000", "en", 1000),
        ("1 000", "fr", 1000),
        ("1\u00a0000", "fr", 1000),
        ("1\u202f000", "fr", 1000),
        ("1\u2009000", "ru", 1000),
        ("1.000", "es", 1000),
        ("1'000", "fr", 1000),
        ("١٬٠٠٠", "ar", 1000),
        ("1,000", "ar", 1000),
        ("1 000 000", "ru", 1_000_000),
        ("1,000,000", "zh", 1_000_000),
        # Decimal separators: 0,7 in Arabic, French, Spanish, Russian.
        ("0,7", "ar", Fraction(7, 10)),
        ("0,7", "fr", Fraction(7, 10)),
        ("0,7", "es", Fraction(7, 10)),
        ("0,7", "ru", Fraction(7, 10)),
        ("٠٫٧", "ar", Fraction(7, 10)),
        ("0.7", "en", Fraction(7, 10)),
        ("1,000.5", "en", Fraction(2001, 2)),
        ("1 000,5", "fr", Fraction(2001, 2)),
        ("1.000,5", "es", Fraction(2001, 2)),
        ("١٬٠٠٠٫٥", "ar", Fraction(2001, 2)),
        # Digits in other scripts.
        ("٢٠٣٠", "ar", 2030),
        ("۲۰۳۰", "ar", 2030),
        ("２０３０", "zh", 2030),
        # Chinese multipliers and mixed forms; scale words.
        ("10万", "zh", 100_000),
        ("1000亿", "zh", 100_000_000_000),
        ("3.5亿", "zh", 350_000_000),
        ("100.000 millones", "es", 100_000_000_000),
        ("1.5 million", "en", 1_500_000),
        ("2 billion", "en", 2_000_000_000),
        ("5 millions", "fr", 5_000_000),
        ("3 milliards", "fr", 3_000_000_000),
        ("2 mil millones", "es", 2_000_000_000),
        ("7 млн", "ru", 7_000_000),
        ("7 млрд", "ru", 7_000_000_000),
        ("7 مليون", "ar", 7_000_000),
        ("7 مليار", "ar", 7_000_000_000),
    ],
)
def test_number_values(text: str, lang: Lang, value: Fraction | int) -> None:
    assert number(text, lang).value == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("5%", "en"),
        ("5 %", "fr"),
        ("5\u00a0%", "fr"),
        ("5 per cent", "en"),
        ("5 percent", "en"),
        ("5 pour cent", "fr"),
        ("5 por ciento", "es"),
        ("5 процента", "ru"),
        ("5 في المائة", "ar"),
        ("٥٪", "ar"),
        ("%5", "ar"),
        ("5％", "zh"),
        ("百分之五", "zh"),
        ("百分之5", "zh"),
    ],
)
def test_percent_in_every_form(text: str, lang: Lang) -> None:
    value = number(text, lang)
    assert value.form == "percent"
    assert value.key == "percent:5"


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("five", "en", 5),
        ("cinq", "fr", 5),
        ("cinco", "es", 5),
        ("пяти", "ru", 5),
        ("пятью", "ru", 5),
        ("خمسة", "ar", 5),
        ("وخمسة", "ar", 5),
        ("十年", "zh", 10),
        ("twenty", "en", 20),
        ("vingt", "fr", 20),
        ("veinte", "es", 20),
        ("двадцати", "ru", 20),
        ("عشرين", "ar", 20),
        ("二十", "zh", 20),
        ("zero", "en", 0),
    ],
)
def test_number_words_0_to_20(text: str, lang: Lang, value: int) -> None:
    found = number(text, lang)
    assert found.spelled and found.value == value


@pytest.mark.parametrize(
    ("text", "lang"),
    [("7427th", "en"), ("7427e", "fr"), ("7427.ª", "es"), ("7427-е", "ru"), ("第7427次", "zh")],
)
def test_ordinals(text: str, lang: Lang) -> None:
    found = number(text, lang)
    assert found.form == "ordinal" and found.value == 7427


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("first", "en", 1),
        ("premier", "fr", 1),
        ("tercera", "es", 3),
        ("третьего", "ru", 3),
        ("الثالثة", "ar", 3),
        ("第三", "zh", 3),
    ],
)
def test_ordinal_words(text: str, lang: Lang, value: int) -> None:
    found = number(text, lang)
    assert found.form == "ordinal" and found.value == value


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("two-thirds", "en", Fraction(2, 3)),
        ("deux tiers", "fr", Fraction(2, 3)),
        ("dos tercios", "es", Fraction(2, 3)),
        ("двух третей", "ru", Fraction(2, 3)),
        ("ثلثي", "ar", Fraction(2, 3)),
        ("三分之二", "zh", Fraction(2, 3)),
    ],
)
def test_fractions(text: str, lang: Lang, value: Fraction) -> None:
    found = number(text, lang)
    assert found.form == "fraction" and found.value == value


def test_a_slash_fraction_reads_as_a_number_and_a_reference() -> None:
    en = only("2/3", "en")
    zh = only("三分之二", "zh")
    assert isinstance(en, Reference) and matches(en, zh)


def test_same_value_written_differently_matches() -> None:
    assert matches(only("0.20", "en"), only("0.2", "zh"))
    assert matches(only("0,20", "fr"), only("0.2", "en"))
    assert matches(only("10万", "zh"), only("100,000", "en"))
    assert matches(only("1000亿", "zh"), only("100.000 millones", "es"))
    assert matches(only("100 billion", "en"), only("1000亿", "zh"))
    assert matches(only("1 000", "fr"), only("1,000", "en"))
    assert matches(only("пяти", "ru"), only("5", "en"))
    assert matches(only("十", "zh"), only("10", "en"))


def test_different_values_do_not_match() -> None:
    assert not matches(only("2020", "en"), only("2030", "fr"))
    assert not matches(only("5%", "en"), only("6 %", "fr"))
    assert not matches(only("3.1", "en"), only("3.2", "fr"))


def test_canonical_number() -> None:
    assert canonical_number(Fraction("0.20")) == "0.2"
    assert canonical_number(Fraction(1000)) == "1000"
    assert canonical_number(Fraction(1, 3)) == "1/3"
    assert canonical_number(Fraction("-2.5")) == "-2.5"
    assert canonical_number(Fraction("0.05")) == "0.05"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十二", 12),
        ("二十一", 21),
        ("一百零五", 105),
        ("一万五千", 15000),
        ("一亿五千万", 150_000_000),
    ],
)
def test_zh_numerals(numeral: str, value: int) -> None:
    assert zh_numeral_value(numeral) == value


def test_chinese_words_that_hold_one_are_not_numbers() -> None:
    assert extract_values("统一的一些一般性意见十分重要", "zh") == ()


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("7 April 2017", "en", "date:2017-04-07"),
        ("April 7, 2017", "en", "date:2017-04-07"),
        ("7 avril 2017", "fr", "date:2017-04-07"),
        ("1er avril 2017", "fr", "date:2017-04-01"),
        ("7 de abril de 2017", "es", "date:2017-04-07"),
        ("7 апреля 2017 г.", "ru", "date:2017-04-07"),
        ("07.04.2017 г.", "ru", "date:2017-04-07"),
        ("7 نيسان/أبريل 2017", "ar", "date:2017-04-07"),
        ("7 أبريل 2017", "ar", "date:2017-04-07"),
        ("٧ أبريل ٢٠١٧", "ar", "date:2017-04-07"),
        ("2017年4月7日", "zh", "date:2017-04-07"),
        ("2017-04-07", "en", "date:2017-04-07"),
        ("07/04/2017", "fr", "date:2017-04-07"),
        ("(04/2017)", "en", "date:2017-04"),
        ("(2017/04)", "ar", "date:2017-04"),
        ("April 2017", "en", "date:2017-04"),
        ("abril de 2017", "es", "date:2017-04"),
        ("December", "en", "date:--12"),
        ("12月", "zh", "date:--12"),
    ],
)
def test_dates(text: str, lang: Lang, key: str) -> None:
    value = only(text, lang)
    assert isinstance(value, Date) and value.key == key


def test_a_date_matches_a_date_not_three_numbers() -> None:
    en = only("7 April 2017", "en")
    assert matches(en, only("2017年4月7日", "zh"))
    assert matches(en, only("07.04.2017 г.", "ru"))
    assert matches(only("(04/2017)", "en"), only("07.04.2017 г.", "ru"))
    assert matches(only("(04/2017)", "en"), only("(2017/04)", "ar"))
    assert not matches(en, only("8 April 2017", "en"))
    assert not matches(en, only("7 April 2018", "en"))
    assert matches(only("December", "en"), only("12月", "zh"))


def test_may_the_verb_is_not_a_month() -> None:
    assert extract_values("Member States may march on", "en") == ()


@pytest.mark.parametrize(
    ("text", "lang", "kind", "ident"),
    [
        ("A/RES/70/1", "en", "symbol", "A/RES/70/1"),
        ("A/70/L.1.", "fr", "symbol", "A/70/L.1"),
        ("ITU-T E.108", "en", "recommendation", "E.108"),
        ("МСЭ-Т Е.108", "ru", "recommendation", "E.108"),
        ("E.164", "zh", "recommendation", "E.164"),
        ("68/198", "en", "symbol", "68/198"),
        ("1.3.2", "fr", "clause", "1.3.2"),
        ("3.1", "ru", "clause", "3.1"),
    ],
)
def test_references(text: str, lang: Lang, kind: str, ident: str) -> None:
    value = only(text, lang)
    assert isinstance(value, Reference)
    assert (value.kind, value.ident) == (kind, ident)


def test_arabic_mirrored_clause_numbers_and_ranges() -> None:
    assert matches(only("1.3", "ar"), only("3.1", "en"))
    assert matches(only("2.1.3", "ar"), only("3.1.2", "fr"))
    ar = [v for v in extract_values("البنود 5.3-1.3", "ar")]
    en = [v for v in extract_values("clauses 3.1-3.5", "en")]
    assert len(ar) == len(en) == 2
    assert all(any(matches(a, e) for e in en) for a in ar)
    assert not matches(only("1.3", "ar"), only("3.2", "en"))


def test_footnote_markers() -> None:
    en = [v for v in extract_values("the Radio Regulations(3) apply", "en")]
    assert [(type(v).__name__, v.key) for v in en] == [("Reference", "footnote:3")]
    ru = extract_values("Регламент радиосвязи³ применяется", "ru")
    assert [v.key for v in ru] == ["footnote:3"]
    assert matches(en[0], ru[0])


def test_numbers_inside_references_are_not_loose_numbers() -> None:
    keys = [v.key for v in extract_values("Resolution A/RES/70/1 and ITU-T E.108 (04/2017)", "en")]
    assert keys == ["symbol:A/RES/70/1", "recommendation:E.108", "date:2017-04"]


def test_offsets_point_into_the_original_text() -> None:
    text = "في عام ٢٠٣٠ و ١٠٪"
    for value in extract_values(text, "ar"):
        assert text[value.start : value.end] == value.text
    assert [v.key for v in extract_values(text, "ar")] == ["number:2030", "percent:10"]


@pytest.mark.parametrize(
    ("text", "lang", "keys"),
    [
        ("by 2030, 5 countries", "en", ["number:2030", "number:5"]),
        ("d'ici à 2030, cinq pays", "fr", ["number:2030", "number:5"]),
        ("para 2030, cinco países", "es", ["number:2030", "number:5"]),
        ("к 2030 году пяти стран", "ru", ["number:2030", "number:5"]),
        ("بحلول عام 2030، خمسة بلدان", "ar", ["number:2030", "number:5"]),
        ("到2030年，五个国家", "zh", ["number:2030", "number:5"]),
        ("+B68", "zh", ["number:68"]),
    ],
)
def test_sentences_per_language(text: str, lang: Lang, keys: list[str]) -> None:
    assert [v.key for v in extract_values(text, lang)] == keys


def test_words_grouped_by_first_letter_match_as_the_plain_alternation() -> None:
    """The grouping that speeds the number words and month names up changes no match: the
    first word in order wins within a letter, letters are compared without case."""
    words = ["пятнадцать", "пять", "Пятый", "два", "двадцать", "ε"]
    pairs = [(w, f"(?P<w{i}>{re.escape(w)})") for i, w in enumerate(words)]
    plain = re.compile("|".join(p for _, p in pairs), re.IGNORECASE)
    grouped = re.compile(f"(?={first_letters(words)})(?:{by_first_letter(pairs)})", re.IGNORECASE)
    text = "Пять и пятнадцать, двадцать два; ПЯТЫЙ, пятый и Ε."
    found = [(m.span(), m.lastgroup) for m in grouped.finditer(text)]
    assert found == [(m.span(), m.lastgroup) for m in plain.finditer(text)]
    # "два" is listed before "двадцать", so it wins there, as in the plain alternation.
    assert [text[a:b] for (a, b), _ in found] == [
        "Пять",
        "пятнадцать",
        "два",
        "два",
        "ПЯТЫЙ",
        "пятый",
        "Ε",
    ]
