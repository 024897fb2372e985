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
#: Largest source file read or downloaded (``[fetch] max_bytes`` in the sources config).
MAX_SOURCE_BYTES: Final[int] = 100 * 1024 * 1024
#: Largest text source (HTML, XML, plain text: everything but Word files) parsed
#: (``[fetch] max_text_bytes``): ours are under 100 kB, and a parse of tens of megabytes
#: of text would run for many minutes.
MAX_TEXT_BYTES: Final[int] = 4 * 1024 * 1024

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


def check_size(
    size: int,
    fmt: SourceFormat,
    where: str,
    *,
    max_bytes: int = MAX_SOURCE_BYTES,
    max_text_bytes: int = MAX_TEXT_BYTES,
) -> None:
    """Refuse a source larger than the limit of its kind, before it is read or parsed.

    Raises:
        InputError: ``size`` is over ``max_bytes`` (Word files) or ``max_text_bytes``.
    """
    text = fmt is not SourceFormat.DOCX
    limit = min(max_bytes, max_text_bytes) if text else max_bytes
    if size > limit:
        key = "max_text_bytes" if text and max_text_bytes < max_bytes else "max_bytes"
        kind = "a text source" if text else "a Word file"
        raise InputError(
            f"{size} bytes, more than the {limit} allowed for {kind} "
            f"(raise [fetch] {key} in a sources config to read it)",
            path=where,
        )


def read_source_bytes(
    source: SourceFile,
    root: Path = BUNDLED_SOURCES,
    *,
    max_bytes: int = MAX_SOURCE_BYTES,
    max_text_bytes: int = MAX_TEXT_BYTES,
) -> bytes:
    """Read one source file and check it is there, not empty, and the one pinned.

    The path is resolved (symbolic links followed) and must stay inside ``root``, and
    the file must be a regular file within the size limit (:func:`check_size`).

    Raises:
        InputError: missing, leading outside the folder, not a regular file, too large,
            empty, or sha256 different from the manifest's; the message names
            ``source.path``.
    """
    try:
        folder = root.resolve(strict=True)
        real = (root / source.path).resolve(strict=True)
    except FileNotFoundError:
        raise InputError("file not found", path=source.path, lang=source.lang) from None
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise InputError(f"cannot resolve the path: {exc}", path=source.path) from None
    if not real.is_relative_to(folder):
        raise InputError("a symbolic link leading outside the folder; refused", path=source.path)
    if real.is_dir():
        raise InputError("is a directory, not a file", path=source.path)
    if not real.is_file():
        raise InputError("not a regular file", path=source.path)
    check_size(
        real.stat().st_size,
        source.format,
        source.path,
        max_bytes=max_bytes,
        max_text_bytes=max_text_bytes,
    )
    try:
        data = real.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror or exc}", path=source.path) from None
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
