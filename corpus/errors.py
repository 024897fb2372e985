"""Errors that reach users: each names the file and the problem in one line.

Every stage raises a subclass of :class:`CorpusError`. ``transient`` tells the
orchestration layer whether a retry can help (timeouts, server errors) or not
(bad input), the way Prefect retries are configured.
"""

from __future__ import annotations


class CorpusError(Exception):
    """Base class: a problem with one input, named by its path and language."""

    transient: bool = False

    def __init__(
        self,
        problem: str,
        *,
        path: str | None = None,
        lang: str | None = None,
        position: str | None = None,
    ) -> None:
        """Keep the details as attributes and build the one-line message."""
        self.problem = problem
        self.path = path
        self.lang = lang
        self.position = position
        where = path or (f"[{lang}]" if lang else "")
        if position:
            where = f"{where}:{position}" if where else position
        super().__init__(f"{where}: {problem}" if where else problem)


class InputError(CorpusError):
    """The input cannot be used as it is: missing, empty, undecodable, malformed."""


class UnknownLanguageError(InputError):
    """A language code outside the six official ones."""


class EncoderUnavailableError(CorpusError):
    """The configured sentence encoder cannot be loaded from local files."""


class DatabaseError(CorpusError):
    """The warehouse cannot be read or written as asked."""
