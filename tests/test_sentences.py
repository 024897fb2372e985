"""Sentence splitting on real text: the bundled UDHR and Resolution 130.

Paragraphs marked "UDHR" or "Res. 130" are copied verbatim from the bundled
sources; those marked "constructed" were written for these tests, from the
same vocabulary, to reach cases the bundled texts lack (decimals, labels,
questions in Arabic and Chinese).
"""

from __future__ import annotations

import pytest

from corpus.errors import UnknownLanguageError
from corpus.model import LANGS, Lang
from corpus.sentences import ITU_NON_BREAKING_PREFIXES, SPLITTERS, split_sentences

# (language, paragraph, expected sentences)
CASES: list[tuple[Lang, str, list[str]]] = [
    # UDHR, Article 1
    (
        "en",
        "All human beings are born free and equal in dignity and rights. They are endowed with "
        "reason and conscience and should act towards one another in a spirit of brotherhood.",
        [
            "All human beings are born free and equal in dignity and rights.",
            "They are endowed with reason and conscience and should act towards one another in a "
            "spirit of brotherhood.",
        ],
    ),
    # UDHR, Article 26.1
    (
        "en",
        "Everyone has the right to education. Education shall be free, at least in the elementary "
        "and fundamental stages. Elementary education shall be compulsory. Technical and "
        "professional education shall be made generally available and higher education shall be "
        "equally accessible to all on the basis of merit.",
        [
            "Everyone has the right to education.",
            "Education shall be free, at least in the elementary and fundamental stages.",
            "Elementary education shall be compulsory.",
            "Technical and professional education shall be made generally available and higher "
            "education shall be equally accessible to all on the basis of merit.",
        ],
    ),
    # Res. 130 (en), recalling: "(Rev. Busan, 2014)" must not split
    (
        "en",
        "Resolution 174 (Rev. Busan, 2014) of the Plenipotentiary Conference, on ITU's role with "
        "regard to international public policy issues relating to the risk of illicit use of ICTs;",
        [
            "Resolution 174 (Rev. Busan, 2014) of the Plenipotentiary Conference, on ITU's role "
            "with regard to international public policy issues relating to the risk of illicit use "
            "of ICTs;"
        ],
    ),
    # Res. 130 (en), recognizing a): "etc." inside a sentence
    (
        "en",
        "a) that ITU and other international organizations, through a variety of activities, are "
        "examining issues related to building confidence and security in the use of ICTs, "
        "including stability and measures to combat spam, malware, etc. and to protect personal "
        "data and privacy;",
        [
            "a) that ITU and other international organizations, through a variety of activities, "
            "are examining issues related to building confidence and security in the use of ICTs, "
            "including stability and measures to combat spam, malware, etc. and to protect "
            "personal data and privacy;"
        ],
    ),
    # constructed from Res. 130: a reference followed by a capital, then a new sentence
    (
        "en",
        "1. The Conference recalls Resolution 45 (Rev. Dubai, 2014). See also Doc. 76 (Add. 35), "
        "e.g. Annex 2.",
        [
            "1. The Conference recalls Resolution 45 (Rev. Dubai, 2014).",
            "See also Doc. 76 (Add. 35), e.g. Annex 2.",
        ],
    ),
    # UDHR, Article 1
    (
        "fr",
        "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont doués "
        "de raison et de conscience et doivent agir les uns envers les autres dans un esprit de "
        "fraternité.",
        [
            "Tous les êtres humains naissent libres et égaux en dignité et en droits.",
            "Ils sont doués de raison et de conscience et doivent agir les uns envers les autres "
            "dans un esprit de fraternité.",
        ],
    ),
    # UDHR, Article 26.1: " ; " is not a sentence end
    (
        "fr",
        "Toute personne a droit à l’éducation. L’éducation doit être gratuite, au moins en ce qui "
        "concerne l’enseignement élémentaire et fondamental. L’enseignement élémentaire est "
        "obligatoire. L’enseignement technique et professionnel doit être généralisé ; l’accès aux "
        "études supérieures doit être ouvert en pleine égalité à tous en fonction de leur mérite.",
        [
            "Toute personne a droit à l’éducation.",
            "L’éducation doit être gratuite, au moins en ce qui concerne l’enseignement "
            "élémentaire et fondamental.",
            "L’enseignement élémentaire est obligatoire.",
            "L’enseignement technique et professionnel doit être généralisé ; l’accès aux études "
            "supérieures doit être ouvert en pleine égalité à tous en fonction de leur mérite.",
        ],
    ),
    # Res. 130 (fr), rappelant g): "(Rév. Dubaï, 2018)" must not split; tab after the label
    (
        "fr",
        "g)\tla Résolution 70 (Rév. Dubaï, 2018) de la Conférence de plénipotentiaires, intitulée "
        "\"Intégration du principe de l'égalité hommes/femmes à l'UIT\";",
        [
            "g)\tla Résolution 70 (Rév. Dubaï, 2018) de la Conférence de plénipotentiaires, "
            "intitulée \"Intégration du principe de l'égalité hommes/femmes à l'UIT\";"
        ],
    ),
    # Res. 130 (fr), title line with tracked changes flattened, in capitals
    (
        "fr",
        "RÉSOLUTION 130 (RÉV. DUBAÏ, 2018bucarest, 2022)",
        ["RÉSOLUTION 130 (RÉV. DUBAÏ, 2018bucarest, 2022)"],
    ),
    # constructed: French no-break spaces before ? and ! and inside guillemets
    (
        "fr",
        "Les «\u00a0droits\u00a0» sont-ils protégés\u00a0? Oui\u00a0! Ils le sont.",
        ["Les «\u00a0droits\u00a0» sont-ils protégés\u00a0?", "Oui\u00a0!", "Ils le sont."],
    ),
    # UDHR, Article 26.1
    (
        "es",
        "Toda persona tiene derecho a la educación. La educación debe ser gratuita, al menos en lo "
        "concerniente a la instrucción elemental y fundamental. La instrucción elemental será "
        "obligatoria. La instrucción técnica y profesional habrá de ser generalizada; el acceso a "
        "los estudios superiores será igual para todos, en función de los méritos respectivos.",
        [
            "Toda persona tiene derecho a la educación.",
            "La educación debe ser gratuita, al menos en lo concerniente a la instrucción "
            "elemental y fundamental.",
            "La instrucción elemental será obligatoria.",
            "La instrucción técnica y profesional habrá de ser generalizada; el acceso a los "
            "estudios superiores será igual para todos, en función de los méritos respectivos.",
        ],
    ),
    # UDHR, Article 1: one sentence, commas only
    (
        "es",
        "Todos los seres humanos nacen libres e iguales en dignidad y derechos y, dotados como "
        "están de razón y conciencia, deben comportarse fraternalmente los unos con los otros.",
        [
            "Todos los seres humanos nacen libres e iguales en dignidad y derechos y, dotados como "
            "están de razón y conciencia, deben comportarse fraternalmente los unos con los otros."
        ],
    ),
    # constructed: Spanish ITU reference and abbreviations
    (
        "es",
        "Véase la Resolución 130 (Rev. Dubái, 2018), núm. 5. El Sr. Pérez la presentó.",
        ["Véase la Resolución 130 (Rev. Dubái, 2018), núm. 5.", "El Sr. Pérez la presentó."],
    ),
    # UDHR, Article 1
    (
        "ru",
        "Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены "
        "разумом и совестью и должны поступать в отношении друг друга в духе братства.",
        [
            "Все люди рождаются свободными и равными в своем достоинстве и правах.",
            "Они наделены разумом и совестью и должны поступать в отношении друг друга в духе "
            "братства.",
        ],
    ),
    # UDHR, Article 26.1
    (
        "ru",
        "Каждый человек имеет право на образование. Образование должно быть бесплатным по меньшей "
        "мере в том, что касается начального и общего образования. Начальное образование должно "
        "быть обязательным. Техническое и профессиональное образование должно быть общедоступным, "
        "и высшее образование должно быть одинаково доступным для всех на основе способностей "
        "каждого.",
        [
            "Каждый человек имеет право на образование.",
            "Образование должно быть бесплатным по меньшей мере в том, что касается начального и "
            "общего образования.",
            "Начальное образование должно быть обязательным.",
            "Техническое и профессиональное образование должно быть общедоступным, и высшее "
            "образование должно быть одинаково доступным для всех на основе способностей каждого.",
        ],
    ),
    # constructed: Russian abbreviations г., ст., п., т.е., и т.д. before capitals
    (
        "ru",
        "Резолюция 130 (Пересм. Дубай, 2018 г.) Полномочной конференции, ст. 5 и п. 3, т.е. "
        "Устав, Конвенция и т.д. Все это применяется.",
        [
            "Резолюция 130 (Пересм. Дубай, 2018 г.) Полномочной конференции, ст. 5 и п. 3, т.е. "
            "Устав, Конвенция и т.д. Все это применяется."
        ],
    ),
    # UDHR, Article 1
    (
        "ar",
        "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وقد وهبوا عقلاً وضميرًا وعليهم أن يعامل "
        "بعضهم بعضًا بروح الإخاء.",
        [
            "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق.",
            "وقد وهبوا عقلاً وضميرًا وعليهم أن يعامل بعضهم بعضًا بروح الإخاء.",
        ],
    ),
    # UDHR, Article 25.1: three sentences
    (
        "ar",
        "لكل شخص الحق في مستوى من المعيشة كاف للمحافظة على الصحة والرفاهية له ولأسرته. ويتضمن ذلك "
        "التغذية والملبس والمسكن والعناية الطبية وكذلك الخدمات الاجتماعية اللازمة. وله الحق في "
        "تأمين معيشته في حالات البطالة والمرض والعجز والترمل والشيخوخة وغير ذلك من فقدان وسائل "
        "العيش نتيجة لظروف خارجة عن إرادته.",
        [
            "لكل شخص الحق في مستوى من المعيشة كاف للمحافظة على الصحة والرفاهية له ولأسرته.",
            "ويتضمن ذلك التغذية والملبس والمسكن والعناية الطبية وكذلك الخدمات الاجتماعية اللازمة.",
            "وله الحق في تأمين معيشته في حالات البطالة والمرض والعجز والترمل والشيخوخة وغير ذلك من "
            "فقدان وسائل العيش نتيجة لظروف خارجة عن إرادته.",
        ],
    ),
    # UDHR, Article 2.1: "،" is not a sentence end
    (
        "ar",
        "لكل إنسان حق التمتع بكافة الحقوق والحريات الواردة في هذا الإعلان، دون أي تمييز، كالتمييز "
        "بسبب العنصر أو اللون أو الجنس أو اللغة أو الدين.",
        [
            "لكل إنسان حق التمتع بكافة الحقوق والحريات الواردة في هذا الإعلان، دون أي تمييز، "
            "كالتمييز بسبب العنصر أو اللون أو الجنس أو اللغة أو الدين."
        ],
    ),
    # constructed: clause labels أ. and (ب), a decimal, "؛" kept, then "؟" and "!" end sentences
    (
        "ar",
        "أ. أن يواصل المجلس عمله؛ (ب) أن يرفع النسبة إلى 3.5 في المائة. هل تحقق ذلك؟ نعم! "
        "وقد وهبوا عقلاً وضميرًا",
        [
            "أ. أن يواصل المجلس عمله؛ (ب) أن يرفع النسبة إلى 3.5 في المائة.",
            "هل تحقق ذلك؟",
            "نعم!",
            "وقد وهبوا عقلاً وضميرًا",
        ],
    ),
    # constructed: a closing guillemet stays with its sentence; a lone label "1." is kept with it
    (
        "ar",
        "1. قال المندوب «انتهى الاجتماع.» ثم غادر القاعة.",
        ["1. قال المندوب «انتهى الاجتماع.»", "ثم غادر القاعة."],
    ),
    # UDHR, Article 1
    (
        "zh",
        "人人生而自由,在尊严和权利上一律平等。他们赋有理性和良心,并应以兄弟关系的精神相对待。",
        [
            "人人生而自由,在尊严和权利上一律平等。",
            "他们赋有理性和良心,并应以兄弟关系的精神相对待。",
        ],
    ),
    # UDHR, Article 26.1: four sentences, no spaces between them
    (
        "zh",
        "人人都有受教育的权利,教育应当免费,至少在初级和基本阶段应如此。初级教育应属义务性质。"
        "技术和职业教育应普遍设立。高等教育应根据成绩而对一切人平等开放。",
        [
            "人人都有受教育的权利,教育应当免费,至少在初级和基本阶段应如此。",
            "初级教育应属义务性质。",
            "技术和职业教育应普遍设立。",
            "高等教育应根据成绩而对一切人平等开放。",
        ],
    ),
    # UDHR, Article 4: ";" does not end a sentence
    (
        "zh",
        "任何人不得使为奴隶或奴役;一切形式的奴隶制度和奴隶买卖,均应予以禁止。",
        ["任何人不得使为奴隶或奴役;一切形式的奴隶制度和奴隶买卖,均应予以禁止。"],
    ),
    # constructed: full-width "；" in a resolution clause, a decimal, a closing quote, "？" "！"
    (
        "zh",
        "（a）请理事会将比例提高到3.5%；会议认为：“这是优先事项。”真的吗？是的！第1.2段",
        [
            "（a）请理事会将比例提高到3.5%；会议认为：“这是优先事项。”",
            "真的吗？",
            "是的！",
            "第1.2段",
        ],
    ),
    # constructed: closing brackets stay with the sentence; ASCII "." after a Han character ends one
    (
        "zh",
        "见第130号决议（2018年，迪拜，修订版。）此后继续. 国际电联（ITU）",
        ["见第130号决议（2018年，迪拜，修订版。）", "此后继续.", "国际电联（ITU）"],
    ),
]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        pytest.param(lang, text, expected, id=f"{lang}-{i}")
        for i, (lang, text, expected) in enumerate(CASES)
    ],
)
def test_real_paragraphs_split_into_expected_sentences(
    lang: Lang, text: str, expected: list[str]
) -> None:
    assert [text[a:b] for a, b in split_sentences(text, lang)] == expected


def test_every_language_has_cases_and_a_splitter() -> None:
    assert {lang for lang, _, _ in CASES} == set(LANGS) == set(SPLITTERS)


@pytest.mark.parametrize("lang", LANGS)
def test_spans_are_stripped_ordered_and_cover_the_text(lang: Lang) -> None:
    text = "\n  ".join(t for case_lang, t, _ in CASES if case_lang == lang) + "  \n"
    spans = split_sentences(text, lang)
    assert spans
    previous_end = 0
    for start, end in spans:
        piece = text[start:end]
        assert piece and piece == piece.strip()
        assert previous_end <= start < end
        assert not text[previous_end:start].strip()
        previous_end = end
    assert not text[previous_end:].strip()


@pytest.mark.parametrize("lang", LANGS)
def test_text_without_terminal_punctuation_is_one_sentence(lang: Lang) -> None:
    # The UDHR heading "The General Assembly" in each language.
    heading = {
        "ar": "فإن الجمعية العامة",
        "en": "The General Assembly",
        "es": "La Asamblea General",
        "fr": "L’Assemblée générale",
        "ru": "Генеральная Ассамблея",
        "zh": "大会",
    }[lang]
    assert split_sentences(f"  {heading}\n", lang) == [(2, 2 + len(heading))]


@pytest.mark.parametrize("lang", LANGS)
def test_blank_text_has_no_sentence(lang: Lang) -> None:
    assert split_sentences(" \n\t ", lang) == []
    assert split_sentences("", lang) == []


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru"])
@pytest.mark.parametrize("prefix", ITU_NON_BREAKING_PREFIXES)
def test_itu_prefixes_never_end_a_sentence(lang: Lang, prefix: str) -> None:
    text = f"See Resolution 130 ({prefix} Dubai, 2018) of the Conference. Next sentence."
    spans = split_sentences(text, lang)
    assert [text[a:b] for a, b in spans] == [
        f"See Resolution 130 ({prefix} Dubai, 2018) of the Conference.",
        "Next sentence.",
    ]


def test_unknown_language_is_an_input_error() -> None:
    with pytest.raises(UnknownLanguageError, match=r"\[de\]: no sentence splitter"):
        split_sentences("Alle Menschen sind frei.", "de")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("words", "cursor", "expected"),
    [
        (["the", "Union"], 0, (0, 9)),
        (["Union", "shall"], 0, (4, 17)),  # any whitespace run between words: NBSP, newline
        (["the", "Union"], 1, (19, 28)),  # from the cursor on: the next occurrence
        (["the", "Council"], 0, None),  # "the" is there, but never followed by "Council"
        (["Union", "shal"], 0, (4, 16)),  # a word may end inside a longer one, as a regex finds
    ],
)
def test_moses_sentences_are_located_from_the_cursor(
    words: list[str], cursor: int, expected: tuple[int, int] | None
) -> None:
    """Constructed: a sentence the splitter returned is found in the text it came from."""
    from corpus.sentences import _locate

    assert _locate(words, "the Union\u00a0\n shall; the Union", cursor) == expected
