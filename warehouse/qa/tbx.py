"""TBX export and import of the termbase: TBX-Basic on TBX v2 (``martif``) or v3 (DCA style).

TBX v2 (ISO 30042:2008) is what CAT tools import (memoQ, Trados MultiTerm,
translate-toolkit), so it is the default; v3 (ISO 30042:2019) renames the elements
(``termEntry``/``langSet``/``tig`` become ``conceptEntry``/``langSec``/``termSec``) and
puts them in a namespace. One entry per concept, with its subject field and definition,
the source and verification status as notes, and one language section per language
holding a term section per term; ``administrativeStatus`` says ``preferredTerm-admn-sts`` or
``deprecatedTerm-admn-sts`` (our *avoided*). Terms with the ``*`` wildcard of the
termbase are exported as written, with a note, since TBX has no pattern syntax.
:func:`read_tbx` reads such a file back into a :class:`~warehouse.qa.termbase.Termbase`,
so that ``read_tbx(to_tbx(tb)) == tb``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from corpus.errors import InputError
from corpus.model import LANGS, Lang, is_lang
from warehouse.output import replacing
from warehouse.qa.termbase import Concept, Termbase, TermEntry

NS: Final = "urn:iso:std:iso:30042:ed-2"
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED: Final = "preferredTerm-admn-sts"
DEPRECATED: Final = "deprecatedTerm-admn-sts"
_SOURCE: Final = "source: "
_VERIFY: Final = "needs verification against UNTERM: "
_PATTERN: Final = "pattern: * stands for any word ending"
_SCHEMA: Final = (
    'href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/'
    'TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" '
    'schematypens="http://relaxng.org/ns/structure/1.0"'
)
#: TBX versions :func:`to_tbx` writes; 2 is what memoQ, MultiTerm and translate-toolkit read.
TBX_VERSIONS: Final = (2, 3)


@dataclass(frozen=True, slots=True)
class Dialect:
    """The element names of one TBX version (the structure is the same in both)."""

    version: int
    namespace: str
    root: str
    header: str
    entry: str
    lang_sec: str
    term_sec: str

    def q(self, tag: str) -> str:
        """The qualified name of ``tag`` in this dialect."""
        return f"{{{self.namespace}}}{tag}" if self.namespace else tag


#: TBX-Basic on TBX v2 (ISO 30042:2008, the ``martif`` document) and on TBX v3 (DCA style).
DIALECTS: Final = {
    2: Dialect(2, "", "martif", "martifHeader", "termEntry", "langSet", "tig"),
    3: Dialect(3, NS, "tbx", "tbxHeader", "conceptEntry", "langSec", "termSec"),
}


def to_tbx(termbase: Termbase, version: int = 2) -> str:
    """Serialise a termbase as a TBX-Basic document (a UTF-8 XML string).

    Version 2 (the default) is the ``martif`` document CAT tools import; version 3 the
    ISO 30042:2019 ``tbx`` document. In v2 the definition sits in the source language's
    ``langSet``, where TBX-Basic puts it; in v3 on the concept.

    Raises:
        ValueError: ``version`` is not 2 or 3.
    """
    if version not in DIALECTS:
        raise ValueError(f"TBX version {version} is not supported (use 2 or 3)")
    d = DIALECTS[version]
    if d.namespace:
        ET.register_namespace("", d.namespace)
    attrib = {"type": "TBX-Basic", "style": "dca"} if version == 3 else {"type": "TBX-Basic-V1"}
    root = ET.Element(d.q(d.root), {**attrib, XML_LANG: termbase.source_language})
    header = ET.SubElement(root, d.q(d.header))
    file_desc = ET.SubElement(header, d.q("fileDesc"))
    title_stmt = ET.SubElement(file_desc, d.q("titleStmt"))
    ET.SubElement(title_stmt, d.q("title")).text = termbase.title
    source_desc = ET.SubElement(file_desc, d.q("sourceDesc"))
    ET.SubElement(
        source_desc, d.q("p")
    ).text = "Exported by itu-corpus (warehouse.qa.tbx) from warehouse/qa/termbase.toml."
    if version == 2:
        encoding = ET.SubElement(header, "encodingDesc")
        ET.SubElement(encoding, "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, d.q("text")), d.q("body"))
    for concept in termbase.concepts:
        _entry(body, concept, d, termbase.source_language)
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")
    if version == 2:
        doctype = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{xml}\n'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<?xml-model {_SCHEMA}?>\n{xml}\n'


def _entry(body: ET.Element, concept: Concept, d: Dialect, source_language: str) -> None:
    entry = ET.SubElement(body, d.q(d.entry), {"id": concept.id})
    if concept.subject:
        ET.SubElement(entry, d.q("descrip"), {"type": "subjectField"}).text = concept.subject
    if concept.definition and d.version == 3:
        ET.SubElement(entry, d.q("descrip"), {"type": "definition"}).text = concept.definition
    ET.SubElement(entry, d.q("note")).text = _SOURCE + concept.source
    ET.SubElement(entry, d.q("note")).text = _VERIFY + str(concept.needs_verification).lower()
    # The source language first: tools that read one source and one target take the first.
    for lang in sorted(concept.terms, key=lambda x: (x != source_language, LANGS.index(x))):
        lang_sec = ET.SubElement(entry, d.q(d.lang_sec), {XML_LANG: lang})
        if concept.definition and d.version == 2 and lang == source_language:
            ET.SubElement(lang_sec, "descrip", {"type": "definition"}).text = concept.definition
        terms = concept.terms[lang]
        for status, items in ((PREFERRED, terms.preferred), (DEPRECATED, terms.avoided)):
            for term in items:
                term_sec = ET.SubElement(lang_sec, d.q(d.term_sec))
                ET.SubElement(term_sec, d.q("term")).text = term
                ET.SubElement(
                    term_sec, d.q("termNote"), {"type": "administrativeStatus"}
                ).text = status
                if "*" in term:
                    ET.SubElement(term_sec, d.q("note")).text = _PATTERN


def read_tbx(text: str, where: str = "termbase.tbx") -> Termbase:
    """Read a TBX-Basic document written by :func:`to_tbx` (v2 or v3, or any alike).

    Raises:
        InputError: not well-formed XML, not TBX, or a language outside the six.
    """
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        raise InputError(f"not well-formed XML: {exc}", path=where) from None
    d = next((d for d in DIALECTS.values() if root.tag == d.q(d.root)), None)
    if d is None:
        raise InputError(f"not a TBX v2 or v3 document (root {root.tag})", path=where)
    source_language = root.get(XML_LANG, "en")
    if not is_lang(source_language):
        raise InputError(f"unknown source language {source_language!r}", path=where)
    title = root.findtext(f"{d.q(d.header)}/{d.q('fileDesc')}/{d.q('titleStmt')}/{d.q('title')}")
    concepts = [_concept(entry, d, where) for entry in root.iter(d.q(d.entry))]
    return Termbase(title or "", source_language, tuple(concepts))


def _concept(entry: ET.Element, d: Dialect, where: str) -> Concept:
    subject = definition = source = ""
    verify = True
    for child in entry:
        if child.tag == d.q("descrip") and child.get("type") == "subjectField":
            subject = child.text or ""
        elif child.tag == d.q("descrip") and child.get("type") == "definition":
            definition = child.text or ""
        elif child.tag == d.q("note") and (child.text or "").startswith(_SOURCE):
            source = (child.text or "")[len(_SOURCE) :]
        elif child.tag == d.q("note") and (child.text or "").startswith(_VERIFY):
            verify = (child.text or "")[len(_VERIFY) :] != "false"
    terms: dict[Lang, TermEntry] = {}
    for lang_sec in entry.findall(d.q(d.lang_sec)):
        lang = lang_sec.get(XML_LANG, "")
        if not is_lang(lang):
            raise InputError(f"concept {entry.get('id')}: unknown language {lang!r}", path=where)
        definition = definition or lang_sec.findtext(d.q("descrip")) or ""
        preferred: list[str] = []
        avoided: list[str] = []
        for term_sec in lang_sec.findall(d.q(d.term_sec)):
            term = term_sec.findtext(d.q("term")) or ""
            status = term_sec.findtext(d.q("termNote")) or PREFERRED
            (avoided if status == DEPRECATED else preferred).append(term)
        terms[lang] = TermEntry(tuple(preferred), tuple(avoided))
    return Concept(entry.get("id", ""), subject, definition, source, verify, terms)


def write_tbx(termbase: Termbase, out: Path | str, version: int = 2) -> None:
    """Write the termbase as a TBX file, atomically and only over a regular file.

    See :func:`warehouse.output.replacing`.

    Raises:
        DatabaseError: the target is not a regular file, or the file cannot be written.
    """
    text = to_tbx(termbase, version)
    with replacing(out) as partial:
        partial.write_text(text, encoding="utf-8")
