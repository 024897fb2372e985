"""Which Prefect task runner executes the flow's tasks: threads, or Dask.

Threads (``ThreadPoolTaskRunner``) are the default: the encoder and NumPy release the GIL
for the heavy parts and nothing needs to be pickled. Dask (``prefect-dask``) runs the same
tasks on a cluster: an existing one by address, or a local cluster of worker processes.
"""

from __future__ import annotations

from typing import Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from corpus.errors import CorpusError


class RunnerError(CorpusError):
    """The task runner asked for cannot be built."""


def make_task_runner(
    kind: str = "thread",
    dask_address: str | None = None,
    dask_workers: int | None = None,
    threads: int | None = None,
) -> TaskRunner[Any]:
    """Build the task runner named ``kind`` (``thread`` or ``dask``).

    Args:
        kind: ``thread`` (the default) or ``dask``.
        dask_address: the scheduler of an existing Dask cluster, e.g. ``tcp://host:8786``.
        dask_workers: without an address, start a local Dask cluster of this many worker
            processes (one thread each); default 2.
        threads: worker threads of the thread runner (default: Prefect's).

    Raises:
        RunnerError: an unknown kind, or Dask options given to the thread runner.
    """
    if kind == "thread":
        if dask_address or dask_workers:
            raise RunnerError("--dask-address and --dask-workers need --runner dask")
        return ThreadPoolTaskRunner[Any](max_workers=threads)
    if kind != "dask":
        raise RunnerError(f"unknown runner {kind!r}; use thread or dask")
    from prefect_dask.task_runners import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": dask_workers or 2,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )
