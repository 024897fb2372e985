"""Prefect tasks over ``corpus.fetch``: one URL per task run, retried when it may help.

Retries use exponential backoff and apply only to errors marked ``transient``
(timeouts, connection errors, 5xx): a 404 is never asked again. Counts and delays
come from the registry's ``[fetch]`` table, so tests set them near zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from corpus.errors import CorpusError
from corpus.fetch.acquire import FetchOne, Gathered, gather
from corpus.fetch.http import FetchPolicy, HttpResult, Validators, fetch_url
from corpus.fetch.registry import load_registry
from corpus.fetch.store import DEFAULT_RAW_STORE, RawStore
from corpus.model import Lang


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


def gather_sources(
    source: str,
    *,
    fallback: str | None = None,
    resolutions: Sequence[str] | None = None,
    languages: Sequence[Lang] | None = None,
    raw_store: Path | None = None,
    sources_config: Path | None = None,
    run_id: str | None = None,
) -> Gathered:
    """Every language version from ``source`` (gaps from ``fallback``), inside a flow."""
    registry = load_registry(sources_config)
    return gather(
        registry,
        source,
        fallback=fallback,
        resolutions=resolutions,
        langs=languages,
        store=RawStore(raw_store or DEFAULT_RAW_STORE),
        fetch_one=retrying_fetch(registry.policy),
        run_id=run_id,
    )


@flow(name="fetch_sources", log_prints=True)
def fetch_sources(
    source: str = "itu",
    resolutions: Sequence[str] | None = None,
    languages: Sequence[Lang] | None = None,
    raw_store: Path | None = None,
    sources_config: Path | None = None,
    fallback: str | None = None,
) -> Gathered:
    """Fetch the language versions into the raw store, without parsing (e.g. on a schedule)."""
    return gather_sources(
        source,
        fallback=fallback,
        resolutions=resolutions,
        languages=languages,
        raw_store=raw_store,
        sources_config=sources_config,
    )
