"""Counts over the whole warehouse, for the short summary the CLI prints after a run."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.model import LANGS, Level
from warehouse.db import reading

# Levels are ordered coarse to fine ($1 is the list of Level values), not alphabetically.
_DOCUMENTS = "SELECT resolution, lang, count(*) FROM documents GROUP BY ALL ORDER BY ALL"
_SEGMENTS = """
    SELECT lang, level, count(*) FROM segments GROUP BY lang, level
    ORDER BY lang, list_position($1, level)
"""
_GROUPS = """
    SELECT resolution, level, count(*) FROM alignment_groups GROUP BY resolution, level
    ORDER BY resolution, list_position($1, level)
"""
_COMPLETE = f"""
    SELECT resolution, count(*) FROM alignment_groups
    WHERE n_langs = {len(LANGS)} GROUP BY ALL ORDER BY ALL
"""
_LAST_RUN = """
    SELECT run_id, signature, status, missing::VARCHAR, summary::VARCHAR FROM runs
    ORDER BY started_at DESC, run_id DESC LIMIT 1
"""


@dataclass(frozen=True, slots=True)
class Summary:
    """What the warehouse holds, as nested counts keyed in a stable (sorted) order."""

    #: resolution -> lang -> documents (0 or 1 per language; a missing language is absent)
    documents: Mapping[str, Mapping[str, int]]
    #: lang -> level -> segments
    segments: Mapping[str, Mapping[str, int]]
    #: resolution -> level -> aligned groups
    groups: Mapping[str, Mapping[str, int]]
    #: resolution -> groups that have all six languages
    complete_groups: Mapping[str, int]
    #: (run_id, signature) of the latest run, ``None`` for an empty warehouse
    last_run: tuple[str, str] | None
    #: The latest run's status: ``ok``, or ``partial`` when a language could not be read
    last_status: str | None = None
    #: ``resolution:lang`` the latest run could not read -> why, and what it kept
    not_read: Mapping[str, str] = field(default_factory=dict)


def corpus_summary(path: Path | str) -> Summary:
    """Count documents, segments and groups in the warehouse at ``path`` (read-only).

    Raises:
        DatabaseError: the database is missing, unreadable or lacks the warehouse tables.

    """
    with reading(path, "cannot summarise", any_version=True) as con:
        documents = _nest(con.execute(_DOCUMENTS).fetchall())
        levels = [[level.value for level in Level]]
        segments = _nest(con.execute(_SEGMENTS, levels).fetchall())
        groups = _nest(con.execute(_GROUPS, levels).fetchall())
        complete = {str(r): int(n) for r, n in con.execute(_COMPLETE).fetchall()}
        last = con.execute(_LAST_RUN).fetchone()
    return Summary(
        documents=documents,
        segments=segments,
        groups=groups,
        complete_groups=complete,
        last_run=(str(last[0]), str(last[1])) if last else None,
        last_status=str(last[2]) if last else None,
        not_read=not_read(last[3], last[4]) if last else {},
    )


def not_read(missing: str | None, summary: str | None) -> dict[str, str]:
    """What a run could not read, from its ``missing`` and ``summary`` JSON columns.

    Each ``resolution:lang`` maps to the reason, followed by the run whose version the
    warehouse kept (``summary.kept``) or by "nothing stored to keep".
    """
    reasons = json.loads(missing) if missing else {}
    kept = (json.loads(summary) if summary else {}).get("kept", {})
    return {
        key: f"{reason}; "
        + (f"its version of run {kept[key]} is kept" if key in kept else "nothing stored to keep")
        for key, reason in reasons.items()
    }


def _nest(rows: list[Any]) -> dict[str, dict[str, int]]:
    """Turn sorted (outer, inner, count) rows into nested dicts that keep that order."""
    nested: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for outer, inner, count in rows:
        nested[str(outer)][str(inner)] = int(count)
    return dict(nested)


def format_summary(summary: Summary) -> str:
    """Render the summary for the CLI: documents, segments per language, groups, last run."""
    if not summary.documents:
        return "the database is empty"
    n_docs = sum(len(langs) for langs in summary.documents.values())
    out = [f"documents: {n_docs}"]
    out += [f"  {res}: {' '.join(langs)}" for res, langs in summary.documents.items()]
    levels = [level.value for level in Level]
    out.append("segments per language (" + " / ".join(levels) + "):")
    for lang, counts in summary.segments.items():
        out.append(f"  {lang}: " + " / ".join(str(counts.get(level, 0)) for level in levels))
    out.append("aligned groups:")
    for res, counts in summary.groups.items():
        by_level = ", ".join(f"{n} {level}" for level, n in counts.items())
        complete = summary.complete_groups.get(res, 0)
        out.append(f"  {res}: {by_level}; {complete} with all six languages")
    if summary.last_run:
        status = f" ({summary.last_status})" if summary.last_status else ""
        out.append(f"last run: {summary.last_run[0]}{status}")
        out.append(f"signature: {summary.last_run[1]}")
        out += [f"not read: {key}: {why}" for key, why in summary.not_read.items()]
    return "\n".join(out)
