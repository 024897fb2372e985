"""Exports for CAT tools and analysts: TMX 1.4b translation memories and Parquet files.

TMX: one ``<tu>`` per aligned group with a ``<tuv>`` for every language the group holds
(``srclang="*all*"``: any language can be the source). The group's resolution, level,
structural key, section, method and confidence are ``<prop>``s of the ``<tu>``; the label
of the clause each language's text sits in (``h)`` in English, ``hg)`` in the French
revision) is a ``<prop>`` of its ``<tuv>``. Text is written verbatim (no-break spaces,
right-to-left Arabic, ``&`` and ``<``) and escaped by the XML writer; :func:`read_tmx` reads a
file back into the same :class:`TmxUnit` records, which is how the tests check round trips.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import polars as pl
from lxml import etree

from corpus.errors import DatabaseError
from corpus.model import LANGS, Level
from warehouse.db import open_reader, reading
from warehouse.output import replacing

#: ``xml:lang`` written for each language (RFC 3066 codes, as CAT tools expect them).
TMX_LANG: Mapping[str, str] = {
    "ar": "ar",
    "en": "en",
    "es": "es",
    "fr": "fr",
    "ru": "ru",
    "zh": "zh-CN",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SEGTYPE = {"section": "block", "clause": "block", "paragraph": "paragraph", "sentence": "sentence"}

#: What ``export parquet`` writes: every table and view a user may query.
USER_OBJECTS = (
    "runs",
    "resolutions",
    "documents",
    "segments",
    "alignment_groups",
    "alignment_members",
    "pair_similarity",
    "segment_versions",
    "schema_version",
    "parallel",
    "pairs",
    "clauses",
    "segment_changes",
    "clause_changes",
    "level_changes",
    "qa_findings",
    "term_candidates",
    "qa_summary",
    "fetches",
)


@dataclass(frozen=True, slots=True)
class TmxUnit:
    """One translation unit: an aligned group's texts by language, and its properties."""

    tuid: str
    #: ``(type, value)`` of the unit's ``<prop>`` elements, in order.
    props: tuple[tuple[str, str], ...]
    #: Text of each language present (several segments of a language joined).
    texts: Mapping[str, str]
    #: ``(type, value)`` props of each language's ``<tuv>`` (its clause label).
    lang_props: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TmxFile:
    """A TMX file as read back: its header attributes and units."""

    header: Mapping[str, str]
    header_props: tuple[tuple[str, str], ...]
    units: tuple[TmxUnit, ...]


#: Ancestors are followed up from the exported level's groups and segments only, of the
#: resolution asked for: from every segment of the corpus, one resolution's labels cost
#: what the whole corpus's did (23 ms against 6 ms at 40 UN documents, warm).
_GROUPS = """
    WITH RECURSIVE up(group_id, ancestor, level, key) AS (
        SELECT group_id, parent_group_id, level, key FROM alignment_groups
        WHERE level = $level AND ($resolution IS NULL OR resolution = $resolution)
        UNION ALL
        SELECT up.group_id, g.parent_group_id, g.level, g.key
        FROM up JOIN alignment_groups AS g ON g.group_id = up.ancestor
    )
    SELECT p.group_id, p.resolution, p.level, p.key, p.method, p.confidence,
           (SELECT any_value(u.key) FROM up AS u
            WHERE u.group_id = p.group_id AND u.level = 'section') AS section,
           p.ar, p.en, p.es, p.fr, p.ru, p.zh
    FROM parallel AS p
    WHERE p.level = $level AND ($resolution IS NULL OR p.resolution = $resolution)
    ORDER BY p.resolution, p.position, p.group_id
"""
# The label of the clause a member sits in: its own, or that of its nearest labelled
# ancestor (a sentence inherits its clause's label).
_LABELS = """
    WITH RECURSIVE up(segment_id, ancestor, label, depth) AS (
        SELECT segment_id, parent_id, label, 0 FROM segments
        WHERE level = $level AND ($resolution IS NULL OR resolution = $resolution)
        UNION ALL
        SELECT up.segment_id, s.parent_id, s.label, up.depth + 1
        FROM up JOIN segments AS s ON s.segment_id = up.ancestor
        WHERE up.label IS NULL
    )
    SELECT m.group_id, m.lang, arg_min(u.label, u.depth)
    FROM alignment_members AS m
    JOIN alignment_groups AS g ON g.group_id = m.group_id
    JOIN up AS u ON u.segment_id = m.segment_id AND u.label IS NOT NULL
    WHERE g.level = $level AND ($resolution IS NULL OR g.resolution = $resolution) AND m.ord = 0
    GROUP BY m.group_id, m.lang
"""


def tmx_units(
    path: Path | str, level: Level = Level.SENTENCE, resolution: str | None = None
) -> list[TmxUnit]:
    """Read the aligned groups of one level (and resolution) as translation units.

    Raises:
        DatabaseError: the database cannot be read.

    """
    params = {"level": level.value, "resolution": resolution}
    with reading(path, "cannot read the groups") as con:
        rows = con.execute(_GROUPS, params).fetchall()
        labels: dict[str, dict[str, str]] = {}
        for group_id, lang, label in con.execute(_LABELS, params).fetchall():
            labels.setdefault(str(group_id), {})[str(lang)] = str(label)
    units = []
    for group_id, res, lvl, key, method, confidence, section, *texts in rows:
        props = [("x-resolution", res), ("x-level", lvl), ("x-key", key)]
        if section is not None:
            props.append(("x-section", section))
        props.append(("x-method", method))
        if confidence is not None:
            props.append(("x-confidence", repr(float(confidence))))
        by_lang: dict[str, str] = {
            lang: str(text) for lang, text in zip(LANGS, texts, strict=True) if text is not None
        }
        group_labels = labels.get(str(group_id), {})
        units.append(
            TmxUnit(
                tuid=str(group_id),
                props=tuple((k, str(v)) for k, v in props),
                texts=by_lang,
                lang_props={
                    lang: (("x-label", group_labels[lang]),)
                    for lang in by_lang
                    if lang in group_labels
                },
            )
        )
    return units


def write_tmx(
    out: Path | str,
    units: Iterable[TmxUnit],
    *,
    segtype: str = "sentence",
    header_props: Sequence[tuple[str, str]] = (),
    created: dt.datetime | None = None,
) -> int:
    """Write units as a TMX 1.4b file, atomically (see :func:`warehouse.output.replacing`).

    Returns:
        The number of ``<tu>`` written.

    Raises:
        DatabaseError: a text holds a character XML cannot carry, or the file cannot be
            written.

    """
    out = Path(out)
    moment = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    header = {
        "creationtool": "itu-corpus",
        "creationtoolversion": version("itu-corpus"),
        "segtype": segtype,
        "o-tmf": "itu-corpus",
        "adminlang": "en",
        "srclang": "*all*",
        "datatype": "plaintext",
        "creationdate": f"{moment:%Y%m%dT%H%M%SZ}",
    }
    count = 0
    current = ""
    try:
        with replacing(out) as partial, etree.xmlfile(str(partial), encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("tmx", version="1.4"):
                xf.write(_element("header", header, header_props), pretty_print=True)
                with xf.element("body"):
                    for unit in units:
                        current = unit.tuid
                        xf.write(_tu(unit), pretty_print=True)
                        count += 1
    except ValueError as exc:  # lxml refuses control characters XML 1.0 cannot hold
        raise DatabaseError(f"group {current}: {exc}", path=str(out)) from exc
    except OSError as exc:
        raise DatabaseError(f"cannot write the TMX file: {exc}", path=str(out)) from exc
    return count


def _element(
    tag: str, attrib: Mapping[str, str], props: Sequence[tuple[str, str]]
) -> etree._Element:
    element = etree.Element(tag, attrib=dict(attrib))
    for kind, value in props:
        etree.SubElement(element, "prop", type=kind).text = value
    return element


def _tu(unit: TmxUnit) -> etree._Element:
    tu = _element("tu", {"tuid": unit.tuid}, unit.props)
    for lang in LANGS:
        if lang not in unit.texts:
            continue
        tuv = _element("tuv", {_XML_LANG: TMX_LANG[lang]}, unit.lang_props.get(lang, ()))
        etree.SubElement(tuv, "seg").text = unit.texts[lang]
        tu.append(tuv)
    return tu


def read_tmx(path: Path | str) -> TmxFile:
    """Read a TMX file written by :func:`write_tmx` (or any plain-text TMX 1.4b).

    Raises:
        DatabaseError: the file is missing or not well-formed XML.

    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise DatabaseError(f"cannot read the TMX file: {exc}", path=str(path)) from exc
    from_tmx = {code: lang for lang, code in TMX_LANG.items()}
    header = root.find("header")
    units = []
    for tu in root.iterfind("body/tu"):
        texts: dict[str, str] = {}
        lang_props: dict[str, tuple[tuple[str, str], ...]] = {}
        for tuv in tu.iterfind("tuv"):
            code = str(tuv.get(_XML_LANG))
            lang = from_tmx.get(code, code.split("-")[0].lower())
            seg = tuv.find("seg")
            texts[lang] = "" if seg is None else "".join(str(t) for t in seg.itertext())
            if tuv.findall("prop"):
                lang_props[lang] = _props(tuv)
        units.append(TmxUnit(str(tu.get("tuid")), _props(tu), texts, lang_props))
    return TmxFile(
        header={str(k): str(v) for k, v in header.attrib.items()} if header is not None else {},
        header_props=_props(header) if header is not None else (),
        units=tuple(units),
    )


def _props(element: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple((str(p.get("type")), p.text or "") for p in element.iterfind("prop"))


def export_tmx(
    path: Path | str, out: Path | str, level: Level = Level.SENTENCE, resolution: str | None = None
) -> int:
    """Write the groups of one level (and resolution) of the warehouse as a TMX file.

    The header carries the latest run's id and signature as props.

    Returns:
        The number of translation units written.

    Raises:
        DatabaseError: the database cannot be read or the file cannot be written.

    """
    units = tmx_units(path, level, resolution)
    con = open_reader(path)
    try:
        last = con.execute(
            "SELECT run_id, signature FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    props = [("x-run-id", str(last[0])), ("x-signature", str(last[1]))] if last else []
    return write_tmx(out, units, segtype=_SEGTYPE[level.value], header_props=props)


def export_parquet(path: Path | str, out_dir: Path | str) -> dict[str, int]:
    """Write every user-facing table and view as ``<name>.parquet`` in ``out_dir``.

    Each file is written under a temporary name and renamed (only over a regular file),
    so a reader of the folder never sees half a file. The rows go through Polars: the
    sandboxed reader cannot ``COPY`` to a file. Returns the row count of each.

    Raises:
        DatabaseError: the database cannot be read or a file cannot be written.

    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create the folder: {exc}", path=str(out_dir)) from exc
    written: dict[str, int] = {}
    try:
        with reading(path, "export failed") as con:
            for name in USER_OBJECTS:
                frame: pl.DataFrame = con.execute(f"SELECT * FROM {name}").pl()
                with replacing(out_dir / f"{name}.parquet") as partial:
                    frame.write_parquet(partial)
                written[name] = frame.height
    except OSError as exc:
        raise DatabaseError(f"cannot write Parquet: {exc}", path=str(out_dir)) from exc
    return written
