"""From text to :class:`~conceptmap.model.ConceptMap`.

``parse_document(text, path=...)`` finds every flowchart in a Markdown document (or reads a
bare Mermaid file) and returns a :class:`Document` with one map per flowchart block.
``parse_map`` is the common case: one map, picked by ``block``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conceptmap.errors import Diagnostic, InputError, MapSyntaxError
from conceptmap.labels import plural
from conceptmap.model import ConceptMap
from conceptmap.parse.flowchart import detect_diagram_type, parse_flowchart
from conceptmap.parse.legend import parse_legend
from conceptmap.parse.markdown import MermaidBlock, scan_markdown

__all__ = ["Document", "decode_bytes", "parse_document", "parse_map"]

MERMAID_SUFFIXES = (".mmd", ".mermaid")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Document:
    """A parsed file: its text and one map per flowchart block."""

    path: str
    text: str
    maps: tuple[ConceptMap, ...]
    #: Non-flowchart Mermaid blocks that were skipped: (fence line, diagram type).
    skipped: tuple[tuple[int, str], ...] = field(default=())
    is_markdown: bool = True
    #: The Mermaid text of each map and where it starts (one per map; empty for a
    #: Document built by hand).
    blocks: tuple[MermaidBlock, ...] = field(default=())
    #: Flowchart blocks left empty because they are not valid Mermaid: only when the
    #: caller asked for one other block (``parse_document(..., block=N)``).
    broken: tuple[int, ...] = field(default=())

    def map(self, block: int | None = None) -> ConceptMap:
        """Flowchart block *block* (0-based), or the first one; InputError if out of range."""
        if block is None:
            return self.maps[0]
        if not 0 <= block < len(self.maps):
            raise InputError(
                f"block {block} out of range: the document has "
                f"{plural(len(self.maps), 'flowchart block')}",
                path=self.path,
            )
        return self.maps[block]


def decode_bytes(data: bytes, *, path: str) -> str:
    """UTF-8 (with or without BOM) to str, or a one-line :class:`InputError`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at line {line}); "
            "save the file as UTF-8",
            path=path,
        ) from None
    return text


#: The ASCII bytes `_CONTROL_RE` allows (everything but those control characters).
_ASCII_ALLOWED = bytes(i for i in range(128) if not _CONTROL_RE.match(chr(i)))


def _check_controls(text: str, path: str) -> None:
    # ASCII text (the usual case) is checked with bytes.translate, ~5x faster than the
    # regex over a big file; only text that holds a control character is searched.
    if text.isascii() and not text.encode("ascii").translate(None, _ASCII_ALLOWED):
        return
    m = _CONTROL_RE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        raise InputError(
            f"{line}:{col}: control character U+{ord(m.group()):04X} in the text; "
            "is this a binary file?",
            path=path,
        )


def _looks_like_mermaid(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith(("flowchart", "graph", "---", "%%")) or (
        detect_diagram_type(text) is not None
    )


def parse_document(text: str, *, path: str = "<string>", block: int | None = None) -> Document:
    """Parse every flowchart in *text* (Markdown, or bare Mermaid for ``.mmd`` files).

    Raises :class:`InputError` when there is no flowchart, and :class:`MapSyntaxError`
    (with every diagnostic of every block) when a block is not valid Mermaid. With *block*
    (0-based), only that flowchart must be valid: another that is not is left empty and
    listed in ``Document.broken``.
    """
    _check_controls(text, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_mmd = path.lower().endswith(MERMAID_SUFFIXES) or (
        not path.lower().endswith((".md", ".markdown", ".txt")) and _looks_like_mermaid(text)
    )
    if is_mmd:
        blocks = [MermaidBlock(text=text, first_line=1, col_offsets=(), fence_line=0)]
        legend: dict[str, str] = {}
        heading = None
    else:
        blocks, heading = scan_markdown(text)
        legend = parse_legend(text)
    maps: list[ConceptMap] = []
    map_blocks: list[MermaidBlock] = []
    skipped: list[tuple[int, str]] = []
    diagnostics: list[Diagnostic] = []
    broken: list[int] = []
    for mermaid in blocks:
        kind = detect_diagram_type(mermaid.text)
        if kind != "flowchart":
            if is_mmd:
                what = f"diagram type: {kind}" if kind else "no diagram type detected"
                raise InputError(
                    f"not a flowchart ({what}); conceptmap reads Mermaid flowcharts "
                    "(`flowchart TD` or `graph TD`)",
                    path=path,
                )
            skipped.append((mermaid.fence_line, kind or "unknown"))
            continue
        try:
            cmap = parse_flowchart(
                mermaid.text,
                path=path,
                first_line=mermaid.first_line,
                col_offsets=mermaid.col_offsets,
                legend=legend,
                block=len(maps),
            )
        except MapSyntaxError as exc:
            if block is None or block == len(maps):
                diagnostics.extend(exc.diagnostics)
            else:
                broken.append(len(maps))
            maps.append(ConceptMap())  # placeholder keeps block numbering stable
            map_blocks.append(mermaid)
            continue
        if cmap.title is None and heading:
            cmap = cmap.model_copy(update={"title": _clean_heading(heading)})
        maps.append(cmap)
        map_blocks.append(mermaid)
    if diagnostics:
        raise MapSyntaxError(diagnostics)
    if not maps:
        if skipped:
            found = ", ".join(f"{k} at line {ln}" for ln, k in skipped)
            raise InputError(f"no flowchart block (found only: {found})", path=path)
        raise InputError(
            "no ```mermaid flowchart block found; conceptmap reads Markdown with a "
            "```mermaid block starting `flowchart TD`, or a bare .mmd file",
            path=path,
        )
    return Document(
        path=path,
        text=text,
        maps=tuple(maps),
        skipped=tuple(skipped),
        is_markdown=not is_mmd,
        blocks=tuple(map_blocks),
        broken=tuple(broken),
    )


def _clean_heading(h: str) -> str:
    return re.sub(r"^concept\s+map\s*[:\-–]\s*", "", h, flags=re.I).strip() or h


def parse_map(text: str, *, path: str = "<string>", block: int | None = None) -> ConceptMap:
    """The one map of a document (or block *block*, 0-based, of several).

    >>> parse_map("flowchart LR\\n  A[Attention] -->|uses| B[Softmax]\\n").relationships[0].label
    'uses'
    """
    return parse_document(text, path=path, block=block).map(block)
