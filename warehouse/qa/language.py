"""Check 5, untranslated or wrong language.

A segment is suspect when its text is identical to another language's text of the group
(left untranslated), when it is written in the wrong script (Latin letters in an Arabic,
Russian or Chinese column), or, for the three Latin-script languages, when its function
words are clearly those of another of them (English left in the French version).
Detection by script and by function words needs no model and is reliable on sentences
of a few words; shorter texts, and texts made of names and acronyms, are skipped.

What translators rightly leave in another language is taken out before judging (see
:func:`judged_text`): a term glossed in parentheses (``نظام الإغاثة (disaster relief
system)``, ``сеть последующего поколения (next generation network)``, ``灾难救援系统
（disaster relief system）``), acronyms (``NGN``, ``IoT``), proper names written in Latin
letters inside Arabic, Russian or Chinese text (``Internet of Things``), URLs and
e-mail addresses, reference tags (``[ITU-T E.108]``), and bibliographic entries, which
ITU leaves in their original language. A segment wholly in another language is still
reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from corpus.model import Lang
from warehouse.qa.model import PIVOT_ORDER, Finding, QAGroup
from warehouse.qa.text import EXPECTED_SCRIPT, match_form, script_counts, snippet, words

NAME: Final = "language"
#: Fewer letters than this and a text is not judged.
MIN_LETTERS: Final = 20

#: Function words of each Latin-script language that the other two do not share.
FUNCTION_WORDS: Final[dict[Lang, frozenset[str]]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "is",
            "that",
            "for",
            "be",
            "shall",
            "with",
            "as",
            "by",
            "his",
            "has",
            "or",
            "any",
            "which",
            "on",
            "are",
            "this",
            "have",
            "not",
            "its",
            "their",
            "such",
            "from",
            "he",
            "who",
            "everyone",
            "all",
            "will",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "des",
            "du",
            "et",
            "est",
            "qui",
            "dans",
            "pour",
            "sur",
            "au",
            "aux",
            "il",
            "ne",
            "pas",
            "sont",
            "ou",
            "toute",
            "tout",
            "être",
            "ses",
            "leur",
            "cette",
            "ces",
            "doit",
            "nul",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "los",
            "las",
            "del",
            "y",
            "por",
            "para",
            "con",
            "es",
            "su",
            "sus",
            "toda",
            "todo",
            "al",
            "o",
            "ni",
            "ser",
            "tiene",
            "derecho",
            "nadie",
            "será",
        ]
    ),
}


#: A bibliographic entry: a reference tag first (``[b-UNISDR]``, ``[ITU-T E.108]``), or a
#: cited Recommendation or publication with its year (``ITU-T E.108 (2016),``).
BIBLIOGRAPHY: Final = re.compile(
    r"^\s*\[[^\]\n]{2,60}\]|(?:ITU|UIT|МСЭ)[-‑][TRDТ]\s*[A-Z]\.?\d+(?:[./][A-Z.\d]+)*\s*\(\d{4}\)"
    r"|^[^\n(]{2,80}\((?:19|20)\d\d\),"
)
#: Spans left in another language on purpose: glosses in (possibly nested) brackets,
#: reference tags, URLs and e-mail addresses, acronyms (two capitals or more).
_KEPT_AS_IS: Final = re.compile(
    r"[(（](?:[^()（）]|[(（][^()（）]*[)）])*[)）]"
    r"|\[[^\]]*\]"
    r"|<?(?:https?://|www\.)[^\s>]+>?|\S+@\S+\.\w+"
    r"|\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?:[-‑][A-Z]+)?\b"
)
#: A name in Latin letters: capitalised words, with the short words names hold.
_LATIN_NAME: Final = re.compile(
    r"\b[A-Z][a-z'’-]*(?:\s+(?:(?:of|and|for|the|on|in|to|de|la|du|des|et|y|del)\s+)*[A-Z][a-z'’-]*)*"
)


def judged_text(text: str, lang: Lang) -> str:
    """The part of ``text`` the check judges: without what is rightly left untranslated.

    Returns an empty string for a bibliographic entry, which ITU leaves as published.
    """
    if BIBLIOGRAPHY.search(text):
        return ""
    out = _KEPT_AS_IS.sub(" ", text)
    if EXPECTED_SCRIPT[lang] != "latin":
        out = _LATIN_NAME.sub(" ", out)
    return out


def guess_latin_language(text: str) -> tuple[Lang | None, dict[Lang, int]]:
    """Guess en, fr or es from function words; ``None`` when no language stands out."""
    tokens = words(text)
    scores = {lang: sum(t in fw for t in tokens) for lang, fw in FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    runner_up = max(v for lang, v in scores.items() if lang != best)
    if scores[best] >= 3 and scores[best] >= 2 * runner_up + 1:
        return best, scores
    return None, scores


def check_language(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report texts identical to another language's, in the wrong script or language."""
    out: list[Finding] = []
    for group in groups:
        # Without spaces: Chinese forms have none, and an English text left in the
        # Chinese column must still compare equal to the English one.
        forms = {lang: match_form(group.texts[lang], lang).replace(" ", "") for lang in group.langs}
        for lang in group.langs:
            text = group.texts[lang]
            judged = judged_text(text, lang)
            letters = script_counts(judged)
            total = sum(letters.values())
            if total < MIN_LETTERS:
                continue
            twin = next(
                (
                    other
                    for other in PIVOT_ORDER
                    if other != lang
                    and other in forms
                    and forms[other] == forms[lang]
                    and PIVOT_ORDER.index(other) < PIVOT_ORDER.index(lang)
                ),
                None,
            )
            if twin is not None:
                out.append(
                    _finding(
                        group, lang, "untranslated", f"identical to the {twin} text", text, twin
                    )
                )
                continue
            expected = EXPECTED_SCRIPT[lang]
            share = letters[expected] / total
            if share < 0.5:
                main = letters.most_common(1)[0][0]
                why = f"{1 - share:.0%} of the letters are {main}"
                out.append(_finding(group, lang, "wrong-script", why, text, main))
                continue
            if expected == "latin" and len(words(judged)) >= 4:
                guess, scores = guess_latin_language(judged)
                if guess is not None and guess != lang:
                    detail = ", ".join(f"{k} {v}" for k, v in scores.items())
                    why = f"reads as {guess} (function words: {detail})"
                    out.append(_finding(group, lang, "wrong-language", why, text, guess))
    return out


def _finding(
    group: QAGroup, lang: Lang, rule: str, why: str, text: str, found: str = ""
) -> Finding:
    return group.finding(
        NAME,
        "error",
        lang,
        text[:20],
        f"{lang} text {why}: {snippet(text, 0, min(len(text), 70), 0)}",
        f"translate the text into {lang}",
        rule=rule,
        found=found or lang,
        expected=lang,
    )
