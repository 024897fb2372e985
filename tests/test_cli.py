"""The command line in process: exit codes and exact output lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from corpus.model import Lang, Level, SegmentedDocument
from flows.cli import cli, main

Docs = dict[tuple[str, Lang], SegmentedDocument]
README = Path(__file__).resolve().parents[1] / "README.md"


def udhr_lines(segmented: Docs, lang: Lang) -> list[str]:
    """Paragraphs of UDHR articles 1-12 in one language: real UN translations."""
    keys = {f"article.{n}" for n in range(1, 13)}
    doc = segmented[("udhr", lang)]
    return [s.text for s in doc.segments if s.level is Level.PARAGRAPH and s.key in keys]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["ar", "zh", "fr"])
def test_align_files(
    segmented: Docs, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: Lang
) -> None:
    en, other = udhr_lines(segmented, "en"), udhr_lines(segmented, lang)
    sep = "" if lang == "zh" else " "
    # Other side: items 3 and 4 joined (a 1-2 bead), item 7 dropped (1-0).
    other = [*other[:3], other[3] + sep + other[4], *other[5:7], *other[8:]]
    a = write_lines(tmp_path / "a.en", en)
    b = write_lines(tmp_path / f"b.{lang}", other)
    assert main(["align-files", "--langs", f"en,{lang}", str(a), str(b)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == [f"en-{lang}"]
    beads = result[f"en-{lang}"]
    expected = [[[0], [0]], [[1], [1]], [[2], [2]], [[3, 4], [3]], [[5], [4]], [[6], [5]]]
    assert beads[:6] == expected
    assert beads[6:8] == [[[7], []], [[8], [6]]]
    assert [i for bead in beads for i in bead[0]] == list(range(len(en)))
    assert [j for bead in beads for j in bead[1]] == list(range(len(other)))


def test_align_files_three_languages_gives_every_pair(
    segmented: Docs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        str(write_lines(tmp_path / f"udhr.{lang}", udhr_lines(segmented, lang)[:6]))
        for lang in ("zh", "ar", "fr")
    ]
    assert main(["align-files", "--langs", "zh,ar,fr", *files]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["zh-ar", "zh-fr", "ar-fr"]
    for beads in result.values():
        assert beads == [[[i], [i]] for i in range(6)]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        (b"", "file is empty"),
        (b"\n  \n", "file is empty"),
        (b"Article premier\nTous les \xeatres humains\n", "not valid UTF-8 at byte 25"),
        (b"one\n\nthree\n", "blank line 2: expected one sentence per line"),
    ],
)
def test_align_files_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, problem: str
) -> None:
    good = write_lines(tmp_path / "good.en", ["All human beings are born free."])
    bad = tmp_path / "bad.fr"
    if content is not None:
        bad.write_bytes(content)
    assert main(["align-files", "--langs", "en,fr", str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"Error: {bad}: {problem}\n"


def test_align_files_unknown_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_lines(tmp_path / "a.en", ["Article 1"])
    b = write_lines(tmp_path / "a.de", ["Artikel 1"])
    assert main(["align-files", "--langs", "en,de", str(a), str(b)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "Error: Invalid value for '--langs': unknown language code 'de'; "
        "use some of ar, en, es, fr, ru, zh"
    )


def test_align_files_counts_must_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write_lines(tmp_path / "a.en", ["Article 1"])
    assert main(["align-files", "--langs", "en,fr", str(a)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "Error: 2 languages for 1 files"


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        assert re.search(rf"itu-corpus {name}\b", readme), f"{name} is not in the README"


def test_align_files_single_title_against_a_long_file(
    segmented: Docs, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One English title against 300 French lines holding its translation at 0 and 209."""

    def sentences(resolution: str, lang: Lang) -> list[str]:
        doc = segmented[(resolution, lang)]
        return [" ".join(s.text.split()) for s in doc.segments if s.level is Level.SENTENCE]

    en_title = sentences("udhr", "en")[0]
    fr_title, *udhr_fr = sentences("udhr", "fr")
    others = udhr_fr + sentences("130", "fr")
    others = (others * 2)[:298]
    french = [fr_title, *others[:208], fr_title, *others[208:]]
    assert len(french) == 300
    a = write_lines(tmp_path / "one.en", [en_title])
    b = write_lines(tmp_path / "three-hundred.fr", french)
    assert main(["align-files", "--langs", "en,fr", str(a), str(b)]) == 0
    beads = json.loads(capsys.readouterr().out)["en-fr"]
    [matched] = [bead for bead in beads if bead[0] == [0]]
    assert matched[1] in ([0], [209])
    assert sorted(j for bead in beads for j in bead[1]) == list(range(300))
    assert all(bead[0] == [] for bead in beads if bead is not matched)


def test_place_by_similarity_keeps_order_and_leaves_unrelated_lines_alone() -> None:
    from alignment.files import place_by_similarity

    sims = np.array(
        [
            [0.9, 0.1, 0.2, 0.8],  # best at 0 (and 3)
            [0.1, 0.2, 0.3, 0.1],  # like nothing: unmatched
            [0.7, 0.1, 0.1, 0.6],  # best at 0, but order puts it after row 0: column 3
        ],
        dtype=np.float32,
    )
    assert place_by_similarity(sims) == [0, None, 3]
