"""The number grammar: digits and separators per language, scales, percents, ordinals, words.

Each language writes numbers its own way: ``1,000.5`` in English and Chinese, ``1 000,5``
(often with a no-break or thin space) in French and Russian, ``1.000,5`` or ``1 000,5``
in Spanish, ``١٬٠٠٠٫٥`` in Arabic, ``1'000`` in Swiss texts. A digit token is read with
the separators of its language first; readings the other conventions allow stay as
``readings`` (``1,000`` in French may be 1.000). A token of digits and dots that is not
a number in its language (``3.1`` in French, any ``1.3`` in Arabic) is a clause
:class:`~corpus.values.model.Reference`, keeping the decimal as its number reading.

After the digits come what scales or qualifies them: a scale word (``million``,
``milliards``, ``millones``, ``млн``, ``مليار``), a Chinese multiplier (``10万``,
``1000亿``), a percent (``%``, ``٪``, ``per cent``, ``pour cent``, ``por ciento``,
``процента``, ``في المائة``; Chinese ``百分之`` before), an ordinal ending (``7427th``,
``7427e``, ``7427-е``, ``1.º``; Chinese ``第`` before).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Final

from corpus.model import LANGS, Lang
from corpus.values.alternation import by_first_letter, first_letters
from corpus.values.fold import GROUP_SPACES, Taken, has_digits
from corpus.values.model import Number, NumberForm, Reference
from corpus.values.words import (
    CARDINALS,
    FRACTION_WORDS,
    ORDINALS,
    PERCENT_WORDS,
    RU_ORDINAL_ENDINGS,
    SCALES,
    ZH_DIGITS,
    ZH_MYRIADS,
    ZH_UNITS,
)

_SEP: Final = f"[.,'\u066b\u066c{GROUP_SPACES}]"
_TOKEN: Final = re.compile(rf"\d+(?:{_SEP}\d+)*")
_SPLIT: Final = re.compile(f"({_SEP})")
#: Group and decimal separators each language uses (Arabic ``٬``/``٫`` are unambiguous;
#: Arabic texts also write ``0,7``).
_GROUP: Final[dict[Lang, str]] = {
    "en": ",'" + GROUP_SPACES,
    "zh": ",'" + GROUP_SPACES,
    "ar": ",\u066c'" + GROUP_SPACES,
    "fr": ".'" + GROUP_SPACES,
    "es": ".'" + GROUP_SPACES,
    "ru": ".'" + GROUP_SPACES,
}
_DECIMAL: Final[dict[Lang, str]] = {
    "en": ".",
    "zh": ".",
    "ar": "\u066b,",
    "fr": ",",
    "es": ",",
    "ru": ",",
}
_ANY_GROUP: Final = ",.'\u066c" + GROUP_SPACES
_ANY_DECIMAL: Final = ".,\u066b"

_ORDINAL_SUFFIX: Final[dict[Lang, re.Pattern[str]]] = {
    "en": re.compile(r"(?:st|nd|rd|th)\b"),
    "fr": re.compile(r"(?:er|re|ère|ème|eme|e|ᵉ|ᵉʳ)(?![^\W\d_])"),
    "es": re.compile(r"\.?[ºª°]"),
    "ru": re.compile(r"-(?:[а-яё]{1,3})(?![^\W\d_])"),
    "ar": re.compile(r"(?!)"),
    "zh": re.compile(r"(?!)"),
}
_PERCENT_SIGN: Final = re.compile(r"[\s\u00a0\u202f\u2009]?[%٪‰]")
_ZH_MULTIPLIER: Final = re.compile(r"\s?([十百千万亿]+)(?![米克瓦赫])")
_ZH_NUMERAL_CHARS: Final = "零〇一二两三四五六七八九十百千万亿"
_ZH_NUMERAL: Final = re.compile(
    rf"(?P<pct>百分之)?(?P<ord>第)?(?P<num>[零〇一二两三四五六七八九十][{_ZH_NUMERAL_CHARS}]*)"
    rf"(?:分之(?P<numer>[{_ZH_NUMERAL_CHARS}]+))?"
)
#: Percent written before the number: Chinese ``百分之5``; Arabic texts typed left to
#: right often put the sign first (``%5``).
_PERCENT_PREFIX: Final[dict[Lang, re.Pattern[str]]] = {
    lang: re.compile(r"百分之$" if lang == "zh" else r"[%٪]\s?$" if lang == "ar" else r"(?!)")
    for lang in LANGS
}
_ZH_ORDINAL_PREFIX: Final = "第"


def _words_re(words: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One pattern for whole words, longest first (``mil millones`` before ``mil``)."""
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:{alts})(?![^\W\d_])", flags)


_SCALE_RE: Final = {
    lang: re.compile(
        rf"[\s\u00a0\u202f\u2009]+({_words_re([w for w, _ in scales]).pattern})", re.IGNORECASE
    )
    for lang, scales in SCALES.items()
    if scales
}
_SCALE_VALUE: Final = {
    lang: {w.casefold(): m for w, m in scales} for lang, scales in SCALES.items()
}
_PERCENT_WORD_RE: Final = {
    lang: re.compile(
        rf"[\s\u00a0\u202f\u2009]+{_words_re(list(words)).pattern.removesuffix('(?![^\\W\\d_])')}",
        re.IGNORECASE,
    )
    for lang, words in PERCENT_WORDS.items()
    if words
}


def _readings(groups: list[str], seps: list[str], lang: Lang) -> list[tuple[int, Fraction]]:
    """Every value the grouped digits may have, with 0 for the language's own convention."""
    found: dict[Fraction, int] = {}
    for g in [*dict.fromkeys(seps), None]:
        for d in [*dict.fromkeys(seps), None]:
            if (g is not None and g == d) or (g is not None and g not in _ANY_GROUP):
                continue
            if d is not None and d not in _ANY_DECIMAL:
                continue
            body = seps[:-1] if d is not None else seps
            if d is not None and seps[-1] != d:
                continue
            if any(s != g for s in body):
                continue
            whole = groups[: len(body) + 1]
            if body and (len(whole[0]) > 3 or any(len(x) != 3 for x in whole[1:])):
                continue
            frac = groups[len(body) + 1] if d is not None else ""
            value = Fraction("".join(whole) + ("." + frac if frac else ""))
            score = int(
                (g is not None and g not in _GROUP[lang])
                or (d is not None and d not in _DECIMAL[lang])
            )
            found[value] = min(score, found.get(value, score))
    return sorted(((s, v) for v, s in found.items()), key=lambda sv: sv[0])


def find_digit_numbers(
    folded: str, text: str, lang: Lang, taken: Taken
) -> list[Number | Reference]:
    """Numbers written with digits, and dotted clause numbers, in ``folded`` text."""
    out: list[Number | Reference] = []
    if not has_digits(folded):
        return out
    for m in _TOKEN.finditer(taken.masked(folded)):
        out.extend(_token_values(m.group(), m.start(), folded, text, lang))
    for value in out:
        taken.claim(value.start, value.end)
    return out


def _token_values(
    token: str, start: int, folded: str, text: str, lang: Lang
) -> list[Number | Reference]:
    """The values of one digit token, split into several when no grammar reads it whole."""
    parts = _SPLIT.split(token)
    groups, seps = parts[0::2], parts[1::2]
    readings = _readings(groups, seps, lang)
    dotted = bool(seps) and all(s == "." for s in seps)
    if not readings and not dotted:
        out: list[Number | Reference] = []
        offset = start
        for piece in re.split(r"([^.\d])", token):
            if piece and piece[0].isdigit():
                out.extend(_token_values(piece, offset, folded, text, lang))
            offset += len(piece)
        return out
    end = start + len(token)
    values = [v for _, v in readings]
    suffix = _suffix(folded, end, lang)
    prefix_ordinal = lang == "zh" and folded[start - 1 : start] == _ZH_ORDINAL_PREFIX
    before = max(0, start - 3)
    prefix_percent = _PERCENT_PREFIX[lang].search(folded[before:start])
    if dotted and suffix is None and not prefix_percent and (not readings or readings[0][0] > 0):
        return [
            Reference(
                "clause",
                ".".join(groups),
                text[start:end],
                start,
                end,
                rtl=lang == "ar",
                number=values[0] if values else None,
            )
        ]
    form: NumberForm = "ordinal" if prefix_ordinal else "cardinal"
    scale = 1
    if suffix is not None:
        form, scale, end = suffix
    if prefix_percent:
        form, start = "percent", before + prefix_percent.start()
    if prefix_ordinal:
        start -= 1
    return [
        Number(
            values[0] * scale,
            text[start:end],
            start,
            end,
            form=form,
            scale=scale,
            readings=tuple(v * scale for v in values[1:]),
            label=".".join(groups) if dotted else "",
        )
    ]


def _suffix(folded: str, end: int, lang: Lang) -> tuple[NumberForm, int, int] | None:
    """What follows a number and changes it: ordinal ending, scale, percent; with its end."""
    rest = folded[end:]
    if m := _ORDINAL_SUFFIX[lang].match(rest):
        return "ordinal", 1, end + m.end()
    scale, consumed = 1, 0
    if lang == "zh" and (m := _ZH_MULTIPLIER.match(rest)):
        scale, consumed = _zh_product(m.group(1)), m.end()
    elif lang in _SCALE_RE and (m := _SCALE_RE[lang].match(rest)):
        scale, consumed = _SCALE_VALUE[lang][m.group(1).casefold()], m.end()
    rest = rest[consumed:]
    if m := _PERCENT_SIGN.match(rest):
        return "percent", scale, end + consumed + m.end()
    if lang in _PERCENT_WORD_RE and (m := _PERCENT_WORD_RE[lang].match(rest)):
        return "percent", scale, end + consumed + m.end()
    if consumed:
        return "cardinal", scale, end + consumed
    return None


def _zh_product(multipliers: str) -> int:
    """The product of a run of Chinese multipliers (``百万`` is 10^6, ``万亿`` 10^12)."""
    value = 1
    for ch in multipliers:
        value *= ZH_UNITS.get(ch) or ZH_MYRIADS[ch]
    return value


def zh_numeral_value(numeral: str) -> int | None:
    """The value of a Chinese numeral (``十二`` 12, ``二十一`` 21, ``一万五千`` 15 000).

    A run of digits alone is read digit by digit (``二〇一七`` 2017). Returns None when
    the characters do not form a numeral.
    """
    if len(numeral) > 1 and all(ch in ZH_DIGITS for ch in numeral):
        return int("".join(str(ZH_DIGITS[ch]) for ch in numeral))
    result, section, digit = 0, 0, None
    for ch in numeral:
        if ch in ZH_DIGITS:
            if digit:
                return None
            digit = ZH_DIGITS[ch]
        elif ch in ZH_UNITS:
            section += (1 if digit is None else digit) * ZH_UNITS[ch]
            digit = None
        elif ch == "万":
            section = (section + (digit or 0)) * ZH_MYRIADS[ch] or ZH_MYRIADS[ch]
            digit = None
        elif ch == "亿":
            result = (result + section + (digit or 0)) * ZH_MYRIADS[ch] or ZH_MYRIADS[ch]
            section, digit = 0, None
        else:
            return None
    return result + section + (digit or 0)


def find_zh_numerals(folded: str, text: str, taken: Taken) -> list[Number]:
    """Chinese numerals: ``十年``, ``第三``, ``百分之五十``, ``三分之二``."""
    out: list[Number] = []
    masked = taken.masked(folded)
    for m in _ZH_NUMERAL.finditer(masked):
        num = m.group("num")
        bare = m.group("numer") is None and not m.group("pct") and not m.group("ord")
        # A lone 一 is "a"/"one" in countless words (一些, 统一); 十分 is "very".
        if bare and (num == "一" or masked.startswith("十分", m.start("num"))):
            continue
        value = zh_numeral_value(num)
        if value is None:
            continue
        number = Fraction(value)
        form: NumberForm = "cardinal"
        if m.group("numer") is not None:
            numer = zh_numeral_value(m.group("numer"))
            if numer is None or value == 0:
                continue
            number, form = Fraction(numer, value), "fraction"
        elif m.group("pct"):
            form = "percent"
        elif m.group("ord"):
            form = "ordinal"
        out.append(
            Number(number, text[m.start() : m.end()], m.start(), m.end(), form, spelled=True)
        )
        taken.claim(m.start(), m.end())
    return out


def _word_table(lang: Lang) -> list[tuple[str, Fraction, NumberForm]]:
    """Every number word of a language, with its value and form."""
    table: list[tuple[str, Fraction, NumberForm]] = []
    for value, forms in CARDINALS.get(lang, {}).items():
        table.extend((w, Fraction(value), "cardinal") for w in forms)
    for value, forms in ORDINALS.get(lang, {}).items():
        if lang == "ru":
            table.extend(
                (f"{stem}(?:{RU_ORDINAL_ENDINGS})", Fraction(value), "ordinal") for stem in forms
            )
        else:
            table.extend((w, Fraction(value), "ordinal") for w in forms)
    for word, numer, denom in FRACTION_WORDS.get(lang, ()):
        table.append((word, Fraction(numer, denom), "fraction"))
    return table


_ARABIC_CLITICS: Final = "(?:و|ف)?(?:ب|ل|ك)?(?:ال)?"


def _build_word_patterns() -> dict[
    Lang, tuple[re.Pattern[str], dict[str, tuple[Fraction, NumberForm]]]
]:
    """One alternation per language over its number words, and a lookup of each match."""
    out: dict[Lang, tuple[re.Pattern[str], dict[str, tuple[Fraction, NumberForm]]]] = {}
    for lang in LANGS:
        table = sorted(_word_table(lang), key=lambda t: len(t[0]), reverse=True)
        if not table:
            continue
        alts, lookup = [], {}
        for i, (word, value, form) in enumerate(table):
            is_pattern = lang == "ru" and "(?:" in word
            body = word if is_pattern else re.escape(word).replace(r"\ ", r"\s+")
            alts.append((word, f"(?P<w{i}>{body})"))
            lookup[f"w{i}"] = (value, form)
        prefix = _ARABIC_CLITICS if lang == "ar" else ""
        # The letters a match can start with (a word's or a clitic's) are tested first,
        # then only the words of the letter there (see corpus.values.alternation).
        first = first_letters([word for word, _ in alts] + (list("وفبلكا") if prefix else []))
        pattern = re.compile(
            rf"(?={first})(?<![^\W\d_]){prefix}(?:{by_first_letter(alts)})(?![^\W\d_])",
            re.IGNORECASE,
        )
        out[lang] = (pattern, lookup)
    return out


_WORD_PATTERNS: Final = _build_word_patterns()


def find_number_words(folded: str, text: str, lang: Lang, taken: Taken) -> list[Number]:
    """Numbers written in words: cardinals and ordinals 0-20, common fractions."""
    if lang not in _WORD_PATTERNS:
        return []
    pattern, lookup = _WORD_PATTERNS[lang]
    out: list[Number] = []
    for m in pattern.finditer(taken.masked(folded)):
        name = m.lastgroup
        if name is None:
            continue
        value, form = lookup[name]
        out.append(Number(value, text[m.start() : m.end()], m.start(), m.end(), form, spelled=True))
        taken.claim(m.start(), m.end())
    return out
