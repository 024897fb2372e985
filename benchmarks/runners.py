"""Thread runner against a local Dask cluster: 12 documents, same warehouse either way.

The bundled documents are mirrored under distinct resolution ids (``udhr-01``..,
``130-01``..; by default three copies of each in English and French, 12 documents, six
resolutions), then built twice from scratch: with the local thread runner and with a
local Dask cluster of 2 worker processes (prefect-dask). Both flow times are printed and
the warehouses compared: the ``parallel`` and ``pairs`` views and the segments must be
identical (run ids aside). Embeddings are not stored between the two builds, so both
embed everything.

    .venv/bin/python benchmarks/runners.py [--copies 3] [--langs en,fr] [--workers 2]
"""

# ruff: noqa: E402 - the environment is set before Prefect is imported
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

from corpus.environment import stay_offline

stay_offline()
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")

from prefect.testing.utilities import prefect_test_harness

from corpus.manifest import BUNDLED_SOURCES
from flows.build_corpus import run_flow
from flows.config import RunConfig
from warehouse.db import query

#: What is compared: every user view and table that a run fills, without run ids.
COMPARED = {
    "parallel": "SELECT * FROM parallel ORDER BY ALL",
    "pairs": "SELECT * FROM pairs ORDER BY ALL",
    "segments": "SELECT * EXCLUDE (run_id) FROM segments ORDER BY ALL",
    "documents": "SELECT * EXCLUDE (run_id) FROM documents ORDER BY ALL",
}


def write_mirror(root: Path, copies: int, langs: list[str]) -> Path:
    """Copy the bundled files once and list them ``copies`` times under distinct ids."""
    shutil.copytree(BUNDLED_SOURCES, root)
    manifest = tomllib.loads((root / "manifest.toml").read_text(encoding="utf-8"))
    lines: list[str] = []
    for n in range(1, copies + 1):
        for entry in manifest["file"]:
            if entry["lang"] not in langs:
                continue
            lines.append("[[file]]")
            for key, value in entry.items():
                if key == "resolution":
                    value = f"{value}-{n:02d}"
                lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
            lines.append("")
    (root / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")
    return root / "manifest.toml"


def build(manifest: Path, db: Path, runner: str, workers: int) -> tuple[float, Any]:
    config = RunConfig(
        db=db,
        source=str(manifest),
        embedding_cache=None,
        runner=runner,
        dask_workers=workers if runner == "dask" else None,
    )
    started = time.perf_counter()
    report = run_flow(config)
    return time.perf_counter() - started, report


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    return {name: query(db, sql)[1] for name, sql in COMPARED.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of each resolution")
    parser.add_argument("--langs", default="en,fr", help="languages (default en,fr)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers")
    parser.add_argument("--keep", type=Path, help="keep the mirror and databases here")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="runners-"))
    manifest = write_mirror(work / "mirror", args.copies, args.langs.split(","))
    times: dict[str, float] = {}
    with prefect_test_harness(server_startup_timeout=180):
        for runner in ("thread", "dask"):
            seconds, report = build(manifest, work / f"{runner}.duckdb", runner, args.workers)
            times[runner] = seconds
            label = "threads" if runner == "thread" else f"dask, {args.workers} workers"
            print(
                f"{label:<18} {seconds:7.1f} s  {report.documents} documents, "
                f"{len(report.stats.resolutions) if report.stats else 0} resolutions, "
                f"{report.groups} groups, {report.embedded} embedded"
            )
    a, b = contents(work / "thread.duckdb"), contents(work / "dask.duckdb")
    same = a == b
    for name in COMPARED:
        print(
            f"{name:<10} {len(a[name]):6d} rows  {'identical' if a[name] == b[name] else 'DIFFER'}"
        )
    print(f"dask / threads: {times['dask'] / times['thread']:.2f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
