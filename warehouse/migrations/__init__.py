"""Forward migrations of the warehouse schema, one SQL file each.

``NNNN_what.sql`` takes a database from schema version ``NNNN - 1`` to ``NNNN``. A file is
never edited once released: a change to the schema is a new file, e.g. a ``fetches`` table
is ``0003_fetches.sql`` holding its ``CREATE TABLE``. :func:`warehouse.db.migrate` applies
the missing ones in order, each in the transaction of the change it belongs to, and then
recreates the views of ``warehouse/views.sql``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from corpus.model import Level

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change: the version it produces, its name and its SQL script."""

    version: int
    name: str
    sql: str


@cache
def migrations() -> tuple[Migration, ...]:
    """Return every migration in version order, checking that versions run 1, 2, 3 and so on.

    Raises:
        RuntimeError: a version is missing or repeated (a packaging mistake).

    """
    found = []
    for entry in files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..n: {[m.version for m in found]}")
    return tuple(found)


def views_sql() -> str:
    """Return the script that (re)creates every view of the current schema.

    It starts with the ``level_rank`` macro the views order by, made from
    :class:`corpus.model.Level` so that the level order has one home.
    """
    levels = ", ".join(f"'{level.value}'" for level in Level)
    rank = f"CREATE OR REPLACE MACRO level_rank(level) AS list_position([{levels}], level);\n"
    return rank + files("warehouse").joinpath("views.sql").read_text(encoding="utf-8")


#: The schema version this program writes and reads: the number of the last migration.
LATEST = len(migrations())
