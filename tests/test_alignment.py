"""Alignment on real text: the Bertalign core on our embeddings, six-way groups, the cache."""

from __future__ import annotations

import numpy as np
import pytest

from alignment.bertalign_core import Windows, align_pair
from alignment.encoders import EmbeddingCache, SentenceEncoder
from alignment.model import Method
from alignment.sixway import SixWayAligner, pairwise_beads
from corpus.model import LANGS, Lang, Level, SegmentedDocument

Docs = dict[tuple[str, Lang], SegmentedDocument]


def article_paragraphs(segmented: Docs, lang: Lang, articles: range) -> list[str]:
    """The paragraphs of some UDHR articles, in order: real translations, one item each."""
    doc = segmented[("udhr", lang)]
    keys = {f"article.{n}" for n in articles}
    return [s.text for s in doc.segments if s.level is Level.PARAGRAPH and s.key in keys]


@pytest.mark.parametrize("lang", ["ar", "zh", "fr"])
def test_merges_and_drops_with_other_languages_as_evidence(
    segmented: Docs, encoder: SentenceEncoder, lang: Lang
) -> None:
    en = article_paragraphs(segmented, "en", range(1, 13))
    other = article_paragraphs(segmented, lang, range(1, 13))
    assert len(en) == len(other) >= 14
    sep = "" if lang == "zh" else " "
    # 2-1: the other side joins items 3 and 4; 1-0: it drops item 9; 1-2: en joins 11 and 12.
    other = [*other[:3], other[3] + sep + other[4], *other[5:9], *other[10:]]
    en = [*en[:11], en[11] + " " + en[12], *en[13:]]
    # Spanish and Russian, untouched, are the evidence: with en and fr alone the
    # dropped item is absorbed into a 2-1 bead ([9, 10], [8]), as stock Bertalign does.
    es = article_paragraphs(segmented, "es", range(1, 13))
    ru = article_paragraphs(segmented, "ru", range(1, 13))
    aligner = SixWayAligner(EmbeddingCache(encoder))
    atoms = aligner.align_sequences({"en": en, lang: other, "es": es, "ru": ru})
    pairs = pairwise_beads(atoms, ["en", lang, "es", "ru"])
    beads = pairs[f"en-{lang}"]
    assert beads[:5] == [([0], [0]), ([1], [1]), ([2], [2]), ([3, 4], [3]), ([5], [4])]
    assert ([9], []) in beads  # the item the other side dropped
    assert ([10], [8]) in beads
    assert ([11], [9, 10]) in beads  # en's joined item against the two it joins
    assert beads[-1] == ([len(en) - 1], [len(other) - 1])
    # The pairs read off the same atoms agree: Spanish and Russian stay 1-1 throughout,
    # en's joined item spans two of their items, the other side's join two of theirs.
    assert pairs["es-ru"] == [([i], [i]) for i in range(len(es))]
    assert ([11], [11, 12]) in pairs["en-es"]
    assert ([3], [3, 4]) in pairs[f"{lang}-es"]
    assert ([], [9]) in pairs[f"{lang}-ru"]


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_two_languages_with_merges_and_drops(
    segmented: Docs, encoder: SentenceEncoder, lang: Lang
) -> None:
    en = article_paragraphs(segmented, "en", range(1, 13))
    other = article_paragraphs(segmented, lang, range(1, 13))
    sep = "" if lang == "zh" else " "
    other = [*other[:3], other[3] + sep + other[4], *other[5:9], *other[10:]]
    aligner = SixWayAligner(EmbeddingCache(encoder))
    beads = pairwise_beads(aligner.align_sequences({"en": en, lang: other}), ["en", lang])
    assert beads[f"en-{lang}"][:10] == [
        ([0], [0]),
        ([1], [1]),
        ([2], [2]),
        ([3, 4], [3]),
        *[([i], [i - 1]) for i in range(5, 9)],
        ([9], []),
        ([10], [8]),
    ]


def test_align_pair_with_an_empty_side() -> None:
    empty = Windows(vecs=np.zeros((4, 0, 512), np.float32), lens=np.zeros((4, 0), np.int64))
    two = Windows(vecs=np.zeros((4, 2, 512), np.float32), lens=np.ones((4, 2), np.int64))
    assert align_pair(empty, two) == [([], [0]), ([], [1])]
    assert align_pair(two, empty) == [([0], []), ([1], [])]


def test_udhr_paragraphs_match_the_html_structure(
    segmented: Docs, encoder: SentenceEncoder
) -> None:
    """Gold: in every article, the i-th block of each language is the same block."""
    docs = {lang: segmented[("udhr", lang)] for lang in LANGS}
    groups = SixWayAligner(EmbeddingCache(encoder)).align("udhr", docs)
    found = {
        frozenset((lang, ids) for lang, ids in g.members.items())
        for g in groups
        if g.level is Level.PARAGRAPH and g.key.startswith("article.")
    }
    gold = []
    for n in range(1, 31):
        per_lang = {
            lang: [
                s.id
                for s in docs[lang].segments
                if s.level is Level.PARAGRAPH and s.key == f"article.{n}"
            ]
            for lang in LANGS
        }
        for i in range(len(per_lang["en"])):
            gold.append(frozenset((lang, (per_lang[lang][i],)) for lang in LANGS))
    exact = sum(1 for g in gold if g in found)
    assert len(gold) == 50
    assert exact / len(gold) >= 0.95, f"{exact}/{len(gold)} gold paragraph groups found"
    articles = [g for g in groups if g.level is Level.CLAUSE]
    assert [g.key for g in articles] == [f"article.{n}" for n in range(1, 31)]
    assert all(g.method is Method.STRUCTURE and len(g.members) == 6 for g in articles)


def test_a_heading_one_language_merged_is_in_that_languages_group(
    segmented: Docs, encoder: SentenceEncoder
) -> None:
    # The UDHR preamble's "The General Assembly" is a paragraph of its own in five
    # languages; Chinese writes it inside the next one ("因此现在,大会,发布这一世界人权宣言").
    # So the heading and "Proclaims this Universal Declaration" are one group, with the
    # Chinese paragraph in it, not a heading group without Chinese beside it.
    docs = {lang: segmented[("udhr", lang)] for lang in LANGS}
    groups = SixWayAligner(EmbeddingCache(encoder)).align("udhr", docs)
    zh = "udhr:zh:preamble:p8"
    assert (
        docs["zh"]
        .segments[[s.id for s in docs["zh"].segments].index(zh)]
        .text.startswith("因此现在,大会,")
    )
    group = next(g for g in groups if zh in g.members.get("zh", ()))
    assert group.members["en"] == ("udhr:en:preamble:p9", "udhr:en:preamble:p10")
    assert group.members["fr"] == ("udhr:fr:preamble:p8", "udhr:fr:preamble:p9")


def test_every_text_is_embedded_once_per_run(segmented: Docs, encoder: SentenceEncoder) -> None:
    docs = {lang: segmented[("udhr", lang)] for lang in LANGS}
    cache = EmbeddingCache(encoder)
    first = SixWayAligner(cache).align("udhr", docs)
    embedded = cache.encoded
    assert embedded == len(cache._vectors)  # each string sent to the encoder exactly once
    again = SixWayAligner(cache).align("udhr", docs)
    assert cache.encoded == embedded
    assert [g.id for g in again] == [g.id for g in first]


def test_pairwise_beads_cover_every_index_in_order() -> None:
    groups: list[dict[Lang, list[int]]] = [
        {"en": [0], "fr": [0], "zh": [0]},
        {"en": [1], "zh": [1, 2]},
        {"fr": [1]},
        {"en": [2, 3], "fr": [2], "zh": [3]},
    ]
    beads = pairwise_beads(groups, ["en", "fr", "zh"])
    assert list(beads) == ["en-fr", "en-zh", "fr-zh"]
    assert beads["en-fr"] == [([0], [0]), ([1], []), ([], [1]), ([2, 3], [2])]
    assert beads["fr-zh"] == [([0], [0]), ([], [1, 2]), ([1], []), ([2], [3])]


def test_pairwise_beads_link_an_item_spanning_several_atoms() -> None:
    # en merged what fr and zh split (atoms 1 and 2); zh alone has atom 3.
    atoms: list[dict[Lang, list[int]]] = [
        {"en": [0], "fr": [0], "zh": [0]},
        {"en": [1], "fr": [1], "zh": [1]},
        {"en": [1], "fr": [2], "zh": [2]},
        {"zh": [3]},
        {"en": [2], "fr": [3], "zh": [4]},
    ]
    beads = pairwise_beads(atoms, ["en", "fr", "zh"])
    assert beads["en-fr"] == [([0], [0]), ([1], [1, 2]), ([2], [3])]
    assert beads["fr-zh"] == [([0], [0]), ([1], [1]), ([2], [2]), ([], [3]), ([3], [4])]
