"""Section-heading lexicon: ITU heading wording in six languages to neutral keys.

Headings ("recalling", "rappelant", "忆及" …) are the only structure shared by all
language versions of a resolution whatever their clause numbering, so the aligner
pairs sections by the keys returned here. The table is data, one row per wording;
matching is exact after :func:`normalize_heading`, never fuzzy, so that a clause
that merely starts with "noting" is not mistaken for a heading.

Uncertain wordings (marked ``# ?`` in the table) are the ones not checked against
an official ITU text of that language; the ITU keys and the en/fr rows come from
the bundled Resolution 130 texts. Searches of public ITU texts (Council resolutions
in Chinese and Russian, WTDC resolutions in Spanish, PP proposals) confirmed a few
more rows, noted where they stand; Arabic rows beyond Resolution 130's headings
could not be checked and keep their flag.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from corpus.model import Lang

#: (key, lang, wording) rows; several wordings may share one key.
HEADINGS: Final[tuple[tuple[str, Lang, str], ...]] = (
    # --- preamble ---------------------------------------------------------
    ("recalling", "en", "recalling"),
    ("recalling", "en", "recalling also"),
    ("recalling", "fr", "rappelant"),
    ("recalling", "fr", "rappelant également"),
    ("recalling", "es", "recordando"),
    ("recalling", "es", "recordando asimismo"),
    ("recalling", "ru", "напоминая"),
    ("recalling", "ar", "إذ يذكّر"),
    ("recalling", "ar", "إذ يشير إلى"),  # ?
    ("recalling", "zh", "忆及"),
    ("considering", "en", "considering"),
    ("considering", "fr", "considérant"),
    ("considering", "es", "considerando"),
    ("considering", "ru", "учитывая"),
    ("considering", "ar", "وإذ يضع في اعتباره"),
    ("considering", "zh", "考虑到"),
    ("recognizing", "en", "recognizing"),
    ("recognizing", "fr", "reconnaissant"),
    ("recognizing", "es", "reconociendo"),
    ("recognizing", "ru", "признавая"),
    ("recognizing", "ar", "وإذ يعترف"),
    ("recognizing", "zh", "认识到"),
    ("aware", "en", "aware"),
    ("aware", "en", "aware of"),
    ("aware", "fr", "consciente du fait"),
    ("aware", "fr", "consciente"),
    ("aware", "es", "consciente"),
    ("aware", "es", "consciente de"),
    ("aware", "ru", "сознавая"),
    ("aware", "ar", "وإذ يدرك"),
    ("aware", "zh", "意识到"),
    ("noting", "en", "noting"),
    ("noting", "fr", "notant"),
    ("noting", "es", "observando"),
    ("noting", "es", "tomando nota"),
    ("noting", "ru", "отмечая"),
    ("noting", "ar", "وإذ يلاحظ"),
    ("noting", "zh", "注意到"),
    ("noting-with-satisfaction", "en", "noting with satisfaction"),
    ("noting-with-satisfaction", "fr", "notant avec satisfaction"),
    ("noting-with-satisfaction", "es", "observando con satisfacción"),
    ("noting-with-satisfaction", "ru", "с удовлетворением отмечая"),
    ("noting-with-satisfaction", "ar", "وإذ يلاحظ مع الارتياح"),  # ?
    ("noting-with-satisfaction", "zh", "满意地注意到"),
    ("bearing-in-mind", "en", "bearing in mind"),
    ("bearing-in-mind", "fr", "ayant à l'esprit"),
    ("bearing-in-mind", "es", "teniendo presente"),
    ("bearing-in-mind", "es", "teniendo en cuenta"),
    ("bearing-in-mind", "ru", "принимая во внимание"),
    ("bearing-in-mind", "ru", "памятуя"),  # ?
    ("bearing-in-mind", "ar", "وإذ يضع في حسبانه"),  # ?
    ("bearing-in-mind", "zh", "铭记"),
    # "... further" headings. Checked: en "considering further" (PP-02 Doc. 56),
    # es "reconociendo además" (WTDC-02 Res. 31, Spanish, itu.int), zh "进一步注意到"
    # (Council Res. 1097, Chinese, itu.int); the rest follow the base headings.
    ("considering-further", "en", "considering further"),
    ("considering-further", "fr", "considérant en outre"),  # ?
    ("considering-further", "es", "considerando además"),  # ?
    ("considering-further", "ru", "учитывая далее"),  # ?
    ("considering-further", "ar", "وإذ يضع في اعتباره كذلك"),  # ?
    ("considering-further", "zh", "进一步考虑到"),  # ?
    ("recognizing-further", "en", "recognizing further"),
    ("recognizing-further", "fr", "reconnaissant en outre"),  # ?
    ("recognizing-further", "es", "reconociendo además"),
    ("recognizing-further", "ru", "признавая далее"),  # ?
    ("recognizing-further", "ar", "وإذ يعترف كذلك"),  # ?
    ("recognizing-further", "zh", "进一步认识到"),  # ?
    ("noting-further", "en", "noting further"),
    ("noting-further", "fr", "notant en outre"),  # ?
    ("noting-further", "es", "observando además"),  # ?
    ("noting-further", "ru", "отмечая далее"),  # ?
    ("noting-further", "ar", "وإذ يلاحظ كذلك"),  # ?
    ("noting-further", "zh", "进一步注意到"),
    ("taking-into-account", "en", "taking into account"),
    ("taking-into-account", "fr", "tenant compte"),
    ("taking-into-account", "es", "tomando en consideración"),  # ?
    ("taking-into-account", "ru", "с учетом"),  # ?
    ("taking-into-account", "ar", "وإذ يأخذ في الاعتبار"),  # ?
    ("taking-into-account", "zh", "考虑到以下情况"),  # ?
    ("emphasizing", "en", "emphasizing"),
    ("emphasizing", "fr", "soulignant"),
    ("emphasizing", "es", "destacando"),
    ("emphasizing", "es", "subrayando"),
    ("emphasizing", "ru", "подчеркивая"),
    ("emphasizing", "ar", "وإذ يؤكد"),  # ?
    ("emphasizing", "zh", "强调"),
    ("having-regard", "en", "having regard to"),
    ("having-regard", "fr", "vu"),
    ("having-regard", "es", "visto"),  # ?
    ("having-regard", "ru", "ссылаясь на"),  # ?
    ("having-regard", "ar", "وبالنظر إلى"),  # ?
    ("having-regard", "zh", "鉴于"),  # ?
    # --- operative part ---------------------------------------------------
    ("resolves", "en", "resolves"),
    ("resolves", "en", "decides"),  # Decisions of the PP and the Council
    ("resolves", "fr", "décide"),
    ("resolves", "es", "resuelve"),
    ("resolves", "ru", "решает"),
    ("resolves", "ar", "يقرر"),
    ("resolves", "zh", "做出决议"),
    ("resolves", "zh", "决定"),
    ("further-resolves", "en", "further resolves"),
    ("further-resolves", "fr", "décide en outre"),
    ("further-resolves", "es", "resuelve además"),
    ("further-resolves", "ru", "решает далее"),  # ?
    ("further-resolves", "ar", "يقرر كذلك"),  # ?
    ("further-resolves", "zh", "进一步做出决议"),  # ?
    (
        "instructs-sg-bureaux",
        "en",
        "instructs the Secretary-General and the Directors of the Bureaux",
    ),
    ("instructs-sg-bureaux", "fr", "charge le Secrétaire général et les Directeurs des Bureaux"),
    (
        "instructs-sg-bureaux",
        "es",
        "encarga al Secretario General y a los Directores de las Oficinas",
    ),
    ("instructs-sg-bureaux", "ru", "поручает Генеральному секретарю и Директорам Бюро"),
    ("instructs-sg-bureaux", "ar", "يكلف الأمين العام ومديري المكاتب"),
    ("instructs-sg-bureaux", "zh", "责成秘书长和各局主任"),
    (
        "instructs-tsb",
        "en",
        "instructs the Director of the Telecommunication Standardization Bureau",
    ),
    (
        "instructs-tsb",
        "fr",
        "charge le Directeur du Bureau de la normalisation des télécommunications",
    ),
    (
        "instructs-tsb",
        "es",
        "encarga al Director de la Oficina de Normalización de las Telecomunicaciones",
    ),
    ("instructs-tsb", "ru", "поручает Директору Бюро стандартизации электросвязи"),
    ("instructs-tsb", "ar", "يكلف مدير مكتب تقييس الاتصالات"),
    ("instructs-tsb", "zh", "责成电信标准化局主任"),
    ("instructs-bdt", "en", "instructs the Director of the Telecommunication Development Bureau"),
    (
        "instructs-bdt",
        "fr",
        "charge le Directeur du Bureau de développement des télécommunications",
    ),
    (
        "instructs-bdt",
        "es",
        "encarga al Director de la Oficina de Desarrollo de las Telecomunicaciones",
    ),
    ("instructs-bdt", "ru", "поручает Директору Бюро развития электросвязи"),
    ("instructs-bdt", "ar", "يكلف مدير مكتب تنمية الاتصالات"),
    ("instructs-bdt", "zh", "责成电信发展局主任"),
    ("instructs-br", "en", "instructs the Director of the Radiocommunication Bureau"),
    ("instructs-br", "fr", "charge le Directeur du Bureau des radiocommunications"),
    ("instructs-br", "es", "encarga al Director de la Oficina de Radiocomunicaciones"),
    ("instructs-br", "ru", "поручает Директору Бюро радиосвязи"),
    ("instructs-br", "ar", "يكلف مدير مكتب الاتصالات الراديوية"),
    ("instructs-br", "zh", "责成无线电通信局主任"),
    (
        "instructs-tsb-bdt",
        "en",
        "further instructs the Director of the Telecommunication Standardization Bureau"
        " and the Director of the Telecommunication Development Bureau",
    ),
    (
        "instructs-tsb-bdt",
        "en",
        "instructs the Director of the Telecommunication Standardization Bureau"
        " and the Director of the Telecommunication Development Bureau",
    ),
    (
        "instructs-tsb-bdt",
        "fr",
        "charge en outre le Directeur du Bureau de la normalisation des télécommunications"
        " et le Directeur du Bureau de développement des télécommunications",
    ),
    (
        "instructs-tsb-bdt",
        "es",
        "encarga además al Director de la Oficina de Normalización de las Telecomunicaciones"
        " y al Director de la Oficina de Desarrollo de las Telecomunicaciones",
    ),
    (
        "instructs-tsb-bdt",
        "ru",
        "поручает далее Директору Бюро стандартизации электросвязи"
        " и Директору Бюро развития электросвязи",
    ),
    ("instructs-tsb-bdt", "ar", "يكلف كذلك مدير مكتب تقييس الاتصالات ومدير مكتب تنمية الاتصالات"),
    ("instructs-tsb-bdt", "zh", "进一步责成电信标准化局主任和电信发展局主任"),
    ("instructs-sg", "en", "instructs the Secretary-General"),
    ("instructs-sg", "fr", "charge le Secrétaire général"),
    ("instructs-sg", "es", "encarga al Secretario General"),
    ("instructs-sg", "ru", "поручает Генеральному секретарю"),
    ("instructs-sg", "ar", "يكلف الأمين العام"),
    ("instructs-sg", "zh", "责成秘书长"),
    ("requests-sg", "en", "requests the Secretary-General"),
    ("requests-sg", "fr", "prie le Secrétaire général"),
    ("requests-sg", "es", "pide al Secretario General"),
    ("requests-sg", "ru", "просит Генерального секретаря"),
    ("requests-sg", "ar", "يطلب إلى الأمين العام"),
    ("requests-sg", "zh", "请秘书长"),
    ("requests-council", "en", "requests the ITU Council"),
    ("requests-council", "en", "requests the Council"),
    ("requests-council", "fr", "prie le Conseil de l'UIT"),
    ("requests-council", "fr", "prie le Conseil"),
    ("requests-council", "es", "pide al Consejo de la UIT"),
    ("requests-council", "es", "pide al Consejo"),
    ("requests-council", "ru", "просит Совет МСЭ"),
    ("requests-council", "ru", "просит Совет"),
    ("requests-council", "ar", "يطلب إلى مجلس الاتحاد"),
    ("requests-council", "ar", "يطلب إلى المجلس"),
    ("requests-council", "zh", "请国际电联理事会"),
    ("requests-council", "zh", "请理事会"),
    ("invites-ms", "en", "invites Member States"),
    ("invites-ms", "fr", "invite les États Membres"),
    ("invites-ms", "es", "invita a los Estados Miembros"),
    ("invites-ms", "ru", "предлагает Государствам-Членам"),
    ("invites-ms", "ar", "يدعو الدول الأعضاء"),
    ("invites-ms", "zh", "邀请各成员国"),
    ("invites-ms-sm-assoc", "en", "invites Member States, Sector Members and Associates"),
    (
        "invites-ms-sm-assoc",
        "fr",
        "invite les États Membres, les Membres des Secteurs et les Associés",
    ),
    (
        "invites-ms-sm-assoc",
        "es",
        "invita a los Estados Miembros, a los Miembros de Sector y a los Asociados",
    ),
    (
        "invites-ms-sm-assoc",
        "ru",
        "предлагает Государствам-Членам, Членам Секторов и Ассоциированным членам",
    ),
    ("invites-ms-sm-assoc", "ar", "يدعو الدول الأعضاء وأعضاء القطاعات والمنتسبين"),
    ("invites-ms-sm-assoc", "zh", "邀请各成员国、部门成员和部门准成员"),
    ("encourages", "en", "encourages Member States"),
    ("encourages", "fr", "encourage les États Membres"),
    ("encourages", "es", "alienta a los Estados Miembros"),
    ("encourages", "ru", "рекомендует Государствам-Членам"),  # ?
    ("encourages", "ar", "يشجع الدول الأعضاء"),
    ("encourages", "zh", "鼓励各成员国"),
    ("urges", "en", "urges Member States"),
    ("urges", "fr", "prie instamment les États Membres"),
    ("urges", "es", "insta a los Estados Miembros"),
    ("urges", "ru", "настоятельно призывает Государства-Члены"),
    ("urges", "ar", "يحث الدول الأعضاء"),
    ("urges", "zh", "敦促各成员国"),
    ("calls-upon", "en", "calls upon Member States"),
    ("calls-upon", "fr", "appelle les États Membres"),  # ?
    ("calls-upon", "es", "exhorta a los Estados Miembros"),  # ?
    ("calls-upon", "ru", "призывает Государства-Члены"),
    ("calls-upon", "ar", "يناشد الدول الأعضاء"),  # ?
    ("calls-upon", "zh", "呼吁各成员国"),
)

_TRAILING = re.compile(r"[\s,:;.،؛]+$")
_SPACES = re.compile(r"\s+")
_TATWEEL = "\u0640"


def normalize_heading(text: str) -> str:
    """Fold case, accents, Arabic diacritics and spacing so wording variants compare equal.

    Why: headings come out of Word and PDF conversions with stray commas, non-breaking
    spaces, typographic apostrophes and, in Arabic, optional vowel marks.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace(_TATWEEL, ""))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("’", "'").replace("‘", "'").replace("‑", "-").replace("‐", "-")
    bare = _TRAILING.sub("", _SPACES.sub(" ", bare.casefold()).strip())
    return unicodedata.normalize("NFC", bare)


def _index() -> dict[tuple[Lang, str], str]:
    index: dict[tuple[Lang, str], str] = {}
    for key, lang, wording in HEADINGS:
        norm = normalize_heading(wording)
        previous = index.setdefault((lang, norm), key)
        if previous != key:  # pragma: no cover - guards the table itself
            raise ValueError(f"heading {wording!r} ({lang}) maps to {previous} and {key}")
    return index


_INDEX: Final[dict[tuple[Lang, str], str]] = _index()


def section_key(text: str, lang: Lang) -> str | None:
    """Return the neutral key of a section heading, or ``None`` if ``text`` is not one.

    Arabic headings after the first carry the conjunction "و" ("and") or not depending
    on their position, so it is optional.
    """
    norm = normalize_heading(text)
    found = _INDEX.get((lang, norm))
    if found is None and lang == "ar":
        alt = norm[1:] if norm.startswith("و") else "و" + norm
        found = _INDEX.get((lang, alt))
    return found


def section_keys() -> frozenset[str]:
    """Return every key the lexicon can produce (for checks and documentation)."""
    return frozenset(key for key, _, _ in HEADINGS)


#: Unnumbered headings of the parts of an ITU-T Recommendation (style ``Headingb`` or
#: ``AppendixNoTitle``), read from the E.119 Word files in ar/en/es/fr/ru; the Chinese
#: rows are flagged as unchecked. Kept apart from :data:`HEADINGS` so the resolution
#: parsers never take a paragraph reading "Summary" for a section of a resolution.
DOCUMENT_PARTS: Final[tuple[tuple[str, Lang, str], ...]] = (
    ("summary", "en", "Summary"),
    ("summary", "fr", "Résumé"),
    ("summary", "es", "Resumen"),
    ("summary", "ru", "Резюме"),
    ("summary", "ar", "ملخص"),
    ("summary", "zh", "摘要"),  # ?
    ("history", "en", "History"),
    ("history", "fr", "Historique"),
    ("history", "es", "Historia"),
    ("history", "ru", "Хронологическая справка"),
    ("history", "ar", "التسلسل التاريخي"),
    ("history", "zh", "历史沿革"),  # ?
    ("keywords", "en", "Keywords"),
    ("keywords", "fr", "Mots clés"),  # ?
    ("keywords", "es", "Palabras clave"),  # ?
    ("keywords", "ru", "Ключевые слова"),  # ?
    ("keywords", "ar", "الكلمات الأساسية"),  # ?
    ("keywords", "zh", "关键词"),  # ?
    ("introduction", "en", "Introduction"),
    ("introduction", "fr", "Introduction"),
    ("introduction", "es", "Introducción"),
    ("introduction", "ru", "Введение"),
    ("introduction", "ar", "مقدمة"),
    ("introduction", "zh", "引言"),  # ?
    ("bibliography", "en", "Bibliography"),
    ("bibliography", "fr", "Bibliographie"),
    ("bibliography", "es", "Bibliografía"),
    ("bibliography", "ru", "Библиография"),
    ("bibliography", "ar", "بيبليوغرافيا"),
    ("bibliography", "zh", "参考文献"),  # ?
)
_PARTS: Final[dict[tuple[Lang, str], str]] = {
    (lang, normalize_heading(wording)): key for key, lang, wording in DOCUMENT_PARTS
}


def part_key(text: str, lang: Lang) -> str | None:
    """The neutral key of an unnumbered part heading of a Recommendation, or ``None``."""
    return _PARTS.get((lang, normalize_heading(text)))
