"""Check 5, untranslated or wrong language.

A segment is suspect when its text is identical to another language's text of the group
(left untranslated), when it is written in the wrong script (Latin letters in an Arabic,
Russian or Chinese column), or, for the three Latin-script languages, when its function
words are clearly those of another of them (English left in the French version).
Detection by script and by function words needs no model and is reliable on sentences
of a few words; shorter texts, and texts made of names and acronyms, are skipped.
"""

from __future__ import annotations

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
            letters = script_counts(text)
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
                out.append(_finding(group, lang, f"identical to the {twin} text", text))
                continue
            expected = EXPECTED_SCRIPT[lang]
            share = letters[expected] / total
            if share < 0.5:
                main = letters.most_common(1)[0][0]
                out.append(
                    _finding(group, lang, f"{1 - share:.0%} of the letters are {main}", text)
                )
                continue
            if expected == "latin" and len(words(text)) >= 4:
                guess, scores = guess_latin_language(text)
                if guess is not None and guess != lang:
                    detail = ", ".join(f"{k} {v}" for k, v in scores.items())
                    out.append(
                        _finding(group, lang, f"reads as {guess} (function words: {detail})", text)
                    )
    return out


def _finding(group: QAGroup, lang: Lang, why: str, text: str) -> Finding:
    return group.finding(
        NAME,
        "error",
        lang,
        text[:20],
        f"{lang} text {why}: {snippet(text, 0, min(len(text), 70), 0)}",
        f"translate the text into {lang}",
    )
