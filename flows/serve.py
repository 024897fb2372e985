"""Serving the corpus build on a schedule: a Prefect deployment and the process that runs it.

``corpus_schedule`` is the flow a deployment points at. Its one parameter is the run's
:class:`flows.config.RunConfig`, read from the configuration file and stored by the
Prefect server as JSON (the UI shows it field by field), so a scheduled run can do
whatever ``itu-corpus run`` does, a full rebuild (``incremental = false``) included. It
builds the task runner the configuration names and calls ``build_corpus`` on it as a
subflow.
"""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.build_corpus import run_flow
from flows.config import ConfigFile, RunConfig

#: The name of the deployment unless the configuration names it.
DEPLOYMENT_FLOW = "corpus_schedule"


@flow(name=DEPLOYMENT_FLOW, log_prints=True)
def corpus_schedule(config: RunConfig = RunConfig()) -> dict[str, Any]:  # noqa: B008 - frozen
    """Run ``build_corpus`` with the configured task runner; return the run's summary."""
    report = run_flow(config)
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


def make_deployment(config: ConfigFile, cron: str | None = None) -> RunnerDeployment:
    """The deployment of ``corpus_schedule`` with the configuration's run as its parameter.

    ``cron`` (or the configuration's ``[schedule] cron``) becomes its schedule; without
    either the deployment has none and runs only when triggered.
    """
    when = cron or config.schedule.cron
    schedule = Cron(when, timezone=config.schedule.timezone) if when else None
    deployment = corpus_schedule.to_deployment(
        name=config.schedule.name,
        schedule=schedule,
        parameters={"config": config.run.to_json()},
        description="Scheduled build of the itu-corpus warehouse (incremental unless "
        "the configuration says incremental = false).",
        tags=["itu-corpus"],
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    assert isinstance(deployment, RunnerDeployment)  # to_deployment is sync here
    return deployment


def serve_corpus(config: ConfigFile, cron: str | None = None) -> None:
    """Register the deployment with the Prefect API and run its flow runs until stopped."""
    from prefect import serve

    serve(make_deployment(config, cron), print_starting_message=True)
