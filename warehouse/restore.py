"""A language's last good version, read back from the warehouse to be aligned again.

A run rebuilds the groups of every resolution it reads. When one language of such a
resolution cannot be read this time (file missing, undecodable, refused), its documents
and segments stay in the warehouse, but without them the new groups would leave it out,
and it would vanish from ``parallel``, ``pairs`` and every export. So the run reads the
language's stored segments back as a :class:`SegmentedDocument` and aligns them with the
others: the language keeps its last good version everywhere, and the run says so.

The restored document carries its stored source and segments; the extracted full text and
the parser's blocks are not stored, so ``Document.text`` is empty and ``blocks`` too. Only
the segments are used by the aligner and the similarities.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from corpus.model import (
    Change,
    Document,
    Lang,
    Level,
    Segment,
    SegmentedDocument,
    SourceFile,
    SourceFormat,
    is_lang,
)
from warehouse.db import reading

_LEVEL_RANK = {level.value: n for n, level in enumerate(Level)}


@dataclass(frozen=True, slots=True)
class Restored:
    """A language version read back from the warehouse, and the run that loaded it."""

    document: SegmentedDocument
    run_id: str


def stored_documents(
    path: Path | str, wanted: Collection[tuple[str, Lang]]
) -> dict[tuple[str, Lang], Restored]:
    """Read back the stored versions of ``(resolution, lang)`` pairs the warehouse holds.

    A missing database, or a pair it does not hold, gives nothing for it.

    Raises:
        DatabaseError: the database exists but cannot be read.

    """
    if not wanted or not Path(path).exists():
        return {}
    doc_ids = sorted(f"{res}:{lang}" for res, lang in wanted)
    # Any schema version: these columns are old.
    with reading(path, "cannot read the stored versions", any_version=True) as con:
        documents = con.execute(
            """SELECT doc_id, resolution, lang, format, source_path, sha256, version,
                      provenance, licence, title, run_id
               FROM documents WHERE doc_id IN (SELECT unnest(?))""",
            [doc_ids],
        ).fetchall()
        segments = con.execute(
            """SELECT doc_id, segment_id, resolution, lang, level, key, position, text, norm,
                      start_char, end_char, parent_id, label, meta, text_before, change
               FROM segments WHERE doc_id IN (SELECT unnest(?))""",
            [doc_ids],
        ).fetchall()
    by_doc: dict[str, list[Segment]] = {}
    for row in segments:
        by_doc.setdefault(str(row[0]), []).append(_segment(row[1:]))
    out: dict[tuple[str, Lang], Restored] = {}
    for doc_id, res, lang, fmt, src, sha, version, prov, licence, title, run_id in documents:
        source = SourceFile(res, lang, SourceFormat(fmt), src, sha, version, prov, licence)
        segs = sorted(
            by_doc.get(str(doc_id), []),
            key=lambda s: (s.start, _LEVEL_RANK[s.level.value], s.position),
        )
        document = Document(res, lang, source, str(title), "", ())
        out[(str(res), lang)] = Restored(SegmentedDocument(document, tuple(segs)), str(run_id))
    return out


def _segment(row: tuple[object, ...]) -> Segment:
    """One stored segment row (without its doc_id) as a :class:`Segment`."""
    (seg_id, res, lang, level, key, position, text, norm, start, end, parent, label) = row[:12]
    meta_text, text_before, change = row[12:]
    meta = json.loads(str(meta_text)) if meta_text else {}
    return Segment(
        id=str(seg_id),
        resolution=str(res),
        lang=lang,  # type: ignore[arg-type]  # stored from a Lang
        level=Level(str(level)),
        key=str(key),
        position=int(position),  # type: ignore[call-overload]
        text=str(text),
        norm=str(norm),
        start=int(start),  # type: ignore[call-overload]
        end=int(end),  # type: ignore[call-overload]
        parent_id=None if parent is None else str(parent),
        label=None if label is None else str(label),
        meta=tuple((k, v) for k, values in meta.items() for v in values),
        text_before=None if text_before is None else str(text_before),
        change=None if change is None else Change(str(change)),
    )


def keep_last_good(
    db: Path | str,
    rebuilt: Mapping[str, Mapping[Lang, SegmentedDocument]],
    missing: Mapping[str, str],
) -> tuple[dict[str, dict[Lang, SegmentedDocument]], dict[str, str]]:
    """Add the stored versions of the languages a run could not read to what it aligns.

    Args:
        db: The warehouse.
        rebuilt: The documents the run read, by resolution and language.
        missing: ``resolution:lang`` -> why the run could not read it.

    Returns:
        The documents to align (``rebuilt`` plus, in its resolutions, the stored version
        of each missing language), and ``resolution:lang`` -> the run whose version the
        warehouse keeps, for every missing language it holds (rebuilt or not).

    Raises:
        DatabaseError: the database exists but cannot be read.

    """
    wanted: list[tuple[str, Lang]] = []
    for key in missing:
        resolution, _, lang = key.rpartition(":")
        if is_lang(lang):
            wanted.append((resolution, lang))
    stored = stored_documents(db, wanted)
    aligned = {res: dict(docs) for res, docs in rebuilt.items()}
    for (res, lang), restored in stored.items():
        if res in aligned and lang not in aligned[res]:
            aligned[res][lang] = restored.document
    kept = {f"{res}:{lang}": restored.run_id for (res, lang), restored in stored.items()}
    return aligned, kept
