"""Pieces every parser shares: strict decoding, the text-and-offsets builder, labels.

Each parser builds ``Document.text`` itself and every block is a slice of it, so the
offsets later stages keep (segments, sentences) point back into one string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from corpus.errors import InputError
from corpus.labels import ROMAN_NUMERALS, Label, parse_label
from corpus.model import Block, BlockKind, Lang, SourceFile

_HTML_SPACE: Final[re.Pattern[str]] = re.compile(r"[ \t\r\n\f]+")
_ROMAN: Final[frozenset[str]] = frozenset(ROMAN_NUMERALS)


#: Control characters no source text holds: C0 controls but tab, line feed, form feed and
#: carriage return; DEL; C1 controls (UTF-8 ``C2 80``-``C2 9F``, mojibake of a wrong
#: decoding). A NUL stored in a segment would make the TMX export fail, so they are refused.
_CONTROL: Final[re.Pattern[bytes]] = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")


def check_controls(data: bytes, where: str) -> None:
    """Refuse bytes holding a control character, naming the first and its byte offset.

    Raises:
        InputError: a NUL or another control character (see :data:`_CONTROL`).
    """
    found = _CONTROL.search(data)
    if found is not None:
        char = found.group().decode("utf-8", errors="replace")
        name = "NUL" if char == "\x00" else f"control character U+{ord(char):04X}"
        raise InputError(f"{name} at byte {found.start()}; not a text source", path=where)


def decode_utf8(data: bytes, source: SourceFile) -> str:
    """Decode strictly: a wrong byte means a wrong file, never something to paper over.

    Raises:
        InputError: bytes that are not UTF-8 (with the offset of the first bad byte),
            a control character (with its offset), or a file that is empty or only
            whitespace.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 at byte {exc.start}", path=source.path) from None
    check_controls(data, source.path)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError("file is empty", path=source.path)
    return text


def collapse_space(text: str) -> str:
    """Collapse markup whitespace (HTML/XML spaces only, so no-break spaces survive)."""
    return _HTML_SPACE.sub(" ", text).strip()


@dataclass
class TextBuilder:
    """Accumulates ``Document.text`` and blocks whose offsets index into it."""

    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pos: int = 0

    def add_unit(self, text: str) -> int:
        """Append one unit of text (a line, an XML ``<p>``) and return its offset."""
        start = self.pos
        self.parts.append(text + "\n")
        self.pos += len(text) + 1
        return start

    def add(
        self,
        kind: BlockKind,
        section: str,
        text: str,
        *,
        label: str | None = None,
        label_key: str | None = None,
        parent_label_key: str | None = None,
        meta: tuple[tuple[str, str], ...] = (),
    ) -> Block:
        """Append ``text`` as a unit of its own and as one block covering it."""
        start = self.add_unit(text)
        return self.add_slice(
            kind,
            section,
            start,
            start + len(text),
            label=label,
            label_key=label_key,
            parent_label_key=parent_label_key,
            meta=meta,
        )

    def add_slice(
        self,
        kind: BlockKind,
        section: str,
        start: int,
        end: int,
        *,
        label: str | None = None,
        label_key: str | None = None,
        parent_label_key: str | None = None,
        meta: tuple[tuple[str, str], ...] = (),
        key: str | None = None,
    ) -> Block:
        """Add a block over ``[start, end)`` of the text so far, trimmed of edge spaces."""
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        block = Block(
            kind=kind,
            section=section,
            text=text[start:end],
            start=start,
            end=end,
            label=label,
            label_key=label_key,
            parent_label_key=parent_label_key,
            meta=meta,
            key=key,
        )
        self.blocks.append(block)
        return block

    @property
    def text(self) -> str:
        """The document text built so far."""
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""


@dataclass(frozen=True, slots=True)
class ClauseInfo:
    """Where a labelled clause sits: its label, key, parent and label metadata."""

    label: Label
    parent_key: str | None
    meta: tuple[tuple[str, str], ...]


@dataclass
class ClauseTracker:
    """Follows the labels of one section to tell clauses, sub-items and bullets apart.

    One tracker per section: numbering restarts with each heading.
    """

    lang: Lang
    section: str
    main: Label | None = None
    sub: Label | None = None
    bullets: int = 0
    seen: set[tuple[str | None, str]] = field(default_factory=set)
    duplicates: list[str] = field(default_factory=list)

    def classify(self, raw: str) -> ClauseInfo:
        """Parse ``raw`` in the context of the labels before it.

        Raises:
            ValueError: ``raw`` is not a label.
        """
        bare = raw.strip().rstrip(")").strip().lower()
        if self.sub is not None and bare in _ROMAN:
            label = parse_label(raw, self.lang, after=self.sub)
        else:
            label = parse_label(raw, self.lang, after=self.main)
        meta: tuple[tuple[str, str], ...] = ()
        if label.kind == "bullet":
            self.bullets += 1
            holder = self.sub or self.main
            parent = holder.key if holder is not None else None
            label = Label(label.raw, f"bullet-{self.bullets}", "bullet")
        elif label.kind == "roman" and self.main is not None:
            parent = self.main.key
            self.sub, self.bullets = label, 0
        else:
            parent = None
            self.main, self.sub, self.bullets = label, None, 0
        if label.old_key is not None and label.new_key is not None:
            meta = (
                ("old_label", label.old_key),
                ("new_label", label.new_key),
                (
                    "revision_residue",
                    f"compound label {raw.strip()} = {label.old_key} -> {label.new_key}",
                ),
            )
        ident = (parent, label.key)
        if ident in self.seen:
            where = f" under {parent}" if parent else ""
            self.duplicates.append(
                f"section {self.section}: label key {label.key!r}{where} occurs twice"
                f" (second label {raw.strip()!r})"
            )
        self.seen.add(ident)
        return ClauseInfo(label, parent, meta)

    def next_number(self) -> int | None:
        """The number the next main clause should carry, if the list is numbered."""
        if self.main is None or self.main.kind != "number":
            return None
        head = self.main.key.split("-", 1)[0]
        return int(head) + 1 if head.isdigit() else None

    def next_roman(self) -> str:
        """The roman numeral the next sub-item should carry."""
        if self.sub is None or self.sub.key not in ROMAN_NUMERALS:
            return "i"
        index = ROMAN_NUMERALS.index(self.sub.key) + 1
        return ROMAN_NUMERALS[index] if index < len(ROMAN_NUMERALS) else ""
