"""Check 1, numbers and references: the same numbers in every language of a group.

Each language writes numbers its own way: Arabic-Indic (``٠-٩``) or Persian (``۰-۹``)
digits, ``1,000.5`` in English and Chinese, ``1 000,5`` (often with a no-break space) in
French and Russian, ``1.000,5`` or ``1 000,5`` in Spanish, ``١٬٠٠٠٫٥`` in Arabic. Every
number is brought to one canonical form (``1000.5``); references keep their shape
(``70/125``, ``3/2``), and years, article and resolution numbers are plain numbers, so
``Resolution 45 (Rev. Kigali, 2022)`` gives ``45`` and ``2022`` in all six languages.

The multisets of canonical numbers are compared across the languages of a group: a
language whose count of a number differs from the most common count (ties go to the
first of en, fr, es, ru, ar, zh) gets an ``error``. Number words are only a tolerance,
never evidence: a small number (1-31) missing as digits is excused when the language
writes it as a word (``Article premier``, ``第一条``) or a month name (``12月`` against
``December``). Numbers inside revision residue (``2018Bucarest, 2022``) are left to the
residue check; the other languages may carry either reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from typing import Final

from corpus.model import Lang
from warehouse.qa.model import PIVOT_ORDER, Finding, QAGroup
from warehouse.qa.residue import residue_spans
from warehouse.qa.text import match_form

NAME: Final = "numbers"

_DIGITS: Final = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SPACES: Final = " \u00a0\u202f\u2009"
#: A number with its inner separators (``1 000,5``, ``1.000``, ``70/125``, ``١٬٠٠٠``).
_NUMBER: Final = re.compile(r"\d+(?:(?:[.,\u066b\u066c/]|[ \u00a0\u202f\u2009])\d+)*")
#: Thousands and decimal separators of each language, as the UN style guides use them
#: (after NFKC, which makes every no-break space a plain one; Arabic ٬ and ٫ are mapped
#: to ``,`` and ``.`` first). A ``.`` where it is not a separator is kept as written
#: (``3.2`` is a section number in every language).
_THOUSANDS: Final[dict[Lang, str]] = {
    "en": ",",
    "zh": ",",
    "ar": ",",
    "fr": " ",
    "ru": " ",
    "es": " .",
}
_DECIMAL: Final[dict[Lang, str]] = {
    "en": ".",
    "zh": ".",
    "ar": ".",
    "fr": ",",
    "ru": ",",
    "es": ",",
}

_WORDS: Final[dict[Lang, dict[int, tuple[str, ...]]]] = {
    "en": {
        1: ("one", "first"),
        2: ("two", "second"),
        3: ("three", "third"),
        4: ("four", "fourth"),
        5: ("five", "fifth"),
        6: ("six", "sixth"),
        7: ("seven", "seventh"),
        8: ("eight", "eighth"),
        9: ("nine", "ninth"),
        10: ("ten", "tenth"),
    },
    "fr": {
        1: ("un", "une", "premier", "première"),
        2: ("deux", "deuxième", "second", "seconde"),
        3: ("trois", "troisième"),
        4: ("quatre", "quatrième"),
        5: ("cinq", "cinquième"),
        6: ("six", "sixième"),
        7: ("sept", "septième"),
        8: ("huit", "huitième"),
        9: ("neuf", "neuvième"),
        10: ("dix", "dixième"),
    },
    "es": {
        1: ("uno", "una", "primero", "primera", "primer"),
        2: ("dos", "segundo", "segunda"),
        3: ("tres", "tercero", "tercera", "tercer"),
        4: ("cuatro", "cuarto", "cuarta"),
        5: ("cinco", "quinto", "quinta"),
        6: ("seis", "sexto", "sexta"),
        7: ("siete", "séptimo", "séptima"),
        8: ("ocho", "octavo", "octava"),
        9: ("nueve", "noveno", "novena"),
        10: ("diez", "décimo", "décima"),
    },
    "ru": {
        1: ("один", "одна", "одно", "первый", "первая", "первое", "первой", "первого"),
        2: ("два", "две", "второй", "вторая", "второе", "второго"),
        3: ("три", "третий", "третья", "третье", "третьего"),
        4: ("четыре", "четвертый", "четвёртый"),
        5: ("пять", "пятый"),
        6: ("шесть", "шестой"),
        7: ("семь", "седьмой"),
        8: ("восемь", "восьмой"),
        9: ("девять", "девятый"),
        10: ("десять", "десятый"),
    },
    "ar": {
        1: ("واحد", "الاول", "الأول", "الاولى", "الأولى"),
        2: ("اثنان", "اثنين", "الثاني", "الثانية"),
        3: ("ثلاث", "ثلاثة", "الثالث", "الثالثة"),
        4: ("اربع", "أربع", "اربعة", "أربعة", "الرابع", "الرابعة"),
        5: ("خمس", "خمسة", "الخامس", "الخامسة"),
        6: ("ست", "ستة", "السادس", "السادسة"),
        7: ("سبع", "سبعة", "السابع", "السابعة"),
        8: ("ثماني", "ثمانية", "الثامن", "الثامنة"),
        9: ("تسع", "تسعة", "التاسع", "التاسعة"),
        10: ("عشر", "عشرة", "العاشر", "العاشرة"),
    },
}
_MONTHS: Final[dict[Lang, list[str]]] = {
    "en": [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "ru": [
        "январ",
        "феврал",
        "март",
        "апрел",
        "ма",
        "июн",
        "июл",
        "август",
        "сентябр",
        "октябр",
        "ноябр",
        "декабр",
    ],
    "ar": [
        "يناير",
        "فبراير",
        "مارس",
        "ابريل",
        "مايو",
        "يونيو",
        "يوليو",
        "اغسطس",
        "سبتمبر",
        "اكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
}
_ZH_NUMERALS: Final = "一二三四五六七八九十"


def canonical(token: str, lang: Lang) -> list[str]:
    """Turn one number as written in ``lang`` into canonical numbers.

    A thousands separator counts only before a group of exactly three digits after a
    first group of at most three (``10 000``, not ``2018 123``); any separator that is
    neither splits the token into several numbers.
    """
    token = unicodedata.normalize("NFKC", token.translate(_DIGITS))
    token = token.replace("\u066c", ",").replace("\u066b", ".")
    if "/" in token:
        return [re.sub(r"\s", "", token)]
    parts = re.split(r"([., ])", token)
    numbers: list[str] = []
    first, whole, frac = parts[0], parts[0], ""
    for sep, group in zip(parts[1::2], parts[2::2], strict=True):
        if not frac and sep in _THOUSANDS[lang] and len(group) == 3 and len(first) <= 3:
            whole += group
        elif not frac and sep in (_DECIMAL[lang], "."):
            frac = group
        else:
            numbers.append(_join(whole, frac))
            first, whole, frac = group, group, ""
    numbers.append(_join(whole, frac))
    return numbers


def _join(whole: str, frac: str) -> str:
    """Write a number canonically: no leading zeros, ``.`` before any decimals."""
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{frac}" if frac else whole


def extract_numbers(text: str, lang: Lang) -> tuple[Counter[str], frozenset[str]]:
    """The canonical numbers of a text, and those a residue makes uncertain.

    Returns:
        The multiset of numbers outside residue spans, and the numbers of both readings
        of every residue span (which another language may carry).
    """
    excused: set[str] = set()
    pieces: list[str] = []
    last = 0
    for res in residue_spans(text):
        pieces.append(text[last : res.start])
        pieces.append(" ")
        excused |= res.numbers
        last = res.end
    pieces.append(text[last:])
    counts: Counter[str] = Counter()
    for m in _NUMBER.finditer("".join(pieces).translate(_DIGITS)):
        counts.update(canonical(m.group(), lang))
    return counts, frozenset(excused)


def number_words(text: str, lang: Lang) -> set[str]:
    """Small numbers (1-31) a text writes in words, month names or Chinese numerals."""
    found: set[str] = set()
    form = match_form(text, lang)
    if lang == "zh":
        for m in re.finditer(rf"[{_ZH_NUMERALS}]+", form):
            value = _zh_value(m.group())
            if value is not None:
                found.add(str(value))
        return found
    tokens = set(re.findall(r"[^\W\d_]+", form))
    for value, forms in _WORDS.get(lang, {}).items():
        if tokens & {match_form(f, lang) for f in forms}:
            found.add(str(value))
    for index, stem in enumerate(_MONTHS.get(lang, ()), start=1):
        stem = match_form(stem, lang)
        if any(t.startswith(stem) for t in tokens) and (lang != "ru" or len(stem) > 2):
            found.add(str(index))
    return found


def _zh_value(numeral: str) -> int | None:
    """Value of a Chinese numeral up to 99 (``十二`` = 12, ``二十一`` = 21)."""
    if len(numeral) > 3:
        return None
    digits = {c: i for i, c in enumerate(_ZH_NUMERALS, start=1)}
    if "十" not in numeral:
        return digits[numeral] if len(numeral) == 1 else None
    tens, _, units = numeral.partition("十")
    value = (digits.get(tens, 1) if tens else 1) * 10
    return value + digits.get(units, 0) if units else value


def check_numbers(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report numbers whose count differs from the group's consensus, per language."""
    out: list[Finding] = []
    for group in groups:
        langs = group.langs
        if len(langs) < 2:
            continue
        counts: dict[Lang, Counter[str]] = {}
        excused: dict[Lang, frozenset[str]] = {}
        for lang in langs:
            counts[lang], excused[lang] = extract_numbers(group.texts[lang], lang)
        values = sorted(set().union(*counts.values()))
        for value in values:
            per_lang = {lang: counts[lang][value] for lang in langs}
            most = max(per_lang.values())
            for lang in langs:
                if per_lang[lang] < most and value in number_words(group.texts[lang], lang):
                    per_lang[lang] = most  # written as a word: counts as present
            tally = Counter(per_lang.values())
            best = max(tally.values())
            consensus = next(
                per_lang[lang]
                for lang in PIVOT_ORDER
                if lang in per_lang and tally[per_lang[lang]] == best
            )
            for lang in langs:
                have = per_lang[lang]
                if have == consensus or value in excused[lang]:
                    continue
                others = ", ".join(f"{o} {per_lang[o]}" for o in langs if o != lang)
                verb = "missing" if have < consensus else "extra"
                out.append(
                    group.finding(
                        NAME,
                        "error",
                        lang,
                        value if have else "",
                        f"number {value} {verb} in {lang}: {have} time(s) here; {others}",
                        f"check {value} against the other versions",
                    )
                )
    return out
