"""Check 7, revision residue: tracked changes flattened into the text.

When a Word revision proposal is saved as plain text, deleted and inserted text end up
glued together: ``(Rév. Dubaï, 2018Bucarest, 2022)`` (old place and year, new place and
year), ``68/19876/189`` (UNGA Resolution 68/198 replaced by 76/189), ``CMDT-1722``
(WTDC-17 replaced by WTDC-22), ``Buenos AiresKigali``. The parser already records
compound clause labels (``gf)`` = old g, new f) in the segment's meta as
``revision_residue``; this check reports those and the glued patterns in the text.

:func:`residue_spans` is shared with the numbers check, which must not report the
numbers of a residue as mismatches: they are reported once, here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from warehouse.qa.model import Finding, QAGroup
from warehouse.qa.text import snippet

NAME: Final = "residue"

_L: Final = r"[^\W\d_]"
_YEAR: Final = r"(?:19|20)\d{2}"
#: ``2018Bucarest, 2022``: a year glued to the next place name, then a year.
GLUED_YEAR: Final = re.compile(
    rf"(?<!\d)(?P<old>{_YEAR})(?P<place>{_L}+(?:[ \-]{_L}+)*),\s*(?P<new>{_YEAR})(?!\d)"
)
#: ``68/19876/189``: two UN resolution numbers (session/number) glued together.
GLUED_UN_REF: Final = re.compile(r"(?<![\d/])(\d{2})/(\d{3})(\d{2})/(\d{1,3})(?![\d/])")
#: ``CMDT-1722``: the two-digit year of a conference, old and new glued together.
GLUED_EVENT: Final = re.compile(
    r"(?<![\w-])([A-ZА-ЯЁ][A-ZА-ЯЁa-z-]*[A-ZА-ЯЁ])-(\d{2})(\d{2})(?!\d)"
)
#: ``3/2CMDT-22``: a number glued to the capitalised word that replaced it.
GLUED_AFTER_DIGIT: Final = re.compile(r"(?<![\d/])(\d[\d/]*)([A-ZÀ-ÖØ-Þ][^\W\d_]{2,}(?:-\d+)?)")
#: ``relative àainsi que``: French ``à`` is a word of its own, never a prefix.
GLUED_FRENCH_A: Final = re.compile(r"(?<![^\W\d_])à(?=[^\W\d_])")
#: What the patterns of glued numbers need.
_DIGIT: Final = re.compile(r"\d")
#: ``AiresKigali``: a word ending where a capitalised word starts, with no space.
GLUED_WORDS: Final = re.compile(r"(?<=[a-zà-öø-ÿа-яё]{3})(?=[A-ZÀ-ÖØ-ÞА-ЯЁ][a-zà-öø-ÿа-яё]{2})")


@dataclass(frozen=True, slots=True)
class Residue:
    """A span of residue in a text: where, what it says, and the numbers it holds.

    ``numbers`` are the numbers of both readings (old and new), which other languages
    may legitimately carry either of.
    """

    start: int
    end: int
    description: str
    numbers: frozenset[str]


def residue_spans(text: str) -> list[Residue]:
    """Find glued revision residue in ``text``, in text order, without overlaps.

    Each pattern is tried only on a text holding what it needs (a digit, ``à``, a quote):
    half of UN sentences hold no digit, and a pattern costs about as much as the test.
    """
    found = _glued_numbers(text) if _DIGIT.search(text) else []
    french = GLUED_FRENCH_A.finditer(text) if "à" in text else ()
    for at in [m.start() + 1 for m in french] + _glued_quotes(text):
        # Old text ends at the glue point, the new one runs on to the next ';' or the end.
        end = text.find(";", at)
        end = len(text) if end < 0 else end
        nums = frozenset(re.findall(r"\d+(?:/\d+)?", text[at:end]))
        found.append(
            Residue(at - 1, end, f"new text glued to old: {text[at - 1 : at + 12]}…", nums)
        )
    for m in GLUED_WORDS.finditer(text):
        left = re.search(rf"{_L}+$", text[: m.start()])
        right = re.match(rf"{_L}+", text[m.start() :])
        start = left.start() if left else m.start()
        end = m.start() + (right.end() if right else 0)
        found.append(Residue(start, end, f"glued words: {text[start:end]}", frozenset()))
    found.sort(key=lambda r: (r.start, -r.end))
    kept: list[Residue] = []
    for res in found:
        if kept and res.start < kept[-1].end:
            continue
        kept.append(res)
    return kept


def _glued_numbers(text: str) -> list[Residue]:
    """Residue made of numbers glued together or to a word (years, references, events)."""
    found: list[Residue] = []
    for m in GLUED_YEAR.finditer(text):
        found.append(
            Residue(
                m.start(),
                m.end(),
                f"glued years: {m['old']} then {m['place']}, {m['new']}",
                frozenset({m["old"], m["new"]}),
            )
        )
    for m in GLUED_UN_REF.finditer(text):
        old, new = f"{m[1]}/{m[2]}", f"{m[3]}/{m[4]}"
        found.append(
            Residue(
                m.start(), m.end(), f"glued references: {old} then {new}", frozenset({old, new})
            )
        )
    for m in GLUED_EVENT.finditer(text):
        if int(m[3]) > int(m[2]):
            desc = f"glued event years: {m[1]}-{m[2]} then {m[1]}-{m[3]}"
            found.append(Residue(m.start(), m.end(), desc, frozenset({m[2], m[3]})))
    for m in GLUED_AFTER_DIGIT.finditer(text):
        nums = frozenset({m[1], *re.findall(r"\d+", m[2])})
        found.append(Residue(m.start(), m.end(), f"glued: {m[1]} then {m[2]}", nums))
    return found


def _glued_quotes(text: str) -> list[int]:
    """Positions right after a closing straight quote that a letter follows directly."""
    if '"' not in text:
        return []
    quotes = [i for i, c in enumerate(text) if c == '"']
    return [i + 1 for i in quotes[1::2] if i + 1 < len(text) and text[i + 1].isalpha()]


def check_residue(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report compound labels recorded by the parser and glued residue in the text.

    Compound labels are read from every group's segment meta (each segment once). The
    text is scanned in paragraph-level groups only, so a residue is not reported again
    for the clause and sentence that hold the same words; text residue the parser
    recorded in a paragraph's meta is reported only where the scan finds none.
    """
    out: list[Finding] = []
    seen: set[str] = set()
    for group in groups:
        for lang in group.langs:
            text_meta: list[tuple[str, str]] = []
            for seg_id in group.segment_ids.get(lang, ()):
                meta = group.segment_meta.get(seg_id, {})
                if "revision_residue" not in meta:
                    continue
                if "old_label" not in meta:
                    text_meta.append((seg_id, meta["revision_residue"]))
                elif seg_id not in seen:
                    seen.add(seg_id)
                    out.append(
                        Finding(
                            NAME,
                            "warning",
                            group.group_id,
                            lang,
                            seg_id,
                            f"label {group.labels.get(lang, '?')}: {meta['revision_residue']}",
                            f"keep the new label {meta.get('new_label', '')} and drop the old one",
                            rule="compound-label",
                            found=group.labels.get(lang, ""),
                            expected=meta.get("new_label", ""),
                        )
                    )
            if group.level != "paragraph":
                continue
            text = group.texts[lang]
            spans = residue_spans(text)
            for res in spans:
                piece = text[res.start : res.end]
                out.append(
                    group.finding(
                        NAME,
                        "warning",
                        lang,
                        piece,
                        f"{res.description}: {snippet(text, res.start, res.end)}",
                        "accept or reject the tracked change and keep one reading",
                        rule="glued-text",
                        found=piece,
                    )
                )
            if not spans:
                # Residue the parser saw in the text but these patterns do not know.
                for seg_id, evidence in text_meta:
                    out.append(
                        Finding(
                            NAME,
                            "warning",
                            group.group_id,
                            lang,
                            seg_id,
                            evidence,
                            "accept or reject the tracked change and keep one reading",
                            rule="parser-residue",
                        )
                    )
    return out
