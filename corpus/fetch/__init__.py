"""Getting source files: the registry of sources, the HTTP fetcher, the raw store, validation.

- :mod:`corpus.fetch.registry`: where each language version of a document comes from
  (``sources.toml``; ITU document names by default; mirrors such as the bundled snapshot).
- :mod:`corpus.fetch.http`: one polite, conditional GET with errors marked transient or not.
- :mod:`corpus.fetch.store`: the content-addressed raw store and its log of fetches.
- :mod:`corpus.fetch.validate`: is the file what we asked for, and complete?
- :mod:`corpus.fetch.acquire`: each language in isolation, from source (and fallback) to
  bytes ready to parse, or the reason there are none.

No Prefect here: ``flows/fetch.py`` wraps the fetch of one URL in a task with retries.
"""

from corpus.fetch.acquire import Gathered, HttpAcquirer, LanguageResult, gather, read_mirror
from corpus.fetch.http import (
    FetchError,
    FetchPolicy,
    HttpResult,
    TransientFetchError,
    UnreachableError,
    Validators,
    fetch_url,
)
from corpus.fetch.registry import Registry, load_registry
from corpus.fetch.store import FetchRecord, FetchStatus, RawStore, read_fetch_log
from corpus.fetch.validate import Container, validate

__all__ = [
    "Container",
    "FetchError",
    "FetchPolicy",
    "FetchRecord",
    "FetchStatus",
    "Gathered",
    "HttpAcquirer",
    "HttpResult",
    "LanguageResult",
    "RawStore",
    "Registry",
    "TransientFetchError",
    "UnreachableError",
    "Validators",
    "fetch_url",
    "gather",
    "load_registry",
    "read_fetch_log",
    "read_mirror",
    "validate",
]
