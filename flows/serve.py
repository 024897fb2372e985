"""Serving the corpus build on a schedule: a Prefect deployment and the process that runs it.

``corpus_schedule`` is the flow a deployment points at: its parameters are those of
``build_corpus`` plus the task runner, all plain JSON values read from the configuration
file (:mod:`corpus.config`), so the Prefect server stores them and the UI shows them. It
builds the runner and calls ``build_corpus`` on it as a subflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from alignment.encoders import DEFAULT_ENCODER
from alignment.store import DEFAULT_CACHE_DIR
from corpus.config import RunConfig
from corpus.model import Lang
from flows.build_corpus import build_corpus
from flows.runners import make_task_runner

#: The name of the deployment unless the configuration names it.
DEPLOYMENT_FLOW = "corpus_schedule"


@flow(name=DEPLOYMENT_FLOW, log_prints=True)
def corpus_schedule(
    db: str = "data/itu-corpus.duckdb",
    source: str = "snapshot",
    fallback: str | None = None,
    resolutions: Sequence[str] | None = None,
    languages: Sequence[Lang] | None = None,
    encoder: str = DEFAULT_ENCODER,
    cache_dir: str | None = str(DEFAULT_CACHE_DIR),
    raw_store: str | None = None,
    sources_config: str | None = None,
    runner: str = "thread",
    dask_address: str | None = None,
    dask_workers: int | None = None,
) -> dict[str, Any]:
    """Run ``build_corpus`` with the configured task runner; return the run's summary."""
    build = build_corpus.with_options(
        task_runner=make_task_runner(runner, dask_address, dask_workers)
    )
    report = build(
        db=Path(db),
        source=source,
        fallback=fallback,
        resolutions=resolutions,
        languages=languages,
        encoder=encoder,
        cache_dir=Path(cache_dir) if cache_dir else None,
        raw_store=Path(raw_store) if raw_store else None,
        sources_config=Path(sources_config) if sources_config else None,
    )
    summary = {
        "run_id": report.run_id,
        "documents": report.documents,
        "groups": report.groups,
        "embedded": report.embedded,
        "skipped": report.skipped,
        "missing": report.missing,
    }
    print(f"run {report.run_id}: {summary}")
    return summary


def make_deployment(config: RunConfig, cron: str | None = None) -> RunnerDeployment:
    """The deployment of ``corpus_schedule`` with the configuration's parameters.

    ``cron`` (or the configuration's ``[schedule] cron``) becomes its schedule; without
    either the deployment has none and runs only when triggered.
    """
    when = cron or config.cron
    schedule = Cron(when, timezone=config.timezone) if when else None
    deployment = corpus_schedule.to_deployment(
        name=config.name,
        schedule=schedule,
        parameters=config.flow_parameters(),
        description="Scheduled, incremental build of the itu-corpus warehouse.",
        tags=["itu-corpus"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    assert isinstance(deployment, RunnerDeployment)  # to_deployment is sync here
    return deployment


def serve_corpus(config: RunConfig, cron: str | None = None) -> None:
    """Register the deployment with the Prefect API and run its flow runs until stopped."""
    from prefect import serve

    serve(make_deployment(config, cron), print_starting_message=True)
