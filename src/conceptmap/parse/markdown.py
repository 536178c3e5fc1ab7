"""Find Mermaid blocks in a Markdown document with markdown-it-py.

A real CommonMark parser finds fences inside lists and block quotes, ``~~~`` fences and
indented fences, and ignores ```` ``` ```` that sit inside other code blocks. For each block
we keep the map from block-relative lines to the file's lines and columns, computed against
the original source line (``token.content`` has already lost indentation and container
prefixes such as ``> ``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt

__all__ = ["MermaidBlock", "find_mermaid_blocks", "first_heading", "scan_markdown"]


@dataclass(frozen=True, slots=True)
class MermaidBlock:
    """The text of one ```` ```mermaid ```` fence and where it sits in the file."""

    text: str
    #: 1-based file line of the block's first content line.
    first_line: int
    #: Per content line: how many characters precede it on the file line (0-based).
    col_offsets: tuple[int, ...]
    #: 1-based file line of the opening fence.
    fence_line: int


_md = MarkdownIt("commonmark")


def _tokens(text: str):  # type: ignore[no-untyped-def]
    return _md.parse(text)


def find_mermaid_blocks(text: str) -> list[MermaidBlock]:
    """Every fenced block whose info string starts with ``mermaid``, in document order."""
    return scan_markdown(text)[0]


def scan_markdown(text: str) -> tuple[list[MermaidBlock], str | None]:
    """The Mermaid blocks and the first level-1 heading, from one CommonMark parse."""
    lines = text.split("\n")
    blocks: list[MermaidBlock] = []
    tokens = _tokens(text)
    for tok in tokens:
        if tok.type != "fence" or tok.map is None:
            continue
        info = tok.info.strip().split()
        if not info or info[0].lower() not in ("mermaid", "{mermaid}"):
            continue
        fence_line0 = tok.map[0]
        content_lines = tok.content.split("\n")
        if content_lines and content_lines[-1] == "":
            content_lines.pop()
        offsets = []
        for i, cl in enumerate(content_lines):
            idx = fence_line0 + 1 + i
            src = lines[idx].rstrip("\r") if idx < len(lines) else ""
            offsets.append(len(src) - len(cl) if cl and src.endswith(cl) else 0)
        blocks.append(
            MermaidBlock(
                text=tok.content,
                first_line=fence_line0 + 2,
                col_offsets=tuple(offsets),
                fence_line=fence_line0 + 1,
            )
        )
    return blocks, _heading(tokens)


def first_heading(text: str) -> str | None:
    """Text of the first level-1 heading, if any (used as the map title)."""
    return _heading(_tokens(text))


def _heading(toks: list[Any]) -> str | None:
    for i, tok in enumerate(toks):
        if tok.type == "heading_open" and tok.tag == "h1" and i + 1 < len(toks):
            return toks[i + 1].content.strip() or None
    return None
