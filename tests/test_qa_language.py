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


def glossed(**texts: str) -> list[tuple[str | None, str]]:
    g = QAGroup("s", "e119", "sentence", "3.1.5", texts)  # type: ignore[arg-type]
    return [(f.lang, f.rule) for f in check_language([g])]


def test_terms_glossed_in_english_are_not_language_errors() -> None:
    assert not glossed(
        en="3.1.5 next generation network (NGN): A packet-based network [ITU-T Y.2001].",
        ar="4.1.3 نظام الإغاثة في حالة الكوارث (disaster relief system) [ITU-T E.108]",
        ru="3.1.5 сеть последующего поколения (СПП) (next generation network (NGN)): сеть на базе пакетов",  # noqa: E501
        zh="3.1.5 下一代网络（next generation network，NGN）：基于分组的网络",
    )


def test_acronyms_names_urls_and_bibliography_are_not_language_errors() -> None:
    assert not glossed(
        en="IoT Internet of Things",
        ru="IoT Internet of Things Интернет вещей",
        ar="BCP خطة استمرارية الأعمال (Business Continuity Plan)",
        zh="UNISDR 联合国国际减灾战略 <http://www.unisdr.org/we/inform/publications/7817>",
    )
    bibliography = "[b-UNISDR] UNISDR (2009), UNISDR Terminology on disaster risk reduction."
    assert not glossed(en=bibliography, ar=bibliography, ru=bibliography)
    citation = "[ITU-T E.108] Recommendation ITU-T E.108 (2016), Requirements for disaster relief."
    assert not glossed(en=citation, ar=citation)


def test_a_segment_wholly_in_another_language_still_is_an_error() -> None:
    other = "The system itself must be highly reliable and readily available at all times."
    assert glossed(en=EN, ar=other, ru=other + " Always.", zh=other + " Really.") == [
        ("ar", "wrong-script"),
        ("ru", "wrong-script"),
        ("zh", "wrong-script"),
    ]
    assert glossed(en=EN, ru=EN) == [("ru", "untranslated")]
