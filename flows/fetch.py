"""Prefect tasks over ``corpus.fetch``: one URL per task run, retried when it may help.

Retries use exponential backoff and apply only to errors marked ``transient``
(timeouts, connection errors, 5xx): a 404 is never asked again. Counts and delays
come from the registry's ``[fetch]`` table, so tests set them near zero.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from corpus.errors import CorpusError
from corpus.fetch.acquire import FetchOne, Gathered
from corpus.fetch.http import FetchPolicy, HttpResult, Validators, fetch_url
from flows.config import RunConfig
from flows.pipeline import gather_sources


def is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect ``retry_condition_fn``: retry only errors marked transient."""
    exc = state.data
    if not isinstance(exc, BaseException):
        try:
            exc = state.result(raise_on_failure=False)
        except Exception:
            return False
    return isinstance(exc, CorpusError) and exc.transient


@task(name="fetch url", cache_policy=NO_CACHE, retry_condition_fn=is_transient)
def fetch_url_task(url: str, policy: FetchPolicy, validators: Validators | None) -> HttpResult:
    """One GET of ``url`` (conditional when ``validators`` are given)."""
    return fetch_url(url, policy, validators)


def retrying_fetch(policy: FetchPolicy) -> FetchOne:
    """``fetch_url_task`` with the policy's retries and exponential backoff."""
    fetch = fetch_url_task.with_options(
        retries=policy.retries, retry_delay_seconds=exponential_backoff(policy.backoff)
    )

    def fetch_one(url: str, validators: Validators | None) -> HttpResult:
        return fetch(url, policy, validators)

    return fetch_one


@flow(name="fetch_sources", log_prints=True)
def fetch_sources(config: RunConfig = RunConfig(source="itu")) -> Gathered:  # noqa: B008
    """Fetch the configured language versions into the raw store, without parsing."""
    return gather_sources(config, fetcher=retrying_fetch)
