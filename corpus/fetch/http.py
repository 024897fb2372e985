"""Fetching one URL over HTTP, politely, with conditional requests and classified errors.

This module knows nothing of Prefect: it makes one attempt and says, through the error
it raises, whether another attempt could help (``transient``: timeouts, connection
errors, 5xx, 408 and 429) or not (any other 4xx, a body too large). The orchestration
layer (``flows/fetch.py``) retries the transient ones with exponential backoff.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.metadata import version
from typing import Final
from urllib.parse import urlsplit

import httpx

from corpus.errors import CorpusError
from corpus.manifest import MAX_SOURCE_BYTES, MAX_TEXT_BYTES

#: Said to every server we ask; ``{version}`` becomes the package version.
DEFAULT_USER_AGENT: Final[str] = (
    "itu-corpus/{version} (parallel corpus of ITU resolutions; one request at a time)"
)

#: 4xx statuses that mean "ask again later" rather than "this will never work".
_RETRYABLE_4XX: Final[frozenset[int]] = frozenset({408, 429})
#: 4xx statuses that mean the document is not there.
_GONE: Final[frozenset[int]] = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How we talk to servers: timeouts, user agent, retries, size limit.

    ``timeout`` is the longest wait for any read (headers or a chunk of the body),
    ``deadline`` the longest a whole download may take. ``retries`` and ``backoff``
    (seconds before the first retry, doubled each time) are applied by the
    orchestration layer, to transient errors only.
    """

    timeout: float = 30.0
    connect_timeout: float = 10.0
    deadline: float = 300.0
    user_agent: str = DEFAULT_USER_AGENT
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int = MAX_SOURCE_BYTES
    #: Text sources (HTML, XML, plain text) larger than this are not parsed.
    max_text_bytes: int = MAX_TEXT_BYTES

    def agent(self) -> str:
        """The User-Agent header, with the package version filled in."""
        return self.user_agent.replace("{version}", version("itu-corpus"))


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server told us about the copy we hold, sent back to ask "changed since?"."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request headers (empty when we hold nothing)."""
        out: dict[str, str] = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True, slots=True)
class HttpResult:
    """The answer to one request: a body (200) or "not modified" (304, ``content`` None)."""

    url: str
    status: int
    content: bytes | None
    content_type: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """Whether the server said our copy is still current."""
        return self.status == 304


class FetchError(CorpusError):
    """A URL could not be fetched; permanent unless a subclass says otherwise.

    ``http_status`` is the status the server answered with, None when it never answered;
    ``gone`` is true when the server says the document is not there (404, 410).
    """

    def __init__(self, problem: str, *, url: str, http_status: int | None = None) -> None:
        super().__init__(problem, path=url)
        self.url = url
        self.http_status = http_status
        self.gone = http_status in _GONE


class TransientFetchError(FetchError):
    """A failure another attempt may cure: a timeout, a dropped connection, a 5xx."""

    transient = True


class UnreachableError(TransientFetchError):
    """No connection could be made to the host at all (refused, no route, no DNS)."""

    @property
    def host(self) -> str:
        """The host (and port) we could not reach."""
        return urlsplit(self.url).netloc


def fetch_url(url: str, policy: FetchPolicy, validators: Validators | None = None) -> HttpResult:
    """Make one GET request for ``url``, conditional when ``validators`` are given.

    Raises:
        UnreachableError: no connection could be made (transient).
        TransientFetchError: a timeout, a dropped connection, 5xx, 408 or 429.
        FetchError: any other 4xx (``gone`` for 404/410), a redirect loop, a body larger
            than ``policy.max_bytes`` (permanent).
    """
    headers = {"User-Agent": policy.agent(), "Accept": "*/*"}
    if validators:
        headers |= validators.headers()
    timeout = httpx.Timeout(policy.timeout, connect=policy.connect_timeout)
    started = time.monotonic()
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code == 304:
                return _result(url, response, None)
            _check_status(url, response)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > policy.max_bytes:
                    raise FetchError(
                        f"larger than {policy.max_bytes} bytes; not downloaded", url=url
                    )
                if time.monotonic() - started > policy.deadline:
                    raise TransientFetchError(
                        f"download took longer than {policy.deadline:g} s", url=url
                    )
            return _result(url, response, bytes(body))
    except httpx.ConnectTimeout:
        raise UnreachableError(
            f"no connection within {policy.connect_timeout:g} s", url=url
        ) from None
    except httpx.ConnectError as exc:
        raise UnreachableError(f"cannot connect ({_reason(exc)})", url=url) from None
    except httpx.TimeoutException:
        raise TransientFetchError(
            f"no answer within the {policy.timeout:g} s timeout", url=url
        ) from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects", url=url) from None
    except httpx.TransportError as exc:
        raise TransientFetchError(f"transfer failed ({_reason(exc)})", url=url) from None


def _check_status(url: str, response: httpx.Response) -> None:
    """Raise the classified error for any status other than 200-299."""
    code = response.status_code
    if 200 <= code < 300:
        return
    problem = f"HTTP {code} {response.reason_phrase}".rstrip()
    if code >= 500 or code in _RETRYABLE_4XX:
        raise TransientFetchError(problem, url=url, http_status=code)
    raise FetchError(problem, url=url, http_status=code)


def _result(url: str, response: httpx.Response, content: bytes | None) -> HttpResult:
    ctype = response.headers.get("Content-Type")
    return HttpResult(
        url=url,
        status=response.status_code,
        content=content,
        content_type=ctype.split(";")[0].strip().lower() if ctype else None,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )


def _reason(exc: Exception) -> str:
    """The innermost reason of a transport error, e.g. ``[Errno 111] Connection refused``."""
    text = str(exc).strip()
    return text or type(exc).__name__
