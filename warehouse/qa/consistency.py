"""Check 4, consistency both ways, across the whole corpus.

For every pair of languages (source = the earlier in en, fr, es, ru, ar, zh):

* the same source text translated differently in different groups (a translation
  memory would have proposed the first rendering: either reuse it or say why not);
* different source texts translated identically (one of the translations probably
  belongs to the other source).

Texts are compared in their matching form (casefolded, spaces and marks unified);
texts shorter than :data:`MIN_CHARS` (headings such as ``Article 1``) are left out,
since they recur with good reason. One finding goes to every group holding a variant
that is not the most frequent one; when no variant is the most frequent, to every group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Final

from corpus.model import Lang
from warehouse.qa.model import PIVOT_ORDER, Finding, QAGroup
from warehouse.qa.text import match_form, snippet

NAME: Final = "consistency"
MIN_CHARS: Final = 25


def check_consistency(groups: Sequence[QAGroup]) -> list[Finding]:
    """Report inconsistent translations, both ways, over all groups given."""
    out: list[Finding] = []
    ordered = sorted(groups, key=lambda g: (g.resolution, g.position, g.group_id))
    # Each text is compared in 10 pairs, both ways: its matching form is made once.
    forms = {
        (g.group_id, lang): match_form(g.texts[lang], lang) for g in ordered for lang in g.langs
    }
    for src, tgt in combinations(PIVOT_ORDER, 2):
        out.extend(_one_way(ordered, forms, src, tgt, reverse=False))
        out.extend(_one_way(ordered, forms, src, tgt, reverse=True))
    return out


def _one_way(
    groups: Sequence[QAGroup],
    forms: Mapping[tuple[str, Lang], str],
    src: Lang,
    tgt: Lang,
    *,
    reverse: bool,
) -> list[Finding]:
    """Same ``key`` side with several ``value`` sides; ``reverse`` swaps the roles."""
    key_lang, value_lang = (tgt, src) if reverse else (src, tgt)
    buckets: dict[str, dict[str, list[QAGroup]]] = defaultdict(lambda: defaultdict(list))
    for group in groups:
        if src not in group.langs or tgt not in group.langs:
            continue
        key_text = group.texts[key_lang]
        if len(key_text.strip()) < MIN_CHARS:
            continue
        key_form = forms[(group.group_id, key_lang)]
        buckets[key_form][forms[(group.group_id, value_lang)]].append(group)
    out: list[Finding] = []
    for variants in buckets.values():
        if len(variants) < 2:
            continue
        main = max(variants, key=lambda v: len(variants[v]))
        top = len(variants[main])
        tied = sum(len(h) == top for h in variants.values()) > 1
        first = variants[main][0]
        for variant, holders in variants.items():
            if variant == main and not tied:
                continue
            if variant == main:  # no majority: every variant is reported, beside another
                first = next(h[0] for v, h in variants.items() if v != main)
            for group in holders:
                if reverse:
                    evidence = (
                        f"{tgt} text also translates a different {src} text in {first.key}: "
                        f"here {snippet(group.texts[src], 0, 60, 0)} / "
                        f"there {snippet(first.texts[src], 0, 60, 0)}"
                    )
                    suggestion = f"check which {src} text this {tgt} translation belongs to"
                else:
                    evidence = (
                        f"{src} text translated differently in {first.key}: "
                        f"here {snippet(group.texts[tgt], 0, 60, 0)} / "
                        f"there {snippet(first.texts[tgt], 0, 60, 0)}"
                    )
                    suggestion = f"reuse the {tgt} rendering of {first.key}, or say why not"
                out.append(
                    group.finding(
                        NAME,
                        "warning",
                        value_lang,
                        "",
                        evidence,
                        suggestion,
                        rule="inconsistent-rendering",
                    )
                )
    return out
