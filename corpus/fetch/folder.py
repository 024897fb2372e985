"""A folder of files without a manifest: what each file is, from its name and its bytes.

A user with ITU's Word files in a folder should not have to write a manifest with
sha256 sums by hand. The document and its language come from the file name, by one of
two rules:

* ITU's own names: ``T-REC-E.119-201704-I!!MSW-E.docx``, ``S22-PP-C-0076!A35!MSW-F.docx``,
  ``T-RES-T.1-2016-MSW-E.docx``: the document is the name up to the variant (``MSW``,
  ``PDF`` …), the language its letter (A C E F R S for ar zh en fr ru es);
* ``NAME.LANG.EXT``: ``Y.3507-201812.en.docx`` is document ``Y.3507-201812`` in English.

The format comes from the bytes (a Word zip, the UDHR's HTML, Akoma Ntoso XML, plain
UTF-8 text), never from the extension. Each file is recorded as a manifest entry would
be: its sha256, and where it was found as provenance.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from corpus.errors import InputError
from corpus.model import LANGS, Lang, SourceFile, SourceFormat, is_lang

#: The two naming rules, as the error for a file that fits neither states them.
NAME_RULES: Final[str] = (
    "name it as ITU does (T-REC-E.119-201704-I!!MSW-E.docx, S22-PP-C-0076!A35!MSW-F.docx:"
    " language letter A C E F R S) or NAME.LANG.EXT (Y.3507-201812.en.docx, LANG one of "
    + " ".join(LANGS)
    + ")"
)
#: Extensions of the files a folder source reads; anything else (notes, images) is left.
EXTENSIONS: Final[frozenset[str]] = frozenset(
    {".docx", ".doc", ".pdf", ".html", ".htm", ".xml", ".txt"}
)
_LETTERS: Final[dict[str, Lang]] = {
    "A": "ar",
    "C": "zh",
    "E": "en",
    "F": "fr",
    "R": "ru",
    "S": "es",
}
_ITU: Final[re.Pattern[str]] = re.compile(
    r"^(?P<doc>[A-Z0-9][\w.\-]*?(?:![\w.\-]*)?)[!-](?P<variant>[A-Z]{3,4})-(?P<letter>[ACEFRS])$"
)
_NAME_LANG: Final[re.Pattern[str]] = re.compile(r"^(?P<doc>.+)\.(?P<lang>[a-z]{2})$")


@dataclass(frozen=True, slots=True)
class FolderSource:
    """A local folder of files named by the rules above, without a manifest."""

    name: str
    root: Path


def identify(filename: str) -> tuple[str, Lang]:
    """The document and language a file name gives, by ITU's rule or ``NAME.LANG.EXT``.

    Raises:
        InputError: the name fits neither rule; the message names the file and both rules.
    """
    stem = Path(filename).stem
    match = _ITU.match(stem)
    if match:
        return match["doc"].rstrip("!"), _LETTERS[match["letter"]]
    match = _NAME_LANG.match(stem)
    if match and is_lang(match["lang"]):
        return match["doc"], match["lang"]
    raise InputError(
        f"cannot tell the document and language from the name: {NAME_RULES}", path=filename
    )


def sniff_format(data: bytes) -> SourceFormat | None:
    """The parser format the bytes are in; ``None`` for a format without a parser (PDF)."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"PK\x03\x04"):
        return SourceFormat.DOCX
    if head.startswith(b"%PDF") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return None
    lower = head.lower()
    if b"<akomantoso" in lower or b"docs.oasis-open.org/legaldocml/ns/akn" in lower:
        return SourceFormat.AKOMA_NTOSO
    if b"<html" in lower or b"<!doctype html" in lower:
        return SourceFormat.UDHR_HTML
    return SourceFormat.FLATTENED_TEXT


def list_folder(
    folder: FolderSource,
    resolutions: Sequence[str] | None = None,
    langs: Sequence[Lang] | None = None,
) -> list[tuple[SourceFile | None, Path, str | None]]:
    """Every file of the folder to read: its source entry, its path, or why it cannot be.

    Returns ``(source, path, None)`` for a file with a parser, ``(None, path, reason)``
    for one in a format without a parser (a PDF, a legacy .doc).

    Raises:
        InputError: the folder holds no file to read, a file name fits neither rule, or
            two files claim the same document and language.
    """
    files = sorted(
        p
        for p in folder.root.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in EXTENSIONS
    )
    if not files:
        raise InputError(
            f"no document files ({', '.join(sorted(EXTENSIONS))}) and no manifest.toml",
            path=str(folder.root),
        )
    out: list[tuple[SourceFile | None, Path, str | None]] = []
    seen: dict[tuple[str, Lang], str] = {}
    for path in files:
        resolution, lang = identify(path.name)
        if (resolution, lang) in seen:
            raise InputError(
                f"{resolution} {lang} is also {seen[resolution, lang]}", path=path.name
            )
        seen[resolution, lang] = path.name
        if (resolutions is not None and resolution not in resolutions) or (
            langs is not None and lang not in langs
        ):
            continue
        data = path.read_bytes()
        fmt = sniff_format(data)
        if fmt is None:
            out.append((None, path, "a PDF or legacy Word file: no parser for this format"))
            continue
        found = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
        out.append(
            (
                SourceFile(
                    resolution=resolution,
                    lang=lang,
                    format=fmt,
                    path=path.name,
                    sha256=hashlib.sha256(data).hexdigest(),
                    version=f"file dated {found}",
                    provenance=f"folder {folder.root.resolve()} (no manifest): {path.name}",
                    licence="not stated (a folder without manifest)",
                ),
                path,
                None,
            )
        )
    return out
