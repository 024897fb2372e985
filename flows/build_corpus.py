"""The ``build_corpus`` Prefect flow: the plain pipeline, its steps submitted as tasks.

Only orchestration lives here. :func:`flows.pipeline.build` holds the wiring; the flow
runs it with :class:`TaskSteps`, which submits each resolution's parse and its
embedding and alignment as a task to the flow's task runner (threads by
default, Dask on request: see :mod:`flows.runners`), fetches each URL as a retried task,
and keeps the load as one task at the end, the single writer of the warehouse.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

from prefect import Task, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote

from corpus.fetch.acquire import FetchOne
from corpus.fetch.http import FetchPolicy
from flows.config import RunConfig
from flows.fetch import retrying_fetch
from flows.pipeline import (
    RunReport,
    align_resolution,
    build,
    load,
    load_batch,
    parse_resolution,
    write_pages,
)
from flows.runners import make_task_runner

T = TypeVar("T")

#: Each step of the pipeline that runs as a task, with the task's name in the UI.
TASKS: Final[dict[Callable[..., Any], Task[..., Any]]] = {
    parse_resolution: task(name="parse", cache_policy=NO_CACHE)(parse_resolution),
    align_resolution: task(name="embed and align", cache_policy=NO_CACHE)(align_resolution),
    load_batch: task(name="load", cache_policy=NO_CACHE)(load_batch),
    load: task(name="record and check", cache_policy=NO_CACHE)(load),
    write_pages: task(name="report", cache_policy=NO_CACHE)(write_pages),
}


class TaskSteps:
    """The pipeline's steps as tasks of the running flow."""

    def log(self) -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
        """The flow run's logger (shown in the Prefect UI)."""
        logger = get_run_logger()
        assert isinstance(logger, logging.Logger | logging.LoggerAdapter)
        return logger

    def fetcher(self, policy: FetchPolicy) -> FetchOne | None:
        """One task per URL, retried with backoff when the error is transient."""
        return retrying_fetch(policy)

    def call(self, step: Callable[..., T], *args: Any) -> T:
        """Run the step's task and wait for it."""
        return cast(T, TASKS[step](*_quoted(args)))

    def submit(self, step: Callable[..., T], calls: Sequence[tuple[Any, ...]]) -> Submitted[T]:
        """Submit one task per call to the task runner."""
        return Submitted([TASKS[step].submit(*_quoted(args)) for args in calls])


@dataclass(frozen=True, slots=True)
class Submitted[R]:
    """Tasks submitted to the flow's task runner."""

    futures: list[PrefectFuture[R]]

    def results(self) -> list[R | Exception]:
        """Wait for every task: each result, or the exception it raised."""
        out: list[R | Exception] = []
        for future in self.futures:
            try:
                out.append(future.result())
            except Exception as exc:  # the pipeline decides what a failure means
                out.append(exc)
        return out


def _quoted(args: Sequence[Any]) -> list[quote]:
    """Arguments that Prefect passes on as they are.

    Unquoted, Prefect walks every segment and group of a run looking for futures:
    seconds per run, growing with its size.
    """
    return [quote(arg) for arg in args]


@flow(name="build_corpus", log_prints=True)
def build_corpus(config: RunConfig = RunConfig()) -> RunReport:  # noqa: B008 - frozen
    """Build the corpus as ``config`` asks (see :class:`flows.config.RunConfig`)."""
    return build(config, TaskSteps())


def run_flow(config: RunConfig) -> RunReport:
    """Run ``build_corpus`` on the task runner the configuration names."""
    runner = make_task_runner(config.runner, config.dask_address, config.dask_workers)
    return build_corpus.with_options(task_runner=runner)(config)
