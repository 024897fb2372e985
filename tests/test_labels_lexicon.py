"""Clause labels and the section-heading lexicon, on the wording of real ITU texts."""

from __future__ import annotations

import pytest

from corpus.labels import Label, parse_label
from corpus.lexicon import HEADINGS, section_key, section_keys
from corpus.manifest import BUNDLED_MANIFEST, read_manifest, read_source_bytes
from corpus.model import LANGS, Lang


def label(raw: str, after: str | None = None, lang: Lang = "fr") -> Label:
    previous = parse_label(after, lang) if after is not None else None
    return parse_label(raw, lang, after=previous)


@pytest.mark.parametrize(
    ("raw", "after", "key", "kind", "old", "new"),
    [
        ("a)", None, "a", "letter", None, None),
        ("(b)", None, "b", "letter", None, None),
        ("12", "11", "12", "number", None, None),
        ("12", None, "12", "number", None, None),
        ("10", "9", "10", "number", None, None),
        ("1213", "12", "13", "number", "12", "13"),
        ("1213", None, "13", "number", "12", "13"),
        ("98", "8", "8", "number", "9", "8"),
        ("98", None, "8", "number", "9", "8"),
        ("109", "8 bis", "9", "number", "10", "9"),
        ("1110", "109", "10", "number", "11", "10"),
        ("1311", "1210", "11", "number", "13", "11"),
        ("23", "2", "3", "number", "2", "3"),
        ("23", "22", "23", "number", None, None),
        ("56", "5", "6", "number", "5", "6"),
        ("gf)", "f)", "f", "letter", "g", "f"),
        ("nj)", "m)", "j", "letter", "n", "j"),
        ("qm)", "pl)", "m", "letter", "q", "m"),
        ("i)", "h)", "i", "letter", None, None),
        ("i)", "1", "i", "roman", None, None),
        ("i)", "kj)", "i", "roman", None, None),
        ("ii)", "i)", "ii", "roman", None, None),
        ("iv)", "iii)", "iv", "roman", None, None),
        ("v)", "iv)", "v", "roman", None, None),
        ("v)", "u)", "v", "letter", None, None),
        ("•", None, "bullet", "bullet", None, None),
        ("j bis)", "nj)", "j-bis", "letter", None, None),
        ("l quater)", "l ter)", "l-quater", "letter", None, None),
        ("4 bis", "64", "4-bis", "number", None, None),
        ("2 ter", "2 bis", "2-ter", "number", None, None),
    ],
)
def test_parse_label(
    raw: str, after: str | None, key: str, kind: str, old: str | None, new: str | None
) -> None:
    parsed = label(raw, after)
    assert (parsed.key, parsed.kind, parsed.old_key, parsed.new_key) == (key, kind, old, new)
    assert parsed.raw == raw and parsed.is_compound == (old is not None)


@pytest.mark.parametrize(
    ("raw", "key"),
    [("أ)", "a"), ("ب)", "b"), ("ج)", "c"), ("د)", "d"), ("هـ)", "e"), ("و)", "f"), ("ي)", "j")],
)
def test_arabic_abjad_letters(raw: str, key: str) -> None:
    parsed = parse_label(raw, "ar")
    assert (parsed.key, parsed.kind) == (key, "abjad")


@pytest.mark.parametrize(
    ("raw", "lang", "key"),
    [("2 مكرراً", "ar", "2-bis"), ("2 bis", "ru", "2-bis"), ("2之二", "zh", "2-bis")],
)
def test_bis_in_other_scripts(raw: str, lang: Lang, key: str) -> None:
    assert parse_label(raw, lang).key == key


@pytest.mark.parametrize("raw", ["", "  ", "foo bar)", "abc)"])
def test_not_a_label(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_label(raw, "en")


def test_every_label_of_the_french_file_parses() -> None:
    source = next(
        s for s in read_manifest(BUNDLED_MANIFEST) if s.resolution == "130" and s.lang == "fr"
    )
    text = read_source_bytes(source).decode("utf-8")
    raws = [line.split("\t", 1)[0] for line in text.splitlines()[1:] if "\t" in line]
    raws = [r for r in raws if not r.startswith("[")]
    assert len(raws) == 163
    previous: Label | None = None
    compound = []
    for raw in raws:
        previous = parse_label(raw, "fr", after=previous)  # must not raise
        if previous.is_compound:
            compound.append(raw)
    # Without the parser's per-section context a few ascending pairs stay ambiguous,
    # but every compound label of the file is still found in sequence:
    assert len(compound) == 42
    assert "12" not in compound and "10" not in compound and "1213" in compound


# --- lexicon -----------------------------------------------------------------------------

SECTION_WORDINGS: dict[str, dict[Lang, str]] = {
    "recalling": {
        "ar": "إذ يذكّر",
        "en": "recalling",
        "es": "recordando",
        "fr": "rappelant",
        "ru": "напоминая",
        "zh": "忆及",
    },
    "considering": {
        "ar": "وإذ يضع في اعتباره",
        "en": "considering",
        "es": "considerando",
        "fr": "considérant",
        "ru": "учитывая",
        "zh": "考虑到",
    },
    "recognizing": {
        "ar": "وإذ يعترف",
        "en": "recognizing",
        "es": "reconociendo",
        "fr": "reconnaissant",
        "ru": "признавая",
        "zh": "认识到",
    },
    "aware": {
        "ar": "وإذ يدرك",
        "en": "aware",
        "es": "consciente",
        "fr": "consciente du fait",
        "ru": "сознавая",
        "zh": "意识到",
    },
    "noting": {
        "ar": "وإذ يلاحظ",
        "en": "noting",
        "es": "observando",
        "fr": "notant",
        "ru": "отмечая",
        "zh": "注意到",
    },
    "bearing-in-mind": {
        "en": "bearing in mind",
        "es": "teniendo presente",
        "fr": "ayant à l'esprit",
        "ru": "принимая во внимание",
        "zh": "铭记",
    },
    "resolves": {
        "ar": "يقرر",
        "en": "resolves",
        "es": "resuelve",
        "fr": "décide",
        "ru": "решает",
        "zh": "做出决议",
    },
    "instructs-sg": {
        "ar": "يكلف الأمين العام",
        "en": "instructs the Secretary-General",
        "es": "encarga al Secretario General",
        "fr": "charge le Secrétaire général",
        "ru": "поручает Генеральному секретарю",
        "zh": "责成秘书长",
    },
    "requests-council": {
        "en": "requests the ITU Council",
        "fr": "prie le Conseil de l'UIT",
        "zh": "请理事会",
    },
    "invites-ms": {
        "ar": "يدعو الدول الأعضاء",
        "en": "invites Member States",
        "es": "invita a los Estados Miembros",
        "fr": "invite les États Membres",
        "ru": "предлагает Государствам-Членам",
        "zh": "邀请各成员国",
    },
}
CASES = [
    (key, lang, wording)
    for key, by_lang in SECTION_WORDINGS.items()
    for lang, wording in by_lang.items()
]


@pytest.mark.parametrize(("key", "lang", "wording"), CASES)
def test_section_key_official_wording(key: str, lang: Lang, wording: str) -> None:
    assert section_key(wording, lang) == key


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("  Considérant, ", "fr", "considering"),
        ("CONSIDERANT:", "fr", "considering"),
        ("ayant à l’esprit", "fr", "bearing-in-mind"),
        ("invite les Etats Membres", "fr", "invites-ms"),
        ("Recalling,", "en", "recalling"),
        ("instructs  the\u00a0Secretary-General", "en", "instructs-sg"),
        ("إذ يذكر", "ar", "recalling"),
        ("وإذ يذكّر", "ar", "recalling"),
        ("إذ يلاحظ", "ar", "noting"),
        ("忆及，", "zh", "recalling"),
        ("Напоминая", "ru", "recalling"),
        ("Решает:", "ru", "resolves"),
        (
            "further instructs the Director of the Telecommunication Standardization Bureau"
            " and the Director of the Telecommunication Development Bureau",
            "en",
            "instructs-tsb-bdt",
        ),
        (
            "invite les États Membres, les Membres des Secteurs et les Associés",
            "fr",
            "invites-ms-sm-assoc",
        ),
    ],
)
def test_section_key_tolerates_case_accents_spacing(text: str, lang: Lang, key: str) -> None:
    assert section_key(text, lang) == key


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("noting that ITU", "en"),
        ("rappelant que", "fr"),
        ("recalling", "fr"),
        ("la Résolution 58", "fr"),
        ("", "en"),
    ],
)
def test_not_a_heading(text: str, lang: Lang) -> None:
    assert section_key(text, lang) is None


def test_every_key_has_all_six_languages() -> None:
    for key in section_keys():
        langs = {lang for k, lang, _ in HEADINGS if k == key}
        assert langs == set(LANGS), key


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("considering further", "en", "considering-further"),
        ("reconociendo además", "es", "recognizing-further"),
        ("进一步注意到", "zh", "noting-further"),
        ("decides", "en", "resolves"),
    ],
)
def test_further_headings(text: str, lang: Lang, key: str) -> None:
    assert section_key(text, lang) == key


@pytest.mark.parametrize(
    ("raw", "lang", "key", "kind"),
    [
        ("с)", "ru", "c", "letter"),  # Cyrillic es, as typed in a Russian Council text
        ("а)", "ru", "a", "letter"),  # Cyrillic a
        ("ك)", "ar", "k", "abjad"),
        ("ل)", "ar", "l", "abjad"),
        ("أ )", "ar", "a", "abjad"),  # ITU Arabic texts put a space before ")"
        ("٢", "ar", "2", "number"),  # Arabic-Indic digit
        ("ب مكرراً)", "ar", "b-bis", "abjad"),
        ("j bis)", "es", "j-bis", "letter"),
        ("4 ter", "ru", "4-ter", "number"),
        ("l quater)", "zh", "l-quater", "letter"),
        ("–", "es", "bullet", "bullet"),
    ],
)
def test_labels_of_every_language(raw: str, lang: Lang, key: str, kind: str) -> None:
    parsed = parse_label(raw, lang)
    assert (parsed.key, parsed.kind) == (key, kind)
