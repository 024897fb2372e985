"""TBX export and import of the termbase (TBX-Basic dialect on TBX v3 core, DCA style).

One ``conceptEntry`` per concept, with its subject field and definition, the source and
verification status as notes, and one ``langSec`` per language holding a ``termSec`` per
term; ``administrativeStatus`` says ``preferredTerm-admn-sts`` or
``deprecatedTerm-admn-sts`` (our *avoided*). Terms with the ``*`` wildcard of the
termbase are exported as written, with a note, since TBX has no pattern syntax.
:func:`read_tbx` reads such a file back into a :class:`~warehouse.qa.termbase.Termbase`,
so that ``read_tbx(to_tbx(tb)) == tb``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Final

from corpus.errors import InputError
from corpus.model import LANGS, Lang, is_lang
from warehouse.qa.termbase import Concept, Termbase, TermEntry

NS: Final = "urn:iso:std:iso:30042:ed-2"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED: Final = "preferredTerm-admn-sts"
DEPRECATED: Final = "deprecatedTerm-admn-sts"
_SOURCE: Final = "source: "
_VERIFY: Final = "needs verification against UNTERM: "
_SCHEMA: Final = (
    'href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/'
    'TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" '
    'schematypens="http://relaxng.org/ns/structure/1.0"'
)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def to_tbx(termbase: Termbase) -> str:
    """Serialise a termbase as a TBX-Basic document (a UTF-8 XML string)."""
    ET.register_namespace("", NS)
    root = ET.Element(
        _q("tbx"), {"type": "TBX-Basic", "style": "dca", XML_LANG: termbase.source_language}
    )
    header = ET.SubElement(root, _q("tbxHeader"))
    file_desc = ET.SubElement(header, _q("fileDesc"))
    title_stmt = ET.SubElement(file_desc, _q("titleStmt"))
    ET.SubElement(title_stmt, _q("title")).text = termbase.title
    source_desc = ET.SubElement(file_desc, _q("sourceDesc"))
    ET.SubElement(
        source_desc, _q("p")
    ).text = "Exported by itu-corpus (warehouse.qa.tbx) from warehouse/qa/termbase.toml."
    body = ET.SubElement(ET.SubElement(root, _q("text")), _q("body"))
    for concept in termbase.concepts:
        entry = ET.SubElement(body, _q("conceptEntry"), {"id": concept.id})
        if concept.subject:
            ET.SubElement(entry, _q("descrip"), {"type": "subjectField"}).text = concept.subject
        if concept.definition:
            ET.SubElement(entry, _q("descrip"), {"type": "definition"}).text = concept.definition
        ET.SubElement(entry, _q("note")).text = _SOURCE + concept.source
        ET.SubElement(entry, _q("note")).text = _VERIFY + str(concept.needs_verification).lower()
        for lang in LANGS:
            if lang not in concept.terms:
                continue
            lang_sec = ET.SubElement(entry, _q("langSec"), {XML_LANG: lang})
            terms = concept.terms[lang]
            for status, items in ((PREFERRED, terms.preferred), (DEPRECATED, terms.avoided)):
                for term in items:
                    term_sec = ET.SubElement(lang_sec, _q("termSec"))
                    ET.SubElement(term_sec, _q("term")).text = term
                    ET.SubElement(
                        term_sec, _q("termNote"), {"type": "administrativeStatus"}
                    ).text = status
                    if "*" in term:
                        ET.SubElement(
                            term_sec, _q("note")
                        ).text = "pattern: * stands for any word ending"
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-model {_SCHEMA}?>\n{xml}\n'


def read_tbx(text: str, where: str = "termbase.tbx") -> Termbase:
    """Read a TBX-Basic document written by :func:`to_tbx` (or any with the same fields).

    Raises:
        InputError: not well-formed XML, not TBX, or a language outside the six.
    """
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise InputError(f"not well-formed XML: {exc}", path=where) from None
    if root.tag != _q("tbx"):
        raise InputError(f"not a TBX v3 document (root {root.tag})", path=where)
    source_language = root.get(XML_LANG, "en")
    if not is_lang(source_language):
        raise InputError(f"unknown source language {source_language!r}", path=where)
    title = root.findtext(f"{_q('tbxHeader')}/{_q('fileDesc')}/{_q('titleStmt')}/{_q('title')}")
    concepts = [_concept(entry, where) for entry in root.iter(_q("conceptEntry"))]
    return Termbase(title or "", source_language, tuple(concepts))


def _concept(entry: ET.Element, where: str) -> Concept:
    subject = definition = source = ""
    verify = True
    for child in entry:
        if child.tag == _q("descrip") and child.get("type") == "subjectField":
            subject = child.text or ""
        elif child.tag == _q("descrip") and child.get("type") == "definition":
            definition = child.text or ""
        elif child.tag == _q("note") and (child.text or "").startswith(_SOURCE):
            source = (child.text or "")[len(_SOURCE) :]
        elif child.tag == _q("note") and (child.text or "").startswith(_VERIFY):
            verify = (child.text or "")[len(_VERIFY) :] != "false"
    terms: dict[Lang, TermEntry] = {}
    for lang_sec in entry.findall(_q("langSec")):
        lang = lang_sec.get(XML_LANG, "")
        if not is_lang(lang):
            raise InputError(f"concept {entry.get('id')}: unknown language {lang!r}", path=where)
        preferred: list[str] = []
        avoided: list[str] = []
        for term_sec in lang_sec.findall(_q("termSec")):
            term = term_sec.findtext(_q("term")) or ""
            status = term_sec.findtext(_q("termNote")) or PREFERRED
            (avoided if status == DEPRECATED else preferred).append(term)
        terms[lang] = TermEntry(tuple(preferred), tuple(avoided))
    return Concept(entry.get("id", ""), subject, definition, source, verify, terms)
