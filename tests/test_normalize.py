"""The matching-only form of segment text, on real sentences of the bundled sources.

Strings marked "constructed" were written for these tests to reach a case
the bundled texts lack (French no-break spaces, Arabic diacritics, Chinese
full-width punctuation).
"""

from __future__ import annotations

import pytest

from corpus.model import LANGS, Lang
from corpus.normalize import normalize

# (language, raw text, expected norm)
CASES: list[tuple[Lang, str, str]] = [
    # UDHR (en) Article 3
    (
        "en",
        "Everyone has the right to life, liberty and the security of person.",
        "everyone has the right to life, liberty and the security of person.",
    ),
    # Res. 130 (en): brackets keep their tight spacing, capitals fold
    (
        "en",
        "Resolution 45 (Rev. Dubai, 2014) of the World Telecommunication Development Conference "
        "(WTDC)",
        "resolution 45 (rev. dubai, 2014) of the world telecommunication development conference "
        "(wtdc)",
    ),
    # UDHR (fr) title: typographic apostrophe -> ASCII
    (
        "fr",
        "Déclaration universelle des droits de l’homme",
        "déclaration universelle des droits de l'homme",
    ),
    # UDHR (fr) Article 26.1: a space before ";" goes
    (
        "fr",
        "L’enseignement technique et professionnel doit être généralisé ; l’accès aux études",
        "l'enseignement technique et professionnel doit être généralisé; l'accès aux études",
    ),
    # constructed: no-break and narrow no-break spaces before ;:!? and inside guillemets
    (
        "fr",
        "Les «\u00a0droits\u00a0» de l’homme\u00a0; vraiment\u202f? Oui\u00a0! Note\u00a0: fin",
        'les "droits" de l\'homme; vraiment? oui! note: fin',
    ),
    # Res. 130 (fr) with straight quotes and a tab after the label
    (
        "fr",
        "b)\tla Résolution 71/199 de l'Assemblée générale des Nations Unies, intitulée \"Le droit "
        "à la vie privée à l'ère du numérique\";",
        "b) la résolution 71/199 de l'assemblée générale des nations unies, intitulée \"le droit "
        "à la vie privée à l'ère du numérique\";",
    ),
    # UDHR (es) Article 3
    (
        "es",
        "Todo individuo tiene derecho a la vida, a la libertad y a la seguridad de su persona.",
        "todo individuo tiene derecho a la vida, a la libertad y a la seguridad de su persona.",
    ),
    # UDHR (ru) Article 3; constructed guillemets and em dash
    (
        "ru",
        "Каждый человек имеет право на жизнь, на свободу и на личную неприкосновенность — «право»",
        'каждый человек имеет право на жизнь, на свободу и на личную неприкосновенность - "право"',
    ),
    # UDHR (ar) Article 1: tanwin on أحرارًا and عقلاً go, أ becomes ا
    (
        "ar",
        "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وقد وهبوا عقلاً وضميرًا",
        "يولد جميع الناس احرارا متساوين في الكرامة والحقوق. وقد وهبوا عقلا وضميرا",
    ),
    # UDHR (ar) Article 4: إ becomes ا
    (
        "ar",
        "لا يجوز إسترقاق أو إستعباد أي شخص.",
        "لا يجوز استرقاق او استعباد اي شخص.",
    ),
    # constructed: shadda, tatweel, آ, alef maqsura, Arabic-Indic digits and decimal separator
    (
        "ar",
        "لمّا كان الـــقرار آخر ما يُتَّخذ فى عام ٢٠١٨ بنسبة ٣٫٥",
        "لما كان القرار اخر ما يتخذ في عام 2018 بنسبة 3.5",
    ),
    # UDHR (zh) Article 4 as bundled (half-width , and ;)
    (
        "zh",
        "任何人不得使为奴隶或奴役;一切形式的奴隶制度和奴隶买卖,均应予以禁止。",
        "任何人不得使为奴隶或奴役;一切形式的奴隶制度和奴隶买卖,均应予以禁止.",
    ),
    # constructed: the same with full-width punctuation, quotes, title marks and spaces
    (
        "zh",
        "任何人不得使为奴隶或奴役；一切形式的“奴隶制度”和《奴隶买卖》，均应予以禁止。 ITU 第１条",
        '任何人不得使为奴隶或奴役;一切形式的"奴隶制度"和"奴隶买卖",均应予以禁止.itu第1条',
    ),
]


@pytest.mark.parametrize(
    ("lang", "raw", "expected"),
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(CASES)],
)
def test_real_text_normalizes_as_expected(lang: Lang, raw: str, expected: str) -> None:
    assert normalize(raw, lang) == expected


@pytest.mark.parametrize(
    ("raw", "lang"),
    [pytest.param(raw, lang, id=f"{lang}-{i}") for i, (lang, raw, _) in enumerate(CASES)],
)
def test_normalize_is_idempotent(raw: str, lang: Lang) -> None:
    once = normalize(raw, lang)
    assert normalize(once, lang) == once


def test_french_quotes_give_one_form_whatever_the_spacing() -> None:
    forms = ["«\u00a0droits\u00a0»", "«\u202fdroits\u202f»", "« droits »", "«droits»", "“droits”"]
    assert {normalize(f"les {f} de l’homme", "fr") for f in forms} == {'les "droits" de l\'homme'}


def test_french_high_punctuation_spacing_is_consistent() -> None:
    for mark in ";:!?":
        spaced = normalize(f"Considérant\u00a0{mark} la Charte", "fr")
        tight = normalize(f"Considérant{mark} la Charte", "fr")
        assert spaced == tight == f"considérant{mark} la charte"


def test_arabic_alef_variants_fold_together() -> None:
    assert len({normalize(w, "ar") for w in ("أحمد", "إحمد", "آحمد", "احمد", "ٱحمد")}) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_raw_text_is_left_untouched(lang: Lang) -> None:
    for case_lang, raw, _ in CASES:
        if case_lang == lang:
            copy = str(raw)
            normalize(raw, lang)
            assert raw == copy


@pytest.mark.parametrize("lang", LANGS)
def test_whitespace_collapses_and_blank_stays_blank(lang: Lang) -> None:
    assert normalize(" \n\t\u00a0", lang) == ""
    assert normalize("ITU\n\n  2018", lang) == "itu 2018"
