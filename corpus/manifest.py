"""The manifest of source files: what each file is, and a checked way to read it.

The offline run must read exactly the bytes the tests were written against, so the
manifest pins every file by sha256 and :func:`read_source_bytes` refuses any other.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any, Final

from corpus.errors import InputError, UnknownLanguageError
from corpus.model import SourceFile, SourceFormat, is_lang

#: The bundled snapshot folder; its ``manifest.toml`` lists every file in it.
BUNDLED_SOURCES: Final[Path] = Path(__file__).resolve().parent / "sources"
#: The bundled manifest.
BUNDLED_MANIFEST: Final[Path] = BUNDLED_SOURCES / "manifest.toml"

_FIELDS: Final[tuple[str, ...]] = (
    "resolution",
    "lang",
    "format",
    "path",
    "sha256",
    "version",
    "provenance",
    "licence",
)


def read_manifest(path: Path) -> list[SourceFile]:
    """Read a manifest; ``SourceFile.path`` stays relative to the manifest's folder.

    Raises:
        InputError: the manifest is missing, not TOML, or an entry lacks a field or
            names an unknown format.
        UnknownLanguageError: an entry has a language outside the six.
    """
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("manifest not found", path=where) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 at byte {exc.start}", path=where) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=where) from None
    entries = data.get("file", [])
    if not isinstance(entries, list) or not entries:
        raise InputError("no [[file]] entries", path=where)
    return [_entry(item, n, where) for n, item in enumerate(entries, start=1)]


def _entry(item: Any, n: int, where: str) -> SourceFile:
    """Turn one ``[[file]]`` table into a SourceFile, naming the entry on error."""
    if not isinstance(item, dict):
        raise InputError(f"file entry {n} is not a table", path=where)
    missing = [f for f in _FIELDS if not isinstance(item.get(f), str) or not item[f]]
    if missing:
        raise InputError(f"file entry {n} lacks {', '.join(missing)}", path=where)
    lang = item["lang"]
    if not is_lang(lang):
        raise UnknownLanguageError(
            f"file entry {n} ({item['path']}) has unknown language {lang!r}", path=where
        )
    try:
        fmt = SourceFormat(item["format"])
    except ValueError:
        raise InputError(
            f"file entry {n} ({item['path']}) has unknown format {item['format']!r}", path=where
        ) from None
    rel = Path(item["path"])
    if rel.is_absolute() or ".." in rel.parts:
        raise InputError(f"file entry {n} path must stay inside the folder", path=where)
    return SourceFile(
        resolution=item["resolution"],
        lang=lang,
        format=fmt,
        path=rel.as_posix(),
        sha256=item["sha256"].lower(),
        version=item["version"],
        provenance=item["provenance"],
        licence=item["licence"],
    )


def read_source_bytes(source: SourceFile, root: Path = BUNDLED_SOURCES) -> bytes:
    """Read one source file and check it is there, not empty, and the one pinned.

    Raises:
        InputError: missing, empty, or sha256 different from the manifest's; the
            message names ``source.path``.
    """
    try:
        data = (root / source.path).read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=source.path, lang=source.lang) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=source.path) from None
    if not data:
        raise InputError("file is empty", path=source.path, lang=source.lang)
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise InputError(
            f"sha256 mismatch: manifest has {source.sha256[:12]}…, file has {digest[:12]}…",
            path=source.path,
            lang=source.lang,
        )
    return data
