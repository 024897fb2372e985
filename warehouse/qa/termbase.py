"""The bundled termbase (``termbase.toml``): ITU concepts with preferred and avoided terms.

Terms are written plainly; ``*`` stands for any word ending, and a term in capitals
(an acronym) matches case-sensitively. :meth:`Termbase.find` returns the concepts a text
mentions, longest match first, so ``ITU-T`` is not also counted as ``ITU`` and Chinese
``大会`` is not found inside ``世界电信发展大会``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final, Literal

from corpus.errors import InputError
from corpus.model import LANGS, Lang, is_lang
from corpus.normalize import CharMap
from warehouse.qa.text import match_form

Status = Literal["preferred", "avoided"]
BUNDLED: Final = "termbase.toml"


@dataclass(frozen=True, slots=True)
class TermEntry:
    """The terms of one concept in one language."""

    preferred: tuple[str, ...]
    avoided: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept with its terms per language, its source and its verification status."""

    id: str
    subject: str
    definition: str
    source: str
    needs_verification: bool
    terms: Mapping[Lang, TermEntry]


@dataclass(frozen=True, slots=True)
class Match:
    """A term of a concept found in a text, with its span in the matching form."""

    concept: str
    term: str
    status: Status
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Termbase:
    """A set of concepts; build with :func:`load_termbase` or :func:`parse_termbase`."""

    title: str
    source_language: Lang
    concepts: tuple[Concept, ...]
    _patterns: dict[Lang, list[tuple[re.Pattern[str], str, bool, str, str, Status]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def concept(self, concept_id: str) -> Concept:
        """Return a concept by id.

        Raises:
            KeyError: no such concept.
        """
        for concept in self.concepts:
            if concept.id == concept_id:
                return concept
        raise KeyError(concept_id)

    def find(self, text: str, lang: Lang) -> list[Match]:
        """Every term of the termbase in ``text``; overlapping matches keep the longest.

        Matches of the very same span stay together: one term may name two concepts
        (``UNGA`` is the General Assembly, and says United Nations too).
        """
        if lang not in self._patterns:
            self._patterns[lang] = [
                (
                    compile_term(term, lang),
                    needle(term, lang),
                    term.isupper(),
                    concept.id,
                    term,
                    status,
                )
                for concept in self.concepts
                if lang in concept.terms
                for status, terms in _by_status(concept.terms[lang])
                for term in terms
            ]
        form = match_form(text, lang)
        raw = re.sub(r"\s+", " ", _APOS(text)).strip()
        found: list[Match] = []
        for pattern, literal, acronym, concept_id, term, status in self._patterns[lang]:
            searched = raw if acronym else form
            if literal not in searched:  # most terms are in no given text: skip the regex
                continue
            for hit in pattern.finditer(searched):
                found.append(Match(concept_id, term, status, hit.start(), hit.end()))
        found.sort(key=lambda x: (-(x.end - x.start), x.start))
        kept: list[Match] = []
        for one in found:
            if all(
                one.end <= k.start
                or one.start >= k.end
                or ((one.start, one.end) == (k.start, k.end) and one.concept != k.concept)
                for k in kept
            ):
                kept.append(one)
        return sorted(kept, key=lambda x: x.start)


def _by_status(entry: TermEntry) -> tuple[tuple[Status, tuple[str, ...]], ...]:
    return (("preferred", entry.preferred), ("avoided", entry.avoided))


_APOS: Final = CharMap({"’": "'", "ʼ": "'", "‐": "-", "‑": "-"})
_ARABIC_PREFIX: Final = r"(?:[وفبلك]{0,2})"


def _term_form(term: str, lang: Lang) -> str:
    """The term as its pattern matches it: acronyms as written, others in matching form."""
    return _APOS(term) if term.isupper() else match_form(term, lang)


def needle(term: str, lang: Lang) -> str:
    """Text that every match of :func:`compile_term` contains as it is (maybe empty)."""
    first = _term_form(term, lang).split(" ")[0].split("*")[0]
    if lang == "ar" and first.startswith("ال"):
        first = first[len("ال") :]  # the article may be dropped after ل
    return first


def compile_term(term: str, lang: Lang) -> re.Pattern[str]:
    """Compile one term to a regular expression over the matching form of a text.

    Acronyms are compiled as written, to be run on the raw text; other terms on
    :func:`~warehouse.qa.text.match_form`. Arabic terms may take a clitic prefix
    (و ف ب ل ك) and lose the article after ل (``للدول`` for ``ل + الدول``).
    """
    form = _term_form(term, lang)
    parts = [re.escape(p).replace(r"\*", r"[^\W_]*") for p in form.split(" ")]
    body = r"[\s\-]+".join(parts) if lang != "zh" else "".join(parts)
    if lang == "zh":
        return re.compile(body)
    if lang == "ar":
        if body.startswith("ال"):
            body = "(?:ال|ل)" + body[len("ال") :]
        return re.compile(rf"(?<![^\W\d_]){_ARABIC_PREFIX}{body}(?![^\W\d_])")
    return re.compile(rf"(?<![\w\-]){body}(?![\w])")


def parse_termbase(data: Mapping[str, Any], where: str = BUNDLED) -> Termbase:
    """Build a termbase from the parsed TOML.

    Raises:
        InputError: a concept lacks an id or terms, or names an unknown language.
    """
    head = data.get("termbase", {})
    concepts: list[Concept] = []
    for n, item in enumerate(data.get("concept", []), start=1):
        if "id" not in item:
            raise InputError(f"concept {n} has no id", path=where)
        terms: dict[Lang, TermEntry] = {}
        for lang in LANGS:
            entry = item.get(lang)
            if entry is None:
                continue
            preferred = tuple(entry.get("preferred", ()))
            if not preferred:
                raise InputError(f"concept {item['id']}: no preferred {lang} term", path=where)
            terms[lang] = TermEntry(preferred, tuple(entry.get("avoided", ())))
        unknown = [k for k in item if isinstance(item[k], dict) and not is_lang(k)]
        if unknown:
            raise InputError(f"concept {item['id']}: unknown language {unknown[0]!r}", path=where)
        concepts.append(
            Concept(
                id=item["id"],
                subject=item.get("subject", ""),
                definition=item.get("definition", ""),
                source=item.get("source", ""),
                needs_verification=bool(item.get("needs_verification", True)),
                terms=terms,
            )
        )
    source_language = head.get("source_language", "en")
    if not is_lang(source_language):
        raise InputError(f"unknown source language {source_language!r}", path=where)
    return Termbase(head.get("title", ""), source_language, tuple(concepts))


def load_termbase(path: Path | str | None = None) -> Termbase:
    """Read a termbase file; without a path, the bundled one (read once per process).

    Raises:
        InputError: the file is missing or not valid TOML, or an entry is malformed.
    """
    if path is None:
        return _bundled()
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("termbase not found", path=where) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=where) from None
    return parse_termbase(data, where)


@cache
def _bundled() -> Termbase:
    text = files("warehouse.qa").joinpath(BUNDLED).read_text(encoding="utf-8")
    return parse_termbase(tomllib.loads(text))
