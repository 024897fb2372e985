"""Hostile or unlucky input: control characters, oversized sources, symlinks, odd export
targets, and the one-line errors of the command line."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.errors import DatabaseError, InputError
from corpus.fetch import read_mirror
from corpus.fetch.http import FetchPolicy
from corpus.fetch.registry import MirrorSource
from corpus.manifest import BUNDLED_SOURCES, read_manifest
from corpus.model import SourceFile
from corpus.parse import parse_document
from flows.cli import main
from warehouse.export import TmxUnit, read_tmx, write_tmx

FR_TEXT = BUNDLED_SOURCES / "itu-res130" / "fr.mod-proposal.S22-PP-C-0076-A35.txt"


def res130_fr() -> SourceFile:
    [source] = [
        s
        for s in read_manifest(BUNDLED_SOURCES / "manifest.toml")
        if (s.resolution, s.lang) == ("130", "fr")
    ]
    return source


def write_mirror(folder: Path, name: str, data: bytes, fmt: str = "flattened-text") -> Path:
    """A mirror folder whose manifest pins ``name`` (a file or a link) to ``data``."""
    folder.mkdir(exist_ok=True)
    (folder / "manifest.toml").write_text(
        f'[[file]]\nresolution = "130"\nlang = "fr"\nformat = "{fmt}"\npath = "{name}"\n'
        f'sha256 = "{hashlib.sha256(data).hexdigest()}"\nversion = "v"\n'
        'provenance = "test"\nlicence = "test"\n',
        encoding="utf-8",
    )
    return folder / "manifest.toml"


# --- sources -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("insert", "problem"),
    [
        (b"\x00", "NUL"),
        (b"\x1b", "control character U+001B"),
        (b"\x7f", "control character U+007F"),
        ("\u0085".encode(), "control character U+0085"),
    ],
)
def test_control_characters_are_refused_with_their_offset(insert: bytes, problem: str) -> None:
    data = FR_TEXT.read_bytes()
    at = data.index("sécurité".encode())
    bad = data[:at] + insert + data[at:]
    source = res130_fr()
    with pytest.raises(InputError) as info:
        parse_document(source, bad)
    assert str(info.value) == f"{source.path}: {problem} at byte {at}; not a text source"


def test_a_nul_never_reaches_the_tmx(tmp_path: Path) -> None:
    # Even a unit built by hand: the writer refuses it and leaves no file behind.
    out = tmp_path / "x.tmx"
    with pytest.raises(DatabaseError, match="group g1: All strings must be XML compatible"):
        write_tmx(out, [TmxUnit("g1", (), {"en": "a\x00b"})])
    assert list(tmp_path.iterdir()) == []


def test_a_symlink_leaving_the_mirror_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(FR_TEXT.read_bytes())
    mirror = tmp_path / "mirror"
    manifest = write_mirror(mirror, "fr.txt", outside.read_bytes())
    (mirror / "fr.txt").symlink_to(outside)
    [result] = read_mirror(MirrorSource("m", manifest))
    assert not result.ok and result.bytes_at is None
    assert result.reason == "fr.txt: a symbolic link leading outside the folder; refused"


def test_a_symlink_inside_the_mirror_folder_is_read(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    manifest = write_mirror(mirror, "fr.txt", FR_TEXT.read_bytes())
    (mirror / "real.txt").write_bytes(FR_TEXT.read_bytes())
    (mirror / "fr.txt").symlink_to(mirror / "real.txt")
    [result] = read_mirror(MirrorSource("m", manifest))
    assert result.read() == FR_TEXT.read_bytes()


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    data = FR_TEXT.read_bytes()
    mirror = tmp_path / "mirror"
    manifest = write_mirror(mirror, "fr.txt", data)
    (mirror / "fr.txt").write_bytes(data)
    [small] = read_mirror(MirrorSource("m", manifest), policy=FetchPolicy(max_text_bytes=1000))
    assert small.reason == (
        f"fr.txt: {len(data)} bytes, more than the 1000 allowed for a text source "
        "(raise [fetch] max_text_bytes in a sources config to read it)"
    )
    [read] = read_mirror(MirrorSource("m", manifest), policy=FetchPolicy())
    assert read.read() == data


# --- export targets --------------------------------------------------------------------------


@pytest.fixture
def db(empty_db: Path) -> Path:
    return empty_db


def test_export_replaces_a_regular_file_atomically(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.tmx"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    assert main(["export", "tmx", str(out), "--db", str(db)]) == 0
    assert read_tmx(out).units == ()
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.duckdb", "out.tmx"]


@pytest.mark.parametrize("kind", ["symlink", "folder", "fifo", "device"])
@pytest.mark.parametrize("command", ["tmx", "tbx", "parquet"])
def test_export_refuses_what_is_not_a_regular_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, command: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    kept = tmp_path / "kept.txt"
    kept.write_text("keep me", encoding="utf-8")
    name = "parallel.parquet" if command == "parquet" else f"x.{command}"
    target = folder / name
    described = {"symlink": "symbolic link", "folder": "folder", "fifo": "named pipe"}
    if kind == "symlink":
        target.symlink_to(kept)
    elif kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target = Path("/dev/null")
        if command == "parquet":
            pytest.skip("a Parquet export names files inside a folder")
    described["device"] = "device"
    args = ["export", command, str(folder if command == "parquet" else target)]
    if command != "tbx":
        args += ["--db", str(db)]
    if kind == "folder" and command != "parquet":  # click refuses it first, a usage error
        assert main(args) == 2
        assert capsys.readouterr().err.endswith(f"File '{target}' is a directory.\n")
        assert target.is_dir()
        return
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == (
        f"Error: {target}: is a {described[kind]}, not a regular file; exports only replace "
        "regular files (give another path)\n"
    )
    assert kept.read_text(encoding="utf-8") == "keep me"
    if kind == "symlink":
        assert target.is_symlink()
    if kind == "device":
        assert target.is_char_device()
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]


# --- one-line errors -----------------------------------------------------------------------


def test_export_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "x.tbx"
    assert main(["export", "tbx", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.parametrize("command", ["tmx", "tbx"])
def test_export_below_a_file_is_one_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    (tmp_path / "file").write_text("a file", encoding="utf-8")
    out = tmp_path / "file" / f"x.{command}"
    args = ["export", command, str(out)] + (["--db", str(db)] if command == "tmx" else [])
    assert main(args) == 1
    assert capsys.readouterr().err == f"Error: {out}: cannot write it: Not a directory\n"


def test_concordance_limit_must_not_be_negative(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["concordance", "rights", "--lang", "en", "--limit", "-1", "--db", str(db)]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "Error: Invalid value for '--limit': -1 is not in the range x>=0."
    )


def test_unforeseen_errors_are_one_line_unless_debug(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import warehouse.export

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(warehouse.export, "export_tmx", broken)
    out = str(tmp_path / "x.tmx")
    assert main(["export", "tmx", out, "--db", str(db)]) == 1
    assert capsys.readouterr().err == (
        "Error: RuntimeError: disk on fire (run with --debug for the traceback)\n"
    )
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["--debug", "export", "tmx", out, "--db", str(db)])
    main(["export", "tmx", out, "--db", str(db)])  # --debug does not stick
    assert "Error: RuntimeError" in capsys.readouterr().err


# --- align-files at scale ----------------------------------------------------------------------


def test_aligning_does_not_import_torch() -> None:
    """Bertalign's core aligns without torch (470 MB a process), and reaches it when used.

    In a fresh interpreter, since this session may have imported torch already.
    """
    code = """
import sys
import numpy as np
from alignment.bertalign_core import BertalignParams, Windows, _corelib, align_pair, top_k_similar

rng = np.random.default_rng(3)
one = rng.standard_normal((12, 64)).astype(np.float32)
one /= np.linalg.norm(one, axis=1, keepdims=True)
two = np.zeros_like(one)  # windows of two items: their normalised sum
two[1:] = one[1:] + one[:-1]
two[1:] /= np.linalg.norm(two[1:], axis=1, keepdims=True)
vecs = np.stack([one, two])
lens = np.array([[40] * 12, [0] + [80] * 11], dtype=np.int64)
beads = align_pair(Windows(vecs, lens), Windows(vecs, lens), BertalignParams(max_align=2))
assert beads == [([i], [i]) for i in range(12)], beads
assert "torch" not in sys.modules, "aligning imported torch"
scores, indices = _corelib().find_top_k_sents(one, one, k=3)
assert np.array_equal(indices, top_k_similar(one, one, 3)[1])
assert type(sys.modules["torch"]).__name__ == "module", "the core's first use loads torch"
"""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_top_k_in_blocks_is_bertalign_s_top_k() -> None:
    """Blocks of rows give what bertalign's one big matrix gives, across block borders."""
    import numpy as np
    from bertalign import corelib

    from alignment.bertalign_core import TOP_K_BLOCK, top_k_similar

    rng = np.random.default_rng(7)
    src = rng.standard_normal((2 * TOP_K_BLOCK + 17, 32)).astype(np.float32)
    tgt = rng.standard_normal((300, 32)).astype(np.float32)
    scores, indices = top_k_similar(src, tgt, 3)
    want_scores, want_indices = corelib.find_top_k_sents(src, tgt, k=3)
    assert np.array_equal(indices, want_indices)
    assert np.allclose(scores, want_scores, atol=1e-5)
