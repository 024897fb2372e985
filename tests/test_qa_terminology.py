"""Check 3, terminology, and the bundled termbase with its TBX export."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from corpus.errors import InputError
from corpus.model import LANGS
from flows.cli import main
from warehouse.qa.model import QAGroup
from warehouse.qa.tbx import NS, read_tbx, to_tbx
from warehouse.qa.termbase import load_termbase
from warehouse.qa.terminology import check_terminology

PREAMBLE = {
    "en": "Whereas Member States have pledged themselves to achieve, in co-operation with the United Nations, the promotion of universal respect for and observance of human rights and fundamental freedoms,",  # noqa: E501
    "fr": "Considérant que les États Membres se sont engagés à assurer, en coopération avec l’Organisation des Nations Unies, le respect universel et effectif des droits de l’homme et des libertés fundamentales,",  # noqa: E501
    "es": "Considerando que los Estados Miembros se han comprometido a asegurar, en cooperación con la Organización de las Naciones Unidas, el respeto universal y efectivo a los derechos y libertades fundamentales del hombre, y",  # noqa: E501
    "ru": "принимая во внимание, что государства-члены обязались содействовать, в сотрудничестве с Организацией Объединенных Наций, всеобщему уважению и соблюдению прав человека и основных свобод;",  # noqa: E501
    "ar": "ولما كانت الدول الأعضاء قد تعهدت بالتعاون مع الأمم المتحدة على ضمان إطراد مراعاة حقوق الإنسان والحريات الأساسية واحترامها،",  # noqa: E501
    "zh": "鉴于各会员国业已誓愿同联合国合作以促进对人权和基本自由的普遍尊重和遵行，",
}


def test_bundled_termbase_has_forty_concepts_in_six_languages() -> None:
    tb = load_termbase()
    assert len(tb.concepts) >= 40
    assert all(set(c.terms) == set(LANGS) and c.source for c in tb.concepts)
    assert all(c.needs_verification for c in tb.concepts)  # none checked against UNTERM yet


def test_real_udhr_preamble() -> None:
    g = QAGroup("p", "udhr", "paragraph", "preamble", PREAMBLE)  # type: ignore[arg-type]
    found = {(f.lang, f.evidence.split(" ")[0]) for f in check_terminology([g])}
    # fr has a typo (fundamentales) and es says "derechos y libertades fundamentales del
    # hombre": both lose their preferred term; every other concept is rendered.
    assert found == {("fr", "fundamental-freedoms"), ("es", "human-rights")}


def test_avoided_and_swapped_terms() -> None:
    texts = dict(PREAMBLE)
    texts["en"] = texts["en"].replace("Member States", "member countries")
    texts["ru"] = texts["ru"].replace("основных свобод", "базовых свобод")
    g = QAGroup("p", "udhr", "paragraph", "preamble", texts)  # type: ignore[arg-type]
    findings = check_terminology([g])
    en = [f for f in findings if f.lang == "en"]
    assert len(en) == 1 and "avoided term 'member countr*'" in en[0].evidence
    assert any(f.lang == "ru" and "fundamental-freedoms" in f.evidence for f in findings)


def test_longest_match_wins() -> None:
    tb = load_termbase()
    assert [m.concept for m in tb.find("世界电信发展大会和联合国大会", "zh")] == [
        "wtdc",
        "general-assembly",
    ]
    assert [m.concept for m in tb.find("the ITU-T and ITU", "en")] == ["itu-t", "itu"]
    assert [m.concept for m in tb.find("وللدول الأعضاء", "ar")] == ["member-states"]


def test_tbx_v3_is_well_formed_and_round_trips() -> None:
    tb = load_termbase()
    xml = to_tbx(tb, version=3)
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == f"{{{NS}}}tbx" and root.get("type") == "TBX-Basic"
    assert len(root.findall(f".//{{{NS}}}conceptEntry")) == len(tb.concepts)
    assert read_tbx(xml) == tb


def test_tbx_v2_is_the_default_martif_and_round_trips() -> None:
    tb = load_termbase()
    xml = to_tbx(tb)
    assert xml.splitlines()[1] == '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "martif" and root.get("type") == "TBX-Basic-V1"
    entries = root.findall("text/body/termEntry")
    assert len(entries) == len(tb.concepts)
    # TBX-Basic puts the definition in the language section, the status on each term.
    first = entries[0]
    assert first.find("langSet/descrip[@type='definition']") is not None
    assert first.find("langSet/tig/termNote[@type='administrativeStatus']") is not None
    assert read_tbx(xml) == tb
    with pytest.raises(ValueError, match="TBX version 4"):
        to_tbx(tb, version=4)


def test_translate_toolkit_reads_the_default_export(tmp_path: Path) -> None:
    """The TBX reader CAT tooling uses in Python: 50 concepts, six languages each."""
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage.tbx import tbxfile

    out = tmp_path / "termbase.tbx"
    assert main(["export", "tbx", str(out)]) == 0
    tb = load_termbase()
    data = out.read_bytes()
    store = tbxfile.parsestring(data, sourcelanguage="en", targetlanguage="ar")  # type: ignore[no-untyped-call]
    assert len(store.units) == len(tb.concepts) == 50
    for unit, concept in zip(store.units, tb.concepts, strict=True):
        assert unit.getid() == concept.id
        langs = [getXMLlang(n) for n in unit.getlanguageNodes()]  # type: ignore[no-untyped-call]
        assert sorted(langs) == sorted(LANGS)
        assert unit.source == concept.terms["en"].preferred[0]
        assert unit.target == concept.terms["ar"].preferred[0]
    # Avoided terms keep their status for the CAT tool's QA.
    cyber = store.units[0]
    assert [t.text for t in cyber.get_target_terms() if t.deprecated] == []
    en = {t.text: t.deprecated for t in cyber.get_source_terms()}
    assert en == {"cybersecurity": False, "cyber security": True, "cyber-security": True}


def test_tbx_version_3_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "termbase.tbx"
    assert main(["export", "tbx", str(out), "--tbx-version", "3"]) == 0
    assert "(TBX-Basic, TBX v3)" in capsys.readouterr().out
    assert ET.fromstring(out.read_bytes()).tag == f"{{{NS}}}tbx"
    assert read_tbx(out.read_text(encoding="utf-8")) == load_termbase()


def test_tbx_errors_name_the_problem() -> None:
    with pytest.raises(InputError, match="not well-formed XML"):
        read_tbx("<tbx", "bad.tbx")


def test_one_term_may_name_two_concepts() -> None:
    found = {(m.concept, m.term) for m in load_termbase().find("UNGA Resolution 70/125", "en")}
    assert {("general-assembly", "UNGA"), ("united-nations", "UNGA")} <= found
