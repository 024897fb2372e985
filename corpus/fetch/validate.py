"""Checking a fetched file before it is parsed: is it really the format we asked for?

Servers answer a missing Word file with an HTML error page and status 200, and a
dropped connection can leave half a file. Both are caught here, from the content type
and the bytes themselves, and rejected with the reason, naming the URL.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from enum import StrEnum
from typing import Final

from corpus.errors import InputError


class Container(StrEnum):
    """File formats a source can be fetched in (the container, not the parser)."""

    DOCX = "docx"
    PDF = "pdf"
    HTML = "html"


_NAMES: Final[dict[Container, str]] = {
    Container.DOCX: "a Word file (.docx)",
    Container.PDF: "a PDF file",
    Container.HTML: "an HTML page",
}
#: Content types that say nothing about the format; the bytes decide.
_GENERIC: Final[frozenset[str]] = frozenset(
    {"application/octet-stream", "binary/octet-stream", "application/force-download"}
)
_TYPES: Final[dict[Container, frozenset[str]]] = {
    Container.DOCX: frozenset(
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
            "application/x-zip-compressed",
            "application/msword",
        }
    ),
    Container.PDF: frozenset({"application/pdf", "application/x-pdf"}),
    Container.HTML: frozenset({"text/html", "application/xhtml+xml"}),
}
_HTML_START: Final[re.Pattern[bytes]] = re.compile(
    rb"^\s*<(!doctype\s+html|html|head|body)\b", re.I
)
_SNIFF: Final[int] = 1024


def sniff(data: bytes) -> Container | None:
    """Tell the container from the first bytes, or None when none fits."""
    head = data[:_SNIFF].removeprefix(b"\xef\xbb\xbf")
    if head.startswith(b"PK\x03\x04"):
        return Container.DOCX
    if b"%PDF-" in head:
        return Container.PDF
    if _HTML_START.match(head) or re.match(rb"^\s*<!--", head):
        return Container.HTML
    return None


def validate(data: bytes, expected: Container, content_type: str | None, where: str) -> None:
    """Check that ``data`` is a complete file of the ``expected`` format.

    Args:
        data: the body as received.
        expected: the format the source registry promised.
        content_type: the Content-Type without parameters, None when the server sent none.
        where: the URL or file, for the message.

    Raises:
        InputError: empty, another format (e.g. an HTML error page for a .docx), a content
            type that does not fit, or a truncated or damaged file; the message says which.
    """
    want = _NAMES[expected]
    if not data:
        raise InputError(f"empty response where {want} was expected", path=where)
    found = sniff(data)
    if found is not expected:
        what = _NAMES[found] if found else f"unrecognised bytes {data[:8]!r}"
        served = f" (Content-Type {content_type})" if content_type else ""
        hint = "; probably an error page" if found is Container.HTML else ""
        raise InputError(f"expected {want} but got {what}{served}{hint}", path=where)
    if content_type and content_type not in _TYPES[expected] | _GENERIC:
        raise InputError(f"Content-Type {content_type} does not fit {want}", path=where)
    if expected is Container.DOCX:
        _check_docx(data, where)
    elif expected is Container.PDF and b"%%EOF" not in data[-_SNIFF:]:
        raise InputError(f"truncated PDF: no %%EOF in the last {_SNIFF} bytes", path=where)


def _check_docx(data: bytes, where: str) -> None:
    """A .docx is a complete zip archive holding ``word/document.xml``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise InputError(
                    "a zip archive without word/document.xml, not a Word file", path=where
                )
            bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise InputError(
            f"truncated or damaged Word file ({len(data)} bytes): {exc}", path=where
        ) from None
    if bad is not None:
        raise InputError(f"damaged Word file: {bad} fails its CRC check", path=where)
