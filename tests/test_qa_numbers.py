"""Check 1, numbers: values compared as values, per kind, with a severity that means something."""

from __future__ import annotations

from corpus.model import Lang
from warehouse.qa.model import Finding, QAGroup
from warehouse.qa.numbers import check_numbers, language_values


def group(**texts: str) -> QAGroup:
    return QAGroup("g1", "130", "paragraph", "recalling.l", texts)  # type: ignore[arg-type]


def found(**texts: str) -> list[tuple[Lang | None, str, str, str, str]]:
    return sorted(
        (f.lang, f.severity, f.rule, f.found, f.expected) for f in check_numbers([group(**texts)])
    )


def test_resolution_reference_matches_in_six_languages() -> None:
    g = group(
        en="Resolution 45 (Rev. Kigali, 2022) of the World Telecommunication Development Conference",  # noqa: E501
        fr="la Résolution 45 (Rév. Kigali, 2022) de la Conférence mondiale de développement",
        es="la Resolución 45 (Rev. Kigali, 2022) de la Conferencia Mundial de Desarrollo",
        ru="Резолюцию 45 (Пересм. Кигали, 2022 г.) Всемирной конференции по развитию электросвязи",
        ar="القرار ٤٥ (المراجَع في كيغالي، ٢٠٢٢) للمؤتمر العالمي لتنمية الاتصالات",
        zh="世界电信发展大会第45号决议（2022年，基加利，修订版）",
    )
    assert check_numbers([g]) == []


def test_the_same_values_written_each_language_s_way_give_no_finding() -> None:
    assert not found(
        en="about 100,000 users, 100 billion dollars, 0.7 and 0.20 of the 1,000 sites",
        fr="environ 100 000 utilisateurs, 100 milliards de dollars, 0,7 et 0,2 des 1 000 sites",
        es="unos 100.000 usuarios, 100.000 millones de dólares, 0,7 y 0,20 de los 1.000 sitios",
        ru="около 100 000 пользователей, 100 млрд долларов, 0,7 и 0,2 из 1 000 объектов",
        ar="نحو 100 000 مستعمل، و100 مليار دولار، و0,7 و0,2 من الـ 1000 موقع",
        zh="约10万用户、1000亿美元、0.7和0.2，1,000个站点",
    )


def test_numbers_in_words_match_digits() -> None:
    assert not found(
        en="within 5 years, ten years ago",
        ru="в течение пяти лет, десять лет назад",
        zh="5年内，十年前",
    )
    assert not found(en="Article 1", fr="Article premier", zh="第一条")


def test_dates_match_dates_in_each_language_s_order() -> None:
    assert not found(
        en="Approved on 7 April 2017 (04/2017)",
        fr="Approuvée le 7 avril 2017 (04/2017)",
        es="Aprobada el 7 de abril de 2017 (04/2017)",
        ru="Утверждена 07.04.2017 г. (04/2017)",
        ar="ووفق عليها في 7 نيسان/أبريل 2017 (2017/04)",
        zh="2017年4月7日批准（04/2017）",
    )


def test_arabic_mirrored_clause_numbers_match() -> None:
    assert not found(en="see clauses 3.1 and 7.2.1", fr="voir 3.1 et 7.2.1", ar="انظر 1.3 و1.2.7")


def test_table_of_contents_page_numbers_are_not_compared() -> None:
    assert not found(en="3.1\tTerms defined elsewhere\t\t1", fr="3.1\tTermes définis ailleurs\t\t2")


def test_a_changed_year_is_an_error_that_names_both_values() -> None:
    assert found(
        en="by 2030, all countries", fr="d'ici à 2030, tous les pays", es="para 2020, todos"
    ) == [("es", "error", "number-differs", "2020", "2030")]


def test_a_missing_year_is_an_error() -> None:
    assert found(
        en="universal access by 2030 for all", fr="l'accès universel d'ici à 2030", zh="普遍接入"
    ) == [("zh", "error", "number-missing", "", "2030")]


def test_a_spreadsheet_artefact_is_an_error() -> None:
    assert found(
        en="the total of contributions", fr="le total des contributions", zh="捐款总额+B68"
    ) == [("zh", "error", "number-extra", "68", "")]


def test_changed_reference_is_an_error_on_the_odd_language() -> None:
    assert found(
        en="UNGA Resolution 70/125, on the outcome document",
        fr="la Résolution 70/152 de l'Assemblée générale des Nations Unies",
        es="la Resolución 70/125 de la Asamblea General",
    ) == [("fr", "error", "symbol-differs", "70/152", "70/125")]


def test_a_number_word_missing_is_a_warning_and_a_footnote_marker_info() -> None:
    assert found(
        en="divided into five parts", fr="divisé en cinq parties", ar="ينقسم إلى أجزاء"
    ) == [("ar", "warning", "word-missing", "", "five")]
    # Arabic says "two" with the dual: nothing is missing.
    assert not found(en="divided into two parts", fr="divisé en deux parties", ar="ينقسم إلى جزأين")
    assert found(
        en="the Radio Regulations(3) apply", fr="le Règlement des radiocommunications s'applique"
    ) == [("fr", "info", "footnote-missing", "", "(3)")]


def test_a_typo_in_a_recommendation_number_is_one_finding() -> None:
    assert found(
        en="Recommendation ITU-T Y4102/Y.2074 (2015)",
        fr="Recommandation UIT-T Y.4102/Y.2074 (2015)",
        es="Recomendación UIT-T Y.4102/Y.2074 (2015)",
    ) == [("en", "error", "recommendation-differs", "4102", "UIT-T Y.4102")]


def test_glued_revision_numbers_are_left_to_the_residue_check() -> None:
    g = group(
        en="United Nations General Assembly (UNGA) Resolution 68/198, on (Rev. Dubai, 2018)",
        fr="la Résolution 68/19876/189 de l'Assemblée générale (Rév. Dubaï, 2018Bucarest, 2022)",
    )
    read = language_values(g.texts["fr"], "fr")
    assert not read.values
    assert {v.key for v in read.excused} >= {"symbol:68/198", "symbol:76/189", "number:2022"}
    assert check_numbers([g]) == []


def test_every_finding_records_its_rule_and_values() -> None:
    findings: list[Finding] = check_numbers(
        [group(en="in 2017 and 2020", fr="en 2017 et 2021", es="en 2017 y 2020")]
    )
    assert [(f.check, f.rule, f.found, f.expected) for f in findings] == [
        ("numbers", "number-differs", "2021", "2020")
    ]
    assert "2020" in findings[0].evidence and "2021" in findings[0].evidence
