"""Text as the command line shows it: one line, cut to a width."""

from __future__ import annotations


def clip(value: object, width: int) -> str:
    """``value`` on one line (white space folded), cut to ``width`` characters with an ellipsis.

    ``None`` is the empty string; a width of 0 never cuts.
    """
    text = "" if value is None else " ".join(str(value).split())
    return text if not width or len(text) <= width else text[: width - 1] + "…"
