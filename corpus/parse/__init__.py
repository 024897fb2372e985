"""Parse one source file into a Document: one parser per source format.

Dispatch is by the manifest's ``format`` field, never by sniffing the bytes: a file
that is not what the manifest says is an input error naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from corpus.model import Document, SourceFile, SourceFormat
from corpus.parse.akoma_ntoso import parse_akoma_ntoso
from corpus.parse.docx import parse_docx
from corpus.parse.flattened_text import parse_flattened_text
from corpus.parse.udhr_html import parse_udhr_html

Parser = Callable[[SourceFile, bytes], Document]

#: One parser per source format.
PARSERS: Final[dict[SourceFormat, Parser]] = {
    SourceFormat.UDHR_HTML: parse_udhr_html,
    SourceFormat.AKOMA_NTOSO: parse_akoma_ntoso,
    SourceFormat.FLATTENED_TEXT: parse_flattened_text,
    SourceFormat.DOCX: parse_docx,
}

__all__ = ["PARSERS", "Parser", "parse_document"]


def parse_document(source: SourceFile, data: bytes) -> Document:
    """Parse the bytes of ``source`` with the parser for its format.

    Raises:
        InputError: the bytes are not valid UTF-8 (text formats), not a Word zip
            archive (``.docx``), are empty, or lack the structure of the format; the
            message names ``source.path``.
    """
    return PARSERS[source.format](source, data)
