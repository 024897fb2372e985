"""Parser for the Unicode UDHR HTML files (``<header>`` preamble, ``<article>`` per article).

The articles are the clauses: each gives one CLAUSE block carrying the article heading
("Article 1", "第一条", "المادة 1") keyed by ``data-number``, so that the six languages
pair by number whatever the heading says.
"""

from __future__ import annotations

from typing import Final

import lxml.etree
import lxml.html

from corpus.errors import InputError
from corpus.model import BlockKind, Document, SourceFile
from corpus.parse._common import TextBuilder, collapse_space, decode_utf8

_NO_STRUCTURE: Final[str] = (
    "no UDHR structure: expected <h1>, a <header> preamble and <article data-number> elements"
)


def _text(element: lxml.html.HtmlElement) -> str:
    return collapse_space(element.text_content())


def parse_udhr_html(source: SourceFile, data: bytes) -> Document:
    """Parse one UDHR HTML file into title, preamble and one clause per article.

    Raises:
        InputError: undecodable or empty bytes, or HTML without the UDHR structure.
    """
    text = decode_utf8(data, source)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(f"not parseable as HTML: {exc}", path=source.path) from None
    h1 = root.find(".//h1")
    header = root.find(".//header")
    articles = root.findall(".//article[@data-number]")
    if h1 is None or header is None or not articles:
        raise InputError(_NO_STRUCTURE, path=source.path)

    out = TextBuilder()
    title = _text(h1)
    out.add(BlockKind.TITLE, "title", title)
    for element in header.iter("h2", "p", "li"):
        _add_body_element(out, element, "preamble", parent=None)
    for article in articles:
        number = article.get("data-number", "").strip()
        heading = article.find("h2")
        if heading is None or not number:
            raise InputError(f"article {number or '?'} has no <h2> heading", path=source.path)
        label = _text(heading)
        out.add(BlockKind.CLAUSE, "article", label, label=label, label_key=number)
        for element in article.iter("p", "li"):
            _add_body_element(out, element, "article", parent=number)
    return Document(
        resolution=source.resolution,
        lang=source.lang,
        source=source,
        title=title,
        text=out.text,
        blocks=tuple(out.blocks),
        warnings=tuple(out.warnings),
    )


def _add_body_element(
    out: TextBuilder, element: lxml.html.HtmlElement, section: str, parent: str | None
) -> None:
    """Add one heading or paragraph; a ``<li>`` holding ``<p>`` defers to its paragraphs."""
    if element.tag == "li" and element.find(".//p") is not None:
        return
    content = _text(element)
    if not content:
        return
    if element.tag == "h2":
        out.add(BlockKind.HEADING, section, content)
        return
    meta: tuple[tuple[str, str], ...] = ()
    item = element if element.tag == "li" else element.getparent()
    if item is not None and item.tag == "li":
        siblings = [e for e in item.itersiblings(preceding=True) if e.tag == "li"]
        meta = (("list_item", str(len(siblings) + 1)),)
    out.add(BlockKind.PARAGRAPH, section, content, parent_label_key=parent, meta=meta)
