"""Check 5, untranslated or wrong language."""

from __future__ import annotations

from warehouse.qa.language import check_language, guess_latin_language
from warehouse.qa.model import QAGroup

EN = "All human beings are born free and equal in dignity and rights."
FR = "Tous les êtres humains naissent libres et égaux en dignité et en droits."
ES = "Todos los seres humanos nacen libres e iguales en dignidad y derechos."
RU = "Все люди рождаются свободными и равными в своем достоинстве и правах."
AR = "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق."
ZH = "人人生而自由，在尊严和权利上一律平等。"


def test_clean_six_languages() -> None:
    g = QAGroup(
        "s",
        "udhr",
        "sentence",
        "article.1",
        {"en": EN, "fr": FR, "es": ES, "ru": RU, "ar": AR, "zh": ZH},
    )
    assert check_language([g]) == []


def test_english_left_in_french_and_russian_and_chinese() -> None:
    g = QAGroup(
        "s", "udhr", "sentence", "article.1", {"en": EN, "fr": EN, "ru": EN, "zh": EN, "es": ES}
    )
    findings = check_language([g])
    assert sorted(f.lang or "" for f in findings) == ["fr", "ru", "zh"]
    assert all(f.severity == "error" and "identical to the en text" in f.evidence for f in findings)


def test_latin_script_in_arabic_and_wrong_latin_language() -> None:
    other_en = "Everyone has the right to life, liberty and security of person."
    g = QAGroup("s", "udhr", "sentence", "article.3", {"en": EN, "ar": other_en, "es": FR})
    found = {f.lang: f.evidence for f in check_language([g])}
    assert "latin" in found["ar"]
    assert "reads as fr" in found["es"]
    es = "Toda persona tiene derecho a la libertad de pensamiento, de conciencia y de religión; este derecho incluye la libertad de cambiar de religión o de creencia."  # noqa: E501
    assert guess_latin_language(es)[0] == "es"
