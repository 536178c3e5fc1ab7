"""Find Mermaid blocks in a Markdown document with markdown-it-py.

A real CommonMark parser finds fences inside lists and block quotes, ``~~~`` fences and
indented fences, and ignores ```` ``` ```` that sit inside other code blocks. For each block
we keep the map from block-relative lines to the file's lines and columns, computed against
the original source line (``token.content`` has already lost indentation and container
prefixes such as ``> ``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add, sub
from types import MethodType
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock

from conceptmap import _accel

__all__ = ["MermaidBlock", "find_mermaid_blocks", "scan_markdown"]


@dataclass(frozen=True, slots=True)
class MermaidBlock:
    """The text of one ```` ```mermaid ```` fence and where it sits in the file."""

    text: str
    #: 1-based file line of the block's first content line.
    first_line: int
    #: Per content line: how many characters precede it on the file line (0-based);
    #: empty when none does (a fence outside lists and quotes).
    col_offsets: tuple[int, ...]
    #: 1-based file line of the opening fence.
    fence_line: int


class _LineMarks(StateBlock):
    """markdown-it's block state with its line markers computed a line at a time.

    ``StateBlock.__init__`` walks the source character by character (per line, its
    leading blanks) in Python: about a second for a 7 MB map whose 230k diagram lines are
    indented. Here the markers come from one C pass (``line_marks`` in ``_speedups.c``;
    0.01 s for that map) or, without it, ``str.split``/``lstrip`` over whole lines
    (0.14 s), with the same values (``tests/test_parse_markdown.py`` checks them against markdown-it's
    own on generated text, so a change upstream shows up as a failing test).
    """

    def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Any]) -> None:
        super().__init__("", md, env, tokens)  # every other attribute as upstream sets it
        self.src = src
        native = _accel.speedups
        if native is not None:  # the same three lists in C, in one pass (`_speedups.c`)
            begins, ends, shifts = native.line_marks(src)
        else:
            begins, ends, shifts = _line_marks(src)
        nlines = len(begins) - 1
        counts = shifts[:]
        if "\t" in src:
            for i in range(nlines):
                lead = src[begins[i] : begins[i] + shifts[i]]
                if "\t" in lead:
                    offset = 0
                    for ch in lead:
                        offset += 4 - offset % 4 if ch == "\t" else 1
                    counts[i] = offset
        self.bMarks = begins
        self.eMarks = ends
        self.tShift = shifts
        self.sCount = counts
        self.bsCount = [0] * (nlines + 1)
        self.lineMax = nlines
        env["bMarks"] = self.bMarks  # scan_markdown finds blocks' offsets with them


def _line_marks(src: str) -> tuple[list[int], list[int], list[int]]:
    """Each line's first offset, its end and its leading spaces and tabs, each list closed
    by ``len(src)``, ``len(src)`` and 0 as markdown-it closes its own."""
    lines = src.split("\n")
    # A last piece that is empty or only blanks (no newline after it) is no line.
    if not lines[-1].strip(" \t"):
        lines.pop()
    lengths = list(map(len, lines))
    begins = list(accumulate([n + 1 for n in lengths], initial=0))
    begins.pop()
    if not _other_blanks(src):
        # Only spaces, tabs and newlines are blank: str.lstrip() strips what markdown-it
        # does, and the whole computation stays in C.
        shifts = list(map(sub, lengths, map(len, map(str.lstrip, lines))))
    else:
        shifts = [n - len(line.lstrip(" \t")) for n, line in zip(lengths, lines, strict=True)]
    length = len(src)
    return begins + [length], list(map(add, begins, lengths)) + [length], shifts + [0]


def _block_parse(self: Any, src: str, md: MarkdownIt, env: Any, out: list[Any]) -> Any:
    """``ParserBlock.parse`` with :class:`_LineMarks` as its state."""
    if not src:
        return None
    state = _LineMarks(src, md, env, out)
    self.tokenize(state, state.line, state.lineMax)
    return state.tokens


#: Blank characters other than space, tab and newline (``str.lstrip`` would strip them).
_OTHER_BLANK_RE = re.compile(r"[^\S \t\n]")
#: Those of them that are ASCII (what ``str.isspace`` says of the first 128 characters).
_ASCII_OTHER_BLANKS = "".join(c for c in map(chr, range(128)) if _OTHER_BLANK_RE.match(c))


def _other_blanks(src: str) -> bool:
    """Whether *src* holds a blank other than space, tab and newline (ASCII text: a
    substring test per such character, ~50x faster than the regex over a big file)."""
    if src.isascii():
        return any(c in src for c in _ASCII_OTHER_BLANKS)
    return _OTHER_BLANK_RE.search(src) is not None


def _normalize(state: Any) -> None:
    """markdown-it's ``normalize`` rule with ``str.replace`` instead of a regex per newline."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


_md = MarkdownIt("commonmark")
_md.core.ruler.at("normalize", _normalize)
# Only block tokens are read here (a heading's text is its inline token's ``content``,
# set by the block rules), so inline parsing is skipped.
_md.disable(["inline", "text_join"], ignoreInvalid=True)
_md.block.parse = MethodType(_block_parse, _md.block)  # type: ignore[method-assign]
_fence_rules = [r for r in _md.block.ruler.__rules__ if r.name == "fence"]
_upstream_fence = _fence_rules[0].fn
_CLOSERS: dict[tuple[str, int], re.Pattern[str]] = {}


def _closing_fence(src: str, first: int, marker: str, size: int) -> int:
    """Offset of the first line from *first* on that closes a fence of *size* *marker*s.

    Such a line is up to 3 spaces, at least *size* markers and blanks. ``str.find`` of
    the marker run skips the diagram's lines in C; each hit is checked with a regex.
    """
    key = (marker, size)
    closer = _CLOSERS.get(key)
    if closer is None:
        closer = _CLOSERS[key] = re.compile(rf" {{0,3}}{re.escape(marker)}{{{size},}}[ \t]*$", re.M)
    run = marker * size
    at = src.find(run, first)
    while at >= 0:
        line = src.rfind("\n", 0, at) + 1
        if line >= first and closer.match(src, line):
            return line
        at = src.find(run, src.find("\n", at) + 1 or len(src))
    return -1


def _fence(state: Any, start: int, end: int, silent: bool) -> bool:
    """markdown-it's fence rule, with one regex search for the closing fence.

    Upstream looks at every line of a fence in Python; a 100k-line diagram makes that a
    noticeable part of reading a big map. Here a fence that opens at the top level, not
    indented, finds its closing line (up to 3 spaces, the marker at least as long, blanks)
    with one regex search; any other fence (in a list or quote, indented, or in silent
    mode) is left to markdown-it. The tokens are the same (tested against markdown-it's).
    """
    if silent or state.blkIndent or state.parentType != "root" or state.sCount[start] != 0:
        return bool(_upstream_fence(state, start, end, silent))
    if end != state.lineMax or not _upstream_fence(state, start, end, True):
        return bool(_upstream_fence(state, start, end, silent))  # not a fence: False
    src = state.src
    mem = state.bMarks[start]
    eol = state.eMarks[start]
    marker = src[mem]
    pos = mem
    while pos < eol and src[pos] == marker:
        pos += 1
    first = state.bMarks[start + 1] if start + 1 < state.lineMax else len(src)
    at = _closing_fence(src, first, marker, pos - mem)
    if at < 0:
        close, found = end, False
    else:
        close, found = bisect_right(state.bMarks, at) - 1, True
    state.line = close + (1 if found else 0)
    token = state.push("fence", "code", 0)
    token.info = src[pos:eol]
    token.content = src[first : state.eMarks[close - 1] + 1] if close > start + 1 else ""
    token.markup = src[mem:pos]
    token.map = [start, state.line]
    return True


_md.block.ruler.at("fence", _fence, {"alt": list(_fence_rules[0].alt)})


def _tokens(text: str, env: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    return _md.parse(text, env)


def find_mermaid_blocks(text: str) -> list[MermaidBlock]:
    """Every fenced block whose info string starts with ``mermaid``, in document order."""
    return scan_markdown(text)[0]


def scan_markdown(text: str) -> tuple[list[MermaidBlock], str | None]:
    """The Mermaid blocks and the first level-1 heading, from one CommonMark parse."""
    blocks: list[MermaidBlock] = []
    env: dict[str, Any] = {}
    tokens = _tokens(text, env)
    lines: list[str] | None = None
    for tok in tokens:
        if tok.type != "fence" or tok.map is None:
            continue
        info = tok.info.strip().split()
        if not info or info[0].lower() not in ("mermaid", "{mermaid}"):
            continue
        fence_line0 = tok.map[0]
        content = tok.content
        first = fence_line0 + 1
        offsets: list[int] = []
        # markdown-it normalises newlines; the callers pass text with "\n" only.
        begin = env["bMarks"][first] if first < len(env["bMarks"]) else len(text)
        if not text.startswith(content, begin):  # inside a container: `> `, list indent
            content_lines = content.split("\n")
            if content_lines and content_lines[-1] == "":
                content_lines.pop()
            if lines is None:
                lines = text.split("\n")
            for i, cl in enumerate(content_lines):
                idx = first + i
                src = lines[idx].rstrip("\r") if idx < len(lines) else ""
                offsets.append(len(src) - len(cl) if cl and src.endswith(cl) else 0)
        blocks.append(
            MermaidBlock(
                text=content,
                first_line=fence_line0 + 2,
                col_offsets=tuple(offsets),
                fence_line=fence_line0 + 1,
            )
        )
    return blocks, _heading(tokens)


def _heading(toks: list[Any]) -> str | None:
    for i, tok in enumerate(toks):
        if tok.type == "heading_open" and tok.tag == "h1" and i + 1 < len(toks):
            return toks[i + 1].content.strip() or None
    return None
