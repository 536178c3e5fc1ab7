"""Mermaid flowchart text to :class:`~conceptmap.model.ConceptMap`, the way mermaid-js reads it.

A hand-written, regex-driven recursive-descent parser that mirrors mermaid-js 12.3's
``flow.jison`` lexer rules and ``FlowDB`` semantics (see ``MERMAID-SYNTAX.md`` in the
project's shared material, and the conformance suite in ``tests/test_conformance.py``):

1. preprocessing as mermaid does it (front matter, ``%%{init}%%`` directives, whole-line
   ``%%`` comments) -- blanked out rather than removed, so positions stay true;
2. statements: vertex chains with ``&`` and links, ``subgraph``/``end``, ``direction``,
   ``style``, ``classDef``, ``class``, ``click``, ``linkStyle``, ``accTitle``/``accDescr``;
3. FlowDB semantics: a later definition overwrites label and shape, repeated links are
   kept with ids ``L_a_b_0``/``L_a_b_2``..., a node belongs to the first subgraph to *close*
   that mentions it, subgraph ids used as endpoints are not concepts.

Every token is matched with a compiled regex at the current offset, so parsing is linear in
the input. A statement that does not parse is reported as a :class:`Diagnostic` and the
parser resumes at the next line, so one run reports every error of a block.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any, Protocol, cast

from conceptmap import _accel
from conceptmap._gc import gc_paused
from conceptmap.errors import Diagnostic, MapSyntaxError
from conceptmap.labels import plural
from conceptmap.model import (
    Concept,
    ConceptMap,
    Relationship,
    Subgraph,
    auto_edge_id,
    fields_set_of,
    trusted,
    trusted_many,
)
from conceptmap.parse.legend import kind_of
from conceptmap.parse.shapes import is_valid_shape

__all__ = ["decode_label", "detect_diagram_type", "parse_flowchart"]

# --------------------------------------------------------------------------------------
# Lexical rules (mermaid-js flow.jison, 12.3)
# --------------------------------------------------------------------------------------

# A run of id characters; the inner `+` lets the common characters match in one tight loop.
_ID_RE = re.compile(r"""(?:[A-Za-z0-9!"#$%&'*+.`?\\_/,]+|:(?!::)|-(?![->.])|=(?!=)|[^\W_])+""")
_ID_START_BAD = '"'
_KEYWORD_RE = re.compile(
    r"(?:flowchart-elk|flowchart|graph|subgraph|end|style|linkStyle|classDef|class|"
    r"interpolate|_self|_blank|_parent|_top)(?![A-Za-z0-9_])"
)


class _TotalPattern(Protocol):
    """A compiled pattern that matches the empty string, so ``match`` never returns None.

    Typing only (a ``cast`` made once at import): the parser's position-skipping
    ``_HSPACE.match(src, pos).end()`` needs no None check at run time.
    """

    def match(self, string: str, pos: int = ..., endpos: int = ...) -> re.Match[str]: ...


_HSPACE = cast(_TotalPattern, re.compile(r"[ \t]*"))
_SPACE_RE = re.compile(r"\s")
_WS = cast(_TotalPattern, re.compile(r"\s*"))
_LINK_RES = (
    ("normal", re.compile(r"[ \t]*([xo<]?--+[-xo>])\s*")),
    ("thick", re.compile(r"[ \t]*([xo<]?==+[=xo>])\s*")),
    ("dotted", re.compile(r"[ \t]*([xo<]?-?\.+-[xo>]?)\s*")),
    ("invisible", re.compile(r"[ \t]*(~~~+)\s*")),
)
_START_LINK_RES = (
    ("normal", re.compile(r"[ \t]*([xo<]?--)\s*")),
    ("thick", re.compile(r"[ \t]*([xo<]?==)\s*")),
    ("dotted", re.compile(r"[ \t]*([xo<]?-\.)\s*")),
)
_END_LINK_SEARCH = {
    "normal": re.compile(r"[xo<]?--+[-xo>]|--"),
    "thick": re.compile(r"[xo<]?==+[=xo>]|=="),
    "dotted": re.compile(r"\.+-[xo>]?"),
}
# mermaid's LINK_ID is `[^\s"\[\](){}|]+@`; we also stop at ';' so `A;e1@-->B` keeps
# its statement separator (mermaid's lexer would swallow it into the id).
_LINK_ID_RE = re.compile(r"[ \t]*([^\s\"\[\](){}|@;]+)@(?![{\"])")
# An id that is not a keyword (`_KEYWORD_RE`) and does not start with a quote: those
# statements take the general path. (A keyword's lookahead set is all id characters,
# so testing it on the text is testing it on the id.)
_NOT_KEYWORD = r"(?!\"|" + _KEYWORD_RE.pattern + ")"
# `_ID_RE` with possessive repeats: the same match inside an atomic group, ~20 % faster.
_FAST_ID = _ID_RE.pattern.replace("]+|", "]++|").replace(")+", ")++")
_SQUARE = r"(?:\[(?![/\\])([^\[\](){}|\"\n<#&]*)\])?"
_FAST_RE = re.compile(
    # The common statement `A[label] -->|text| B[label]` (or a lone `A[label]`) in one
    # match. Atomic groups stop backtracking, so it splits tokens exactly as the general
    # path does; anything else (chains, &, other shapes, quotes, ids) falls back to it.
    # Leading blank space (new lines too) is part of the match; labels with `<`, `#` or
    # `&` (which need decoding) are left to the general path.
    r"\s*+" + _NOT_KEYWORD + r"(?>(" + _FAST_ID + r"))" + _SQUARE + r"[ \t]*"
    r"(?:(?>([xo<]?--+[-xo>]|[xo<]?==+[=xo>]|[xo<]?-?\.+-[xo>]?|~~~+))[ \t]*"
    r"(?:\|([^|\"\n<#&]*)\|)?[ \t]*" + _NOT_KEYWORD + r"(?>(" + _FAST_ID + r"))" + _SQUARE + r")?"
    r"[ \t]*(?:;|\n|\Z)"
)
_HEADER_DIR_RE = re.compile(r"(TB|TD|BT|RL|LR|[A-Z]{2}|[<>^v])(?=[ \t]*(?:;|\n|$))")
_BAD_LINK_RE = re.compile(r"[<xo]?[-=.~]+[>xo]?(?=\s|$)")
_DIRECTION_WORD_RE = re.compile(r"direction\s+(TB|BT|RL|LR|TD)")
_QUOTE_RE = re.compile('"')
_SUBGRAPH_ID_RE = cast(_TotalPattern, re.compile(r"[^\n;\[]*"))  # `*`: never fails
_HEADER_RE = re.compile(r"\s*(flowchart-elk|flowchart|graph)")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ENTITY_CODE_RE = re.compile(r"#([A-Za-z][A-Za-z0-9]*|[0-9]+);")
_COMMENT_LINE_RE = re.compile(r"^[ \t]*%%(?!\{)[^\n]+\n?", re.MULTILINE)
_DIRECTIVE_RE = re.compile(r"%%\{.*?\}%%", re.DOTALL)
_EMOJI_HINT_RE = re.compile(r"[^\x00-\x7f]")

_DIRECTIONS = {
    "TB": "TB",
    "TD": "TB",
    "BT": "BT",
    "RL": "RL",
    "LR": "LR",
    ">": "LR",
    "<": "RL",
    "^": "BT",
    "v": "TB",
}


# Bracket shapes, longest opener first: (opener, closers -> shape).
_SHAPES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("(((", ((")))", "doublecircle"),)),
    ("((", (("))", "circle"),)),
    ("([", (("])", "stadium"),)),
    ("(-", (("-)", "ellipse"),)),
    ("(", ((")", "round"),)),
    ("[[", (("]]", "subroutine"),)),
    ("[(", ((")]", "cylinder"),)),
    ("[/", (("/]", "lean_right"), ("\\]", "trapezoid"))),
    ("[\\", (("\\]", "lean_left"), ("/]", "inv_trapezoid"))),
    ("[|", (("]", "rect"),)),
    ("[", (("]", "square"),)),
    ("{{", (("}}", "hexagon"),)),
    ("{", (("}", "diamond"),)),
    (">", (("]", "odd"),)),
)
_FORBIDDEN_IN_TEXT = set('[](){}|"')

_OTHER_DIAGRAMS = (
    ("sequenceDiagram", "sequence"),
    ("classDiagram", "class"),
    ("stateDiagram", "state"),
    ("erDiagram", "er"),
    ("gantt", "gantt"),
    ("pie", "pie"),
    ("journey", "journey"),
    ("gitGraph", "gitGraph"),
    ("mindmap", "mindmap"),
    ("timeline", "timeline"),
    ("quadrantChart", "quadrantChart"),
    ("requirementDiagram", "requirement"),
    ("sankey", "sankey"),
    ("xychart", "xychart"),
    ("block", "block"),
    ("C4", "c4"),
    ("architecture", "architecture"),
    ("kanban", "kanban"),
    ("packet", "packet"),
    ("radar", "radar"),
    ("treemap", "treemap"),
    ("zenuml", "zenuml"),
)


class _Reject(Exception):
    """A statement failed to parse at ``pos``."""

    def __init__(self, pos: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.hint = hint


def _entity(m: re.Match[str]) -> str:
    code = m.group(1)
    return f"&#{code};" if code.isdigit() else f"&{code};"


def decode_label(text: str) -> str:
    """Mermaid label text to plain text: ``<br>`` to newline, entity codes decoded.

    >>> decode_label("a#quot;b#quot;<br/>c &amp; #35;1")
    'a"b"\\nc & #1'
    """
    if "<" in text:
        text = _BR_RE.sub("\n", text)
    if "#" in text:
        text = _ENTITY_CODE_RE.sub(_entity, text)
    if "&" in text:
        text = html.unescape(text)
    return text


# --------------------------------------------------------------------------------------
# Preprocessing
# --------------------------------------------------------------------------------------


def _blank(match: re.Match[str]) -> str:
    """Replace a removed span by the same number of newlines (positions stay true)."""
    return "\n" * match.group().count("\n")


def _blank_keep_width(match: re.Match[str]) -> str:
    return "".join(c if c == "\n" else " " for c in match.group())


def _split_front_matter(text: str) -> tuple[str, dict[str, Any], tuple[int, str] | None]:
    """Strip YAML front matter that starts on the very first line; return (text, data, err)."""
    first_nl = text.find("\n")
    first = text if first_nl < 0 else text[:first_nl]
    if first.strip() != "---":
        return text, {}, None
    indent = first[: len(first) - len(first.lstrip())]
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == indent + "---":
            body = "\n".join(
                ln[len(indent) :] if ln.startswith(indent) else ln for ln in lines[1:i]
            )
            try:
                import yaml

                data = yaml.safe_load(body) or {}
            except Exception as exc:  # noqa: BLE001 - any YAML problem is a user error
                return text, {}, (1, f"front matter is not valid YAML: {exc}".split("\n")[0])
            if not isinstance(data, dict):
                data = {}
            return "\n" * i + "\n" + "\n".join(lines[i + 1 :]), data, None
    return text, {}, (1, "front matter opened with '---' is never closed")


def _strip_for_detection(text: str) -> str:
    """The text from its first meaningful line on (cheap: looks at the first lines only)."""
    text, _, _ = _split_front_matter(text)
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        line = text[pos:end].strip()
        if line.startswith("%%{"):
            close = text.find("}%%", pos)
            if close < 0:
                return ""
            rest = text[close + 3 : text.find("\n", close) if "\n" in text[close:] else n]
            if rest.strip():
                return rest.lstrip()
            pos = close + 3
            nl = text.find("\n", pos)
            pos = n if nl < 0 else nl + 1
            continue
        if line and not (line.startswith("%%") and len(line) > 2):
            return text[pos:].lstrip()
        pos = end + 1
    return ""


def detect_diagram_type(text: str) -> str | None:
    """``"flowchart"`` for a flowchart, another diagram's name, or None if unknown.

    >>> detect_diagram_type("%% note\\nflowchart LR\\nA-->B"), detect_diagram_type("pie\\n")
    ('flowchart', 'pie')
    """
    body = _strip_for_detection(text)
    if _HEADER_RE.match(body):
        return "flowchart"
    for prefix, name in _OTHER_DIAGRAMS:
        if body.startswith(prefix):
            return name
    return None


# --------------------------------------------------------------------------------------
# Mutable parse state (turned into frozen models at the end)
# --------------------------------------------------------------------------------------


class _Vertex:
    """A node as the statements so far describe it.

    Built for every concept of a map (100k on big ones), so the constructor sets only what
    each vertex has; the rest are class-level defaults until a statement sets them (the
    sequences are tuples, replaced rather than changed).
    """

    text: str | None = None
    label_type: str = "text"
    shape: str | None = None
    classes: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    link: str | None = None
    tooltip: str | None = None

    def __init__(self, id: str, pos: int) -> None:
        self.id = id
        self.pos = pos


# An edge is a plain tuple (cheap to build 100k of):
# (id, source, target, text, label_type, stroke, head, tail, length, offset, user_id)
_EdgeTuple = tuple[str, str, str, str, str, str, str, str, int, int, bool]


@dataclass(slots=True)
class _Sub:
    id: str
    title: str
    nodes: list[str]
    direction: str | None
    pos: int
    classes: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Link:
    stroke: str
    head: str
    tail: str
    length: int
    text: str | None = None
    label_type: str = "text"
    edge_id: str | None = None
    pos: int = 0


class _FlowParser:
    def __init__(self, text: str, path: str, first_line: int, col_offsets: tuple[int, ...]):
        self.path = path
        self.first_line = first_line
        self.col_offsets = col_offsets
        self._raw_text = text
        self.diagnostics: list[Diagnostic] = []
        self.vertices: dict[str, _Vertex] = {}
        self.edges: list[_EdgeTuple] = []
        # Edge id -> index in self.edges of its first edge, caught up on demand
        # (`_edge_ids`): the statement loops only append to self.edges.
        self._edge_by_id: dict[str, int] = {}
        self._edges_indexed = 0
        self.edge_styles: dict[int, list[str]] = {}
        self.pair_count: dict[tuple[str, str], int] = {}
        self.subs: list[_Sub] = []
        self.sub_by_id: dict[str, _Sub] = {}
        self.sub_count = 0
        self.owned: set[str] = set()  # nodes already owned by a closed subgraph
        self.class_defs: dict[str, list[str]] = {}
        self.default_link_style: list[str] = []
        self.direction: str | None = None
        self.title: str | None = None
        self.inherit_dir = False
        text, front, err = _split_front_matter(text)
        if err:
            self.diagnostics.append(self._diag_at_line(err[0], err[1]))
        if front:
            t = front.get("title")
            self.title = str(t) if t is not None else None
            cfg = front.get("config")
            if isinstance(cfg, dict):
                fc = cfg.get("flowchart")
                if isinstance(fc, dict) and fc.get("inheritDir"):
                    self.inherit_dir = True
        if "%%" in text:
            text = _DIRECTIVE_RE.sub(_blank_keep_width, text)
            text = _COMMENT_LINE_RE.sub(_blank, text)
        self.src = text
        self.n = len(text)
        self.direction_hits = [(m.start(), m.group(1)) for m in _DIRECTION_WORD_RE.finditer(text)]
        self.quotes = [m.start() for m in _QUOTE_RE.finditer(text)]
        # Offsets of line starts: 0, then one past each newline (no loop per line here).
        native = _accel.speedups
        if native is not None:  # the same list in C, without a string per line
            self.line_starts = native.line_starts(text)
        else:
            self.line_starts = list(
                accumulate(map(_PLUS_ONE, map(len, text.split("\n"))), initial=0)
            )
            self.line_starts.pop()

    def _edge_ids(self) -> dict[str, int]:
        """Edge id -> index of the first edge with it, for every edge so far."""
        index = self._edge_by_id
        edges = self.edges
        for i in range(self._edges_indexed, len(edges)):
            index.setdefault(edges[i][0], i)
        self._edges_indexed = len(edges)
        return index

    # -- positions ---------------------------------------------------------------------
    def _loc(self, pos: int) -> tuple[int, int]:
        """(1-based file line, 1-based file column) of an offset into the block."""
        idx = bisect.bisect_right(self.line_starts, pos) - 1
        col = pos - self.line_starts[idx]
        off = self.col_offsets[idx] if idx < len(self.col_offsets) else 0
        return self.first_line + idx, off + col + 1

    @cached_property
    def raw_lines(self) -> list[str]:
        """The block's lines as written (for diagnostics only)."""
        return self._raw_text.split("\n")

    def _source_line(self, idx: int) -> str | None:
        if 0 <= idx < len(self.raw_lines):
            off = self.col_offsets[idx] if idx < len(self.col_offsets) else 0
            return " " * off + self.raw_lines[idx]
        return None

    def _diag(self, pos: int, message: str, hint: str | None = None) -> Diagnostic:
        line, col = self._loc(pos)
        return Diagnostic(
            path=self.path,
            line=line,
            column=col,
            message=message,
            source_line=self._source_line(line - self.first_line),
            hint=hint,
        )

    def _diag_at_line(self, idx: int, message: str) -> Diagnostic:
        return Diagnostic(
            path=self.path,
            line=self.first_line + idx - 1,
            column=1,
            message=message,
            source_line=self._source_line(idx - 1),
        )

    def _describe(self, pos: int) -> str:
        if pos >= self.n:
            return "end of input"
        ch = self.src[pos]
        if ch == "\n":
            return "end of line"
        m = re.compile(r"[^\s]{1,12}").match(self.src, pos)
        return repr(m.group()) if m else repr(ch)

    # -- top level ---------------------------------------------------------------------
    def parse(self) -> None:
        m = _HEADER_RE.match(self.src)
        if not m:
            body = self.src.lstrip()
            kind = detect_diagram_type(body)
            raise MapSyntaxError(
                [self._diag(self.n - len(body), f"not a flowchart (diagram type: {kind})")]
            )
        pos = m.end()
        src = self.src
        # Header: `flowchart`, optional direction, then `;` or a newline.
        hs = _HSPACE.match(src, pos).end()
        if hs < self.n and src[hs] == ";" and hs == pos:
            self._fail(_Reject(hs, "';' right after the diagram keyword", "write `graph TD;`"))
            return
        self.direction = "TB"
        if hs >= self.n or src[hs] in "\n;":
            pos = hs
        else:
            d = _HEADER_DIR_RE.match(src, hs)
            if d and hs > pos:
                self.direction = _DIRECTIONS.get(d.group(1), d.group(1))
                pos = d.end()
            else:
                bad = re.compile(r"[a-z]{2}(?=[ \t]*(?:;|\n|$))").match(src, hs)
                if hs == pos:
                    msg, hint = "unknown diagram keyword", "write `flowchart TD` or `graph LR`"
                elif bad:
                    msg = f"unknown direction {bad.group()!r}"
                    hint = "directions are upper case: TB, TD, BT, RL, LR"
                else:
                    msg = "a statement cannot start on the header line"
                    hint = "start a new line (or write ';') after the direction"
                self._fail(_Reject(hs, msg, hint))
                pos = self._skip_line(hs)
        pos = _HSPACE.match(src, pos).end()
        if pos < self.n and src[pos] == ";":
            pos += 1
        self.pos = pos
        self._document()

    def _direction_at(self, pos: int) -> str | None:
        """mermaid eats any line holding `direction XX` (from *pos* on) as a direction."""
        i = bisect.bisect_left(self.direction_hits, (pos, ""))
        if i < len(self.direction_hits):
            at, value = self.direction_hits[i]
            if at < self._eol(pos) or at == pos:
                return value
        return None

    def _fail(self, rej: _Reject) -> None:
        self.diagnostics.append(self._diag(rej.pos, rej.message, rej.hint))

    def _eol(self, pos: int) -> int:
        """Offset of the newline ending the line that holds *pos* (or the end of input)."""
        idx = bisect.bisect_right(self.line_starts, pos)
        return self.line_starts[idx] - 1 if idx < len(self.line_starts) else self.n

    def _skip_line(self, pos: int) -> int:
        return min(self._eol(pos) + 1, self.n)

    def _next_quote(self, pos: int) -> int:
        """Offset of the next '"' at or after *pos*, or -1 (a bisect, not a scan)."""
        i = bisect.bisect_left(self.quotes, pos)
        return self.quotes[i] if i < len(self.quotes) else -1

    def _document(self) -> None:
        """All statements; ``subgraph``/``end`` nest with an explicit stack (no recursion)."""
        src, n = self.src, self.n
        fast_path = _USE_FAST_PATH
        # Each frame: (members, subgraph id or None, title, header offset, display name).
        stack: list[tuple[list[Any], str | None, str, int, str]] = [([], None, "", 0, "")]
        while True:
            members = stack[-1][0]
            depth = len(stack) - 1
            if fast_path:
                self._fast_run(members if depth else None)
            pos = _WS.match(src, self.pos).end()
            while pos < n and src[pos] == ";":
                # A bare ';' is a "line" of its own; mermaid keeps it as a member.
                if depth:
                    members.append(";")
                pos = _WS.match(src, pos + 1).end()
            self.pos = pos
            if pos >= n:
                for _, _, _, at, name in stack[1:]:
                    self._fail(
                        _Reject(
                            at,
                            f"subgraph {name!r} is never closed",
                            "add a line `end` after its last statement",
                        )
                    )
                return
            try:
                if src.startswith("end", pos) and not _is_word(src, pos + 3):
                    if depth == 0:
                        raise _Reject(
                            pos,
                            "'end' without an open subgraph",
                            "remove it, or open a block with `subgraph NAME`",
                        )
                    frame = stack.pop()
                    closed_id = self._add_subgraph(frame[1], frame[0], frame[2], frame[3])
                    stack[-1][0].append(closed_id)
                    self.pos = pos + 3  # `end` takes no separator of its own
                    continue
                if src.startswith("subgraph", pos) and not _is_word(src, pos + 8):
                    sid, title = self._subgraph_header(pos, pos + 8)
                    stack.append(([], sid, title, pos, sid or title or "subgraph"))
                    continue
                result = self._statement(pos, depth)
                if result:
                    members.extend(result)
            except _Reject as rej:
                self._fail(rej)
                self.pos = self._skip_line(rej.pos)

    def _separator(self, pos: int) -> int:
        src = self.src
        pos = _HSPACE.match(src, pos).end()
        if pos >= self.n:
            return pos
        ch = src[pos]
        if ch in ";\n":
            return pos + 1
        lm = _BAD_LINK_RE.match(src, pos)
        if lm:
            raise _Reject(
                pos,
                f"unknown link {lm.group()!r}",
                "links look like -->, ==>, -.->, ---, --o, --x, <--> or ~~~",
            )
        hint = None
        if src.startswith("%%", pos):
            hint = "comments must be on a line of their own (`%%` at the start of the line)"
        raise _Reject(
            pos,
            f"unexpected {self._describe(pos)}; expected a link, '&', ';' or a new line",
            hint,
        )

    # -- statements --------------------------------------------------------------------
    def _statement(self, pos: int, depth: int) -> list[Any] | None:
        src = self.src
        d = self._direction_at(pos)
        if d is not None:
            self.pos = self._eol(pos)
            return [("dir", d)]
        ch = src[pos]
        if ch in "sclaS" or ch == "_":
            for kw, handler in (
                ("style", self._style),
                ("linkStyle", self._link_style),
                ("classDef", self._class_def),
                ("class", self._class),
                ("accTitle", self._acc),
                ("accDescr", self._acc),
            ):
                if src.startswith(kw, pos) and not _is_word(src, pos + len(kw)):
                    return handler(pos, pos + len(kw), depth)
            if src.startswith("click", pos) and pos + 5 < self.n and src[pos + 5] in " \t":
                return self._click(pos, pos + 5, depth)
        nodes = self._vertex_statement(pos)
        self.pos = self._separator(self.pos)
        return nodes

    def _fast_run(self, members: list[Any] | None) -> None:
        """Consume consecutive simple statements (`_FAST_RE`) from ``self.pos``.

        Stops, leaving ``self.pos`` at the statement, where the general path is needed.
        This is the hot loop of large maps, so everything it touches is a local.
        """
        native = _accel.speedups
        if native is not None and not self.direction_hits:
            # The same loop in C (`_speedups.c`); maps with `direction` words stay here.
            self.pos = native.fast_run(
                self.src,
                self.pos,
                self.vertices,
                self.pair_count,
                self.edges,
                members,
                _Vertex,
                _LINK_PARTS,
                _link_parts,
                _STATEMENT_WORDS,
            )
            return
        src = self.src
        match = _FAST_RE.match
        vertices = self.vertices
        pair_count = self.pair_count
        edges = self.edges
        check_direction = bool(self.direction_hits)
        statement_words = _STATEMENT_WORDS
        parts_of = _LINK_PARTS
        pos = self.pos
        while True:
            m = match(src, pos)
            if m is None:
                break
            # (keywords and quoted ids are ruled out by the regex itself)
            id1, text1, tok, pipe, id2, text2 = m.groups()
            if id1 in statement_words or (  # `click A ...`, `accTitle: ...`
                check_direction and self._direction_at(m.start(1)) is not None
            ):
                break
            if pipe is not None:
                pipe = pipe.strip()
                if not pipe:
                    break
            v = vertices.get(id1)
            if v is None:
                v = vertices[id1] = _Vertex(id1, m.start(1))
            if text1 is not None:
                v.text, v.label_type, v.shape = text1.strip(), "text", "square"
            elif v.text is None:
                v.text = id1
            pos = m.end()
            if tok is None:
                if members is not None:
                    members.append(id1)
                continue
            w = vertices.get(id2)
            if w is None:
                w = vertices[id2] = _Vertex(id2, m.start(5))
            if text2 is not None:
                w.text, w.label_type, w.shape = text2.strip(), "text", "square"
            elif w.text is None:
                w.text = id2
            parts = parts_of.get(tok)
            if parts is None:
                parts = _link_parts(tok)
            stroke, head, tail, length = parts
            key = (id1, id2)
            count = pair_count.get(key)
            if count is None:  # auto_edge_id, inline
                pair_count[key] = 1
                edge_id = "L_" + id1 + "_" + id2 + "_0"
            else:
                pair_count[key] = count + 1
                edge_id = f"L_{id1}_{id2}_{count + 1}"
            edges.append(
                (
                    edge_id,
                    id1,
                    id2,
                    pipe or "",
                    "text",
                    stroke,
                    head,
                    tail,
                    length,
                    m.start(3),
                    False,
                )
            )
            if members is not None:
                members.append(id2)
                members.append(id1)
        self.pos = pos

    def _subgraph_header(self, start: int, pos: int) -> tuple[str | None, str]:
        """``subgraph [id] [[title]]``; returns (id or None for an automatic id, title)."""
        src = self.src
        sid: str | None
        p = _HSPACE.match(src, pos).end()
        if p >= self.n or src[p] in ";\n":
            self.pos = p + 1 if p < self.n else p
            return None, ""
        if p == pos:
            raise _Reject(p, "expected a space after 'subgraph'")
        if src[p] == '"':
            id_text, _, p = self._string(p)
        else:
            m = _SUBGRAPH_ID_RE.match(src, p, self._eol(p))
            id_text = m.group().strip()
            p = m.end()
        title = id_text
        sid = id_text
        q = _HSPACE.match(src, p).end()
        if q < self.n and src[q] == "[":
            title, _, p = self._bracket_text(q + 1, "]")
        elif q < self.n and src[q] == '"':
            raise _Reject(
                q,
                "a quoted title after a subgraph id must be in brackets",
                'write `subgraph ID ["Title"]`',
            )
        if not sid.strip() or _SPACE_RE.search(sid):
            sid = None  # bare words with spaces: automatic id, the words are the title
        self.pos = self._separator(p)
        return sid, decode_label(title.strip())

    def _add_subgraph(self, sid: str | None, members: list[Any], title: str, pos: int) -> str:
        direction = None
        if tuple in map(type, members):  # `direction` statements: the last one counts
            direction = [item for item in members if isinstance(item, tuple)][-1][1]
            members = [item for item in members if not isinstance(item, tuple)]
        # Each member once, in order of first mention; blank ones left out.
        nodes: list[str] = [x for x in dict.fromkeys(members) if x.strip()]
        sub_id = sid if sid is not None else f"subGraph{self.sub_count}"
        self.sub_count += 1
        # makeUniq: a node already owned by a closed subgraph stays there.
        owned = self.owned
        nodes = [x for x in nodes if x not in owned]
        existing = self.sub_by_id.get(sub_id)
        if existing is not None:  # mermaid 12: a repeated id merges into the first block
            have = set(existing.nodes)
            for x in nodes:
                if x not in have:
                    existing.nodes.append(x)
                    owned.add(x)
            if direction is not None:
                existing.direction = direction
            return sub_id
        owned.update(nodes)
        sub = _Sub(sub_id, title, nodes, direction, pos)
        self.subs.append(sub)
        self.sub_by_id[sub_id] = sub
        return sub_id

    def _rest_of_line(self, pos: int) -> tuple[str, int]:
        end = self._eol(pos)
        semi = self.src.find(";", pos, end)
        stop = end if semi < 0 else semi
        return self.src[pos:stop], stop

    def _style(self, start: int, pos: int, depth: int) -> list[Any]:
        p = _HSPACE.match(self.src, pos).end()
        m = _ID_RE.match(self.src, p)
        if p == pos or not m:
            raise _Reject(p, "expected a node id after 'style'")
        nid = m.group()
        text, stop = self._rest_of_line(m.end())
        styles = _split_styles(text)
        if not styles:
            raise _Reject(m.end(), "expected styles after the node id", "e.g. `style A fill:#f9f`")
        v = self._vertex(nid, start)
        v.styles = (*v.styles, *styles)
        sub = self.sub_by_id.get(nid)
        if sub is not None:
            sub.styles.extend(styles)
        self.pos = self._separator(stop)
        return []

    def _class_def(self, start: int, pos: int, depth: int) -> list[Any]:
        m = re.compile(r"[ \t]+([^\s]+)").match(self.src, pos)
        if not m:
            raise _Reject(pos, "expected a class name after 'classDef'")
        text, stop = self._rest_of_line(m.end())
        styles = _split_styles(text, escape_commas=True)
        for name in m.group(1).split(","):
            self.class_defs.setdefault(name, []).extend(styles)
        self.pos = self._separator(stop)
        return []

    def _class(self, start: int, pos: int, depth: int) -> list[Any]:
        m = re.compile(r"[ \t]+([^\s]+)[ \t]+([^\s;]+)").match(self.src, pos)
        if not m:
            raise _Reject(pos, "expected `class IDS CLASSNAME`", "e.g. `class A,B important`")
        for nid in m.group(1).split(","):
            self._set_class(nid, m.group(2))
        self.pos = self._separator(m.end())
        return []

    def _set_class(self, nid: str, cls: str) -> None:
        v = self.vertices.get(nid)
        if v is not None:
            v.classes = (*v.classes, cls)
        s = self.sub_by_id.get(nid)
        if s is not None:
            s.classes.append(cls)

    def _click(self, start: int, pos: int, depth: int) -> list[Any]:
        src = self.src
        p = _HSPACE.match(src, pos).end()
        m = re.compile(r"[^\s]+").match(src, p)
        if not m:
            raise _Reject(p, "expected a node id after 'click'")
        ids = m.group().split(",")
        p = m.end()
        rest_end = self._skip_line(p)
        link = tooltip = None
        q = _HSPACE.match(src, p).end()
        if src.startswith("href", q) and not _is_word(src, q + 4):
            q = _HSPACE.match(src, q + 4).end()
        strings: list[str] = []
        while q < self.n and src[q] not in "\n;":
            if src[q] == '"':
                val, _, q = self._string(q)
                strings.append(val)
            elif src.startswith("call", q) and not _is_word(src, q + 4):
                mm = re.compile(r"call[ \t]+[^\s(]+(\([^)\n]*\))?").match(src, q)
                if not mm:
                    raise _Reject(q, "expected `call function(args)`")
                q = mm.end()
            else:
                mm = re.compile(r"[^\s\";]+").match(src, q)
                q = mm.end() if mm else q + 1
            q = _HSPACE.match(src, q).end()
        first = src[p:rest_end].lstrip()
        if strings:
            if first.startswith(("href", '"')):
                link = strings[0]
                tooltip = strings[1] if len(strings) > 1 else None
            else:
                tooltip = strings[0]
        for nid in ids:
            v = self.vertices.get(nid)
            if v is None:
                continue
            if link is not None:
                v.link = _sanitize_url(link)
            if tooltip is not None:
                v.tooltip = decode_label(tooltip)
            self._set_class(nid, "clickable")
        self.pos = self._separator(q)
        return []

    def _link_style(self, start: int, pos: int, depth: int) -> list[Any]:
        m = re.compile(r"[ \t]+(default|[0-9]+(?:[ \t]*,[ \t]*[0-9]+)*)").match(self.src, pos)
        if not m:
            raise _Reject(pos, "expected link numbers or 'default' after 'linkStyle'")
        text, stop = self._rest_of_line(m.end())
        text = re.sub(r"^\s*interpolate\s+\S+", "", text)
        styles = _split_styles(text)
        if m.group(1) == "default":
            self.default_link_style = styles
        else:
            for num in m.group(1).split(","):
                idx = int(num.strip())
                if idx >= len(self.edges):
                    raise _Reject(
                        m.start(1),
                        f"linkStyle {idx} refers to a link that does not exist yet "
                        f"({plural(len(self.edges), 'link')} defined so far)",
                        "link numbers count from 0 in source order; put linkStyle after the link",
                    )
                self.edge_styles[idx] = list(styles)
        self.pos = self._separator(stop)
        return []

    def _acc(self, start: int, pos: int, depth: int) -> list[Any]:
        src = self.src
        p = _HSPACE.match(src, pos).end()
        if p < self.n and src[p] == ":":
            self.pos = self._skip_line(p)
            return []
        if p < self.n and src[p] == "{" and src.startswith("accDescr", start):
            close = src.find("}", p)
            if close < 0:
                raise _Reject(p, "accDescr { is never closed with '}'")
            self.pos = self._separator(close + 1)
            return []
        raise _Reject(p, "expected ':' after " + src[start:pos])

    # -- vertices and links ------------------------------------------------------------
    def _vertex(self, nid: str, pos: int) -> _Vertex:
        v = self.vertices.get(nid)
        if v is None:
            v = _Vertex(nid, pos)
            self.vertices[nid] = v
        return v

    def _vertex_statement(self, pos: int) -> list[str]:
        group = self._node_group(pos)
        nodes = list(group)
        src = self.src
        while True:
            link = self._link(self.pos)
            if link is None:
                break
            target_pos = self.pos
            if target_pos >= self.n or src[target_pos] in ";\n":
                raise _Reject(target_pos, "a link needs a target node after it")
            targets = self._node_group(target_pos)
            self._add_links(group, targets, link)
            nodes = targets + nodes
            group = targets
        return nodes

    def _node_group(self, pos: int) -> list[str]:
        src = self.src
        group = [self._styled_vertex(pos)]
        while True:
            p = _HSPACE.match(src, self.pos).end()
            if p < self.n and src[p] == "&":
                p = _HSPACE.match(src, p + 1).end()
                group.append(self._styled_vertex(p))
            else:
                return group

    def _styled_vertex(self, pos: int) -> str:
        src = self.src
        m = _ID_RE.match(src, pos)
        if not m or src[pos] in _ID_START_BAD:
            if pos < self.n and _EMOJI_HINT_RE.match(src, pos):
                raise _Reject(
                    pos,
                    f"{src[pos]!r} cannot start a node id",
                    "emoji are allowed in labels, not in ids: A[😀 text]",
                )
            if pos < self.n and src[pos] == '"':
                raise _Reject(
                    pos,
                    "a node id cannot be a quoted string",
                    'give the node an id and quote its label: A["text"]',
                )
            raise _Reject(pos, f"expected a node id, found {self._describe(pos)}")
        kw = _KEYWORD_RE.match(src, pos)
        if kw:
            raise _Reject(
                pos,
                f"{kw.group()!r} is a keyword and cannot be used as a node id",
                f"use another id and put the word in the label: {kw.group()}Node[{kw.group()}]",
            )
        nid = m.group()
        p = m.end()
        if src.startswith("@{", p) and nid in self._edge_ids() and nid not in self.vertices:
            # `e1@{ animate: true }` on an existing edge id is edge metadata, not a node.
            self.pos = self._shape_data(nid, p)
            return nid
        v = self._vertex(nid, pos)
        if p < self.n and src[p] in "([{>":
            text, ltype, shape, props, p = self._shape(p)
            v.text = text
            v.label_type = ltype
            v.shape = shape
        elif v.text is None:
            v.text = nid
        if src.startswith(":::", p):
            cm = _ID_RE.match(src, p + 3)
            if not cm:
                raise _Reject(p + 3, "expected a class name after ':::'")
            self._set_class(nid, cm.group())
            p = cm.end()
        if src.startswith("@{", p):
            p = self._shape_data(nid, p)
            if src.startswith(":::", p):
                raise _Reject(p, "':::class' must come before '@{...}'", "write A:::cls@{ ... }")
        self.pos = p
        return nid

    def _shape(self, pos: int) -> tuple[str, str, str, dict[str, str] | None, int]:
        src = self.src
        for opener, closers in _SHAPES:  # noqa: B007 - both used after the loop
            if src.startswith(opener, pos):
                break
        else:  # pragma: no cover - caller checked the first character
            raise _Reject(pos, "expected a shape")
        start = pos + len(opener)
        props = None
        if opener == "[|":
            bar = src.find("|", start)
            if bar < 0:
                raise _Reject(pos, "unterminated '[|key:value|' shape properties")
            props = dict(kv.split(":", 1) for kv in src[start:bar].split(",") if ":" in kv)
            start = bar + 1
        p = _HSPACE.match(src, start).end()
        if p < self.n and src[p] == '"':
            text, ltype, p = self._string(p)
            p = _HSPACE.match(src, p).end()
            for closer, shape in closers:
                if src.startswith(closer, p):
                    return decode_label(text.strip()), ltype, shape, props, p + len(closer)
            raise _Reject(
                p,
                f"expected {' or '.join(repr(c) for c, _ in closers)} after the quoted label, "
                f"found {self._describe(p)}",
            )
        # Unquoted text: up to the earliest closer.
        best = -1
        best_shape = ""
        best_len = 0
        eol = self._eol(start)
        for closer, shape in closers:
            i = src.find(closer, start, eol)
            if i >= 0 and (best < 0 or i < best):
                best, best_shape, best_len = i, shape, len(closer)
        if best < 0:
            if opener == ">" and pos and src[pos - 1] in "-=.":
                raise _Reject(
                    pos - 1,
                    f"unknown link {src[pos - 2 : pos + 1].strip()!r}",
                    "links look like -->, ==>, -.->, ---, --o, --x or <-->",
                )
            raise _Reject(
                pos,
                f"unclosed {opener!r}: no {' or '.join(repr(c) for c, _ in closers)} follows",
                "close the shape, or quote the label if it contains brackets",
            )
        text = src[start:best]
        # A closer further on than a forbidden character means the label holds it.
        for i, ch in enumerate(text):
            if ch in _FORBIDDEN_IN_TEXT:
                if ch == "\n":
                    continue
                if ch == '"':
                    raise _Reject(
                        start + i,
                        "unexpected '\"' inside an unquoted label",
                        'quote the whole label: A["..."] (use #quot; for a quote inside)',
                    )
                raise _Reject(
                    start + i,
                    f"unexpected {ch!r} inside an unquoted label",
                    'quote the label to use brackets or pipes in it: A["a (b) c"]',
                )
            if ch == "\n" and not text[i + 1 :].strip():
                pass
        if "\n" in text:
            # mermaid accepts a multi-line unquoted label only if it closes; a shape that
            # runs past the end of its line is almost always a missing bracket.
            raise _Reject(
                pos,
                f"unclosed {opener!r} on this line",
                "close the shape on the same line, or quote a multi-line label",
            )
        return decode_label(text.strip()), "text", best_shape, props, best + best_len

    def _string(self, pos: int) -> tuple[str, str, int]:
        """A ``"..."`` string at *pos* (or a markdown string ``"`...`"``)."""
        src = self.src
        if src.startswith('"`', pos):
            end = src.find('`"', pos + 2)
            if end >= 0:
                return src[pos + 2 : end], "markdown", end + 2
        end = self._next_quote(pos + 1)
        if end < 0:
            raise _Reject(
                pos,
                "unterminated string: no closing '\"'",
                "close the quote; write #quot; for a quote inside a label",
            )
        return src[pos + 1 : end], "string", end + 1

    def _bracket_text(self, pos: int, closer: str) -> tuple[str, str, int]:
        src = self.src
        p = _HSPACE.match(src, pos).end()
        if p < self.n and src[p] == '"':
            text, ltype, p = self._string(p)
            p = _HSPACE.match(src, p).end()
            if not src.startswith(closer, p):
                raise _Reject(p, f"expected {closer!r} after the quoted title")
            return text, ltype, p + len(closer)
        end = src.find(closer, pos, self._eol(pos))
        if end < 0:
            raise _Reject(pos - 1, f"unclosed '[': no {closer!r} on this line")
        text = src[pos:end]
        for i, ch in enumerate(text):
            if ch in _FORBIDDEN_IN_TEXT:
                raise _Reject(
                    pos + i,
                    f"unexpected {ch!r} inside an unquoted title",
                    'quote the title: subgraph S ["a (b)"]',
                )
        return text, "text", end + len(closer)

    def _shape_data(self, nid: str, pos: int) -> int:
        """``@{ key: value, ... }`` after a node id (YAML); returns the offset after '}'."""
        src = self.src
        p = pos + 2
        quote = None
        while p < self.n:
            ch = src[p]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "}":
                break
            p += 1
        else:
            raise _Reject(pos, "'@{' is never closed with '}'")
        body = src[pos + 2 : p]
        multi = "\n" in body
        import yaml

        try:
            data = yaml.safe_load(body if multi else "{" + body + "}")
        except Exception as exc:  # noqa: BLE001
            raise _Reject(pos, f"invalid '@{{...}}' data: {str(exc).splitlines()[0]}") from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise _Reject(pos, "'@{...}' must hold `key: value` pairs")
        end = p + 1
        # 12.x: trailing spaces after '}' are fine.
        if nid in self._edge_ids() and nid not in self.vertices:
            return end
        shape = data.get("shape")
        v = self._vertex(nid, pos - len(nid))
        if shape is not None:
            shape = str(shape)
            if shape != shape.lower() or "_" in shape:
                raise _Reject(pos, f"No such shape: {shape}. Shape names should be lowercase.")
            if not is_valid_shape(shape):
                raise _Reject(
                    pos,
                    f"No such shape: {shape}.",
                    "see the shape list: rect, rounded, stadium, circle, diam, hex, cyl, ...",
                )
            v.shape = shape
        label = data.get("label")
        if label is not None:
            v.text = decode_label(str(label).strip())
            # mermaid-js: a `labelType` key in the shape data wins; markdown by default.
            ltype = data.get("labelType")
            v.label_type = ltype if ltype in ("text", "string", "markdown") else "markdown"
        if v.text is None:
            v.text = nid
        return end

    def _link(self, pos: int) -> _Link | None:
        """A link (with optional id and text) at *pos*, or None (``self.pos`` unchanged)."""
        src = self.src
        edge_id = None
        p = pos
        m = _LINK_ID_RE.match(src, p)
        if m:
            edge_id = m.group(1)
            p = m.end()
        for _stroke, rx in _LINK_RES:
            lm = rx.match(src, p)
            if lm:
                tok = lm.group(1)
                link = _destruct(tok)
                link.edge_id = edge_id
                link.pos = lm.start(1)
                p = lm.end()
                # Optional |text| after the link.
                q = _HSPACE.match(src, p).end()
                if q < self.n and src[q] == "|":
                    link.text, link.label_type, q = self._pipe_text(q)
                    p = _WS.match(src, q).end()
                self.pos = p
                return link
        for stroke, rx in _START_LINK_RES:
            sm = rx.match(src, p)
            if sm:
                return self._inline_text_link(sm, stroke, edge_id)
        if edge_id is not None:
            raise _Reject(p, f"expected a link after the edge id {edge_id + '@'!r}")
        return None

    def _pipe_text(self, pos: int) -> tuple[str, str, int]:
        src = self.src
        p = _HSPACE.match(src, pos + 1).end()
        if p < self.n and src[p] == '"':
            text, ltype, p = self._string(p)
            p = _HSPACE.match(src, p).end()
            if not src.startswith("|", p):
                raise _Reject(p, "expected '|' after the quoted link text")
            return decode_label(text.strip()), ltype, p + 1
        end = src.find("|", pos + 1, self._eol(pos))
        if end < 0:
            raise _Reject(
                pos, "unclosed link text: no closing '|' on this line", "write -->|text| B"
            )
        text = src[pos + 1 : end]
        if not text.strip():
            raise _Reject(pos, "empty link text '||'", "remove the pipes or write some text")
        for i, ch in enumerate(text):
            if ch in '"[](){}':
                if ch == '"':
                    raise _Reject(
                        pos + 1 + i,
                        "unexpected '\"' in link text",
                        'quote the whole text: -->|"..."|',
                    )
        return decode_label(text.strip()), "text", end + 1

    def _inline_text_link(self, sm: re.Match[str], stroke: str, edge_id: str | None) -> _Link:
        src = self.src
        start_tok = sm.group(1)
        p = sm.end()
        if p < self.n and src[p] == '"':
            text, ltype, q = self._string(p)
            q2 = _WS.match(src, q).end()
            em = _END_LINK_SEARCH[stroke].match(src, q2)
            if not em or em.group() in ("--", "=="):
                raise _Reject(
                    q2,
                    "expected the end of the link after the quoted text",
                    'e.g. A -- "text" --> B',
                )
            end_tok, end_pos = em.group(), em.end()
        else:
            # Link text may run onto the next line, not further.
            em = _END_LINK_SEARCH[stroke].search(src, p, self._eol(self._eol(p) + 1))
            if em is None or em.group() in ("--", "=="):
                where = em.start() if em else p
                if em is None:
                    raise _Reject(
                        sm.start(1),
                        f"link text after {start_tok!r} is never closed",
                        "finish the link: A -- text --> B, or use A -->|text| B",
                    )
                raise _Reject(
                    where,
                    "link text cannot contain '--' (or '==')",
                    'quote the text: A -- "a -- b" --> B',
                )
            raw = src[p : em.start()]
            # The end link may start with x/o/< only when separated from the text.
            text = raw.strip()
            if not text:
                raise _Reject(p, "empty link text", "remove it: A --> B")
            if "\n" in raw and not raw.strip("\n ").strip():
                raise _Reject(p, "empty link text")
            ltype = "text"
            end_tok, end_pos = em.group(), em.end()
        link = _destruct(end_tok, start_tok)
        if link.stroke == "INVALID":
            raise _Reject(sm.start(1), f"link starts with {start_tok!r} but ends with {end_tok!r}")
        link.text = decode_label(text.strip())
        link.label_type = ltype
        link.edge_id = edge_id
        link.pos = sm.start(1)
        self.pos = _WS.match(src, end_pos).end()
        return link

    def _add_links(self, sources: list[str], targets: list[str], link: _Link) -> None:
        # mermaid-js compares by value: every pair (last start, first end) asks for the id;
        # the first one gets it, later ones fall back to automatic ids.
        last, first = sources[-1], targets[0]
        for s in sources:
            for t in targets:
                eid = link.edge_id if (s == last and t == first) else None
                self._add_edge(s, t, link, eid, link.pos, link.text)

    def _add_edge(
        self, s: str, t: str, link: _Link, eid: str | None, pos: int, text: str | None
    ) -> None:
        key = (s, t)
        count = self.pair_count.get(key, 0)
        self.pair_count[key] = count + 1
        if eid is not None and eid not in self._edge_ids():
            edge_id, user = eid, True
        else:
            edge_id = auto_edge_id(s, t, count)
            user = False
        edges = self.edges
        edges.append(
            (
                edge_id,
                s,
                t,
                text or "",
                link.label_type,
                link.stroke,
                link.head,
                link.tail,
                link.length if link.length < 10 else 10,
                pos,
                user,
            )
        )

    # -- result ------------------------------------------------------------------------
    def result(self, legend: dict[str, str] | None, block: int) -> ConceptMap:
        subs = self.subs
        sub_ids = self.sub_by_id
        owner: dict[str, str] = {}
        parent: dict[str, str] = {}
        for s in subs:
            for x in s.nodes:
                if x in sub_ids:
                    parent.setdefault(x, s.id)
                else:
                    owner.setdefault(x, s.id)
        loc = self._loc
        # Hot loop (100k records): positions by inline bisect, records built without
        # validation (the values come from this parser; tests validate them).
        starts, offsets, first_line = self.line_starts, self.col_offsets, self.first_line
        n_off = len(offsets)
        bis = bisect.bisect_right

        def concept_rows() -> Iterator[dict[str, Any]]:
            for v in self.vertices.values():
                vid = v.id
                if vid in sub_ids:
                    continue
                pos = v.pos
                idx = bis(starts, pos) - 1
                yield {
                    "id": vid,
                    "label": v.text if v.text is not None else vid,
                    "shape": v.shape,
                    "subgraph": owner.get(vid),
                    "classes": v.classes,
                    "line": first_line + idx,
                    "column": pos - starts[idx] + (offsets[idx] if idx < n_off else 0) + 1,
                    "label_type": v.label_type,
                    "styles": v.styles,
                    "link": v.link,
                    "tooltip": v.tooltip,
                }

        kinds: dict[tuple[str, str, str], str] = {}
        styles = self.edge_styles

        def relationship_rows() -> Iterator[dict[str, Any]]:
            for i, (
                eid,
                src_,
                tgt,
                text,
                ltype,
                stroke,
                head,
                tail,
                length,
                pos,
                user,
            ) in enumerate(self.edges):
                sig = (stroke, head, tail)
                kind = kinds.get(sig)
                if kind is None:
                    kind = kinds[sig] = kind_of(stroke, head, tail, legend)
                idx = bis(starts, pos) - 1
                yield {
                    "id": eid,
                    "source": src_,
                    "target": tgt,
                    "label": text or None,
                    "kind": kind,
                    "stroke": stroke,
                    "head": head,
                    "tail": tail,
                    "length": length,
                    "line": first_line + idx,
                    "column": pos - starts[idx] + (offsets[idx] if idx < n_off else 0) + 1,
                    "label_type": ltype,
                    "styles": tuple(styles[i]) if i in styles else (),
                    "user_id": user,
                }

        native = _accel.speedups
        if native is not None:  # the same rows, built in C (`_speedups.c`)
            concepts = native.concept_records(
                Concept, fields_set_of(Concept), self.vertices, sub_ids, owner, starts, offsets,
                first_line,
            )  # fmt: skip
            rels = native.relationship_records(
                Relationship, fields_set_of(Relationship), self.edges, kinds,
                lambda stroke, head, tail: kind_of(stroke, head, tail, legend), styles,
                starts, offsets, first_line,
            )  # fmt: skip
        else:
            concepts = trusted_many(Concept, concept_rows())
            rels = trusted_many(Relationship, relationship_rows())
        subgraphs = []
        for s in subs:
            direction = s.direction
            if direction is None and self.inherit_dir:
                direction = self.direction
            subgraphs.append(
                trusted(
                    Subgraph,
                    dict(
                        id=s.id,
                        title=s.title,
                        parent=parent.get(s.id),
                        concepts=tuple(sorted(x for x in s.nodes if x not in sub_ids)),
                        direction=direction,
                        line=loc(s.pos)[0],
                        classes=tuple(s.classes),
                        styles=tuple(s.styles),
                    ),
                )
            )
        return trusted(
            ConceptMap,
            dict(
                title=self.title,
                direction=self.direction,
                concepts=tuple(concepts),
                relationships=tuple(rels),
                subgraphs=tuple(subgraphs),
                class_defs={k: tuple(v) for k, v in self.class_defs.items()},
                default_link_style=tuple(self.default_link_style),
                legend=dict(legend or {}),
                path=self.path,
                block=block,
                line=self.first_line,
            ),
        )


#: Link token -> (stroke, head, tail, length capped at 10), for the fast path.
_LINK_PARTS: dict[str, tuple[str, str, str, int]] = {}


def _link_parts(tok: str) -> tuple[str, str, str, int]:
    """(stroke, head, tail, length) of a link token, cached in ``_LINK_PARTS``."""
    link = _destruct(tok)
    parts = _LINK_PARTS[tok] = (link.stroke, link.head, link.tail, min(link.length, 10))
    return parts


_PLUS_ONE = (1).__add__
_STATEMENT_WORDS = frozenset(("click", "accTitle", "accDescr"))
#: Tests switch this off to check that the fast path and the general path agree.
_USE_FAST_PATH = True


def _is_word(src: str, pos: int) -> bool:
    """True when the character at *pos* continues a word (so a keyword does not end there)."""
    if pos >= len(src):
        return False
    ch = src[pos]
    return ch.isalnum() or ch == "_"


def _destruct(end_tok: str, start_tok: str | None = None) -> _Link:
    """mermaid's destructLink: link token(s) to stroke, ends and length."""
    s = end_tok.strip()
    last = s[-1]
    line = s[:-1]
    head = "none"
    tail = "none"
    if last == "x":
        head = "cross"
        if s.startswith("x") and start_tok is None:
            tail, line = "cross", line[1:]
    elif last == ">":
        head = "arrow"
        if s.startswith("<") and start_tok is None:
            tail, line = "arrow", line[1:]
    elif last == "o":
        head = "circle"
        if s.startswith("o") and start_tok is None:
            tail, line = "circle", line[1:]
    stroke = "normal"
    length = len(line) - 1
    if line.startswith("="):
        stroke = "thick"
    if line.startswith("~"):
        stroke = "invisible"
    dots = line.count(".")
    if dots:
        stroke = "dotted"
        length = dots
    if start_tok is not None:
        st = start_tok.strip()
        stail = "none"
        if st[0] in "<xo":
            stail = {"<": "arrow", "x": "cross", "o": "circle"}[st[0]]
            st = st[1:]
        sstroke = "thick" if "=" in st else "dotted" if "." in st else "normal"
        if sstroke != stroke:
            return _Link("INVALID", head, "none", max(length, 1))
        if stail != "none":
            if stail != head:
                return _Link("INVALID", head, "none", max(length, 1))
            tail = stail
    return _Link(stroke, head, tail, max(length, 1))


def _split_styles(text: str, *, escape_commas: bool = False) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if escape_commas:
        parts = re.split(r"(?<!\\),", text)
        return [p.replace("\\,", ",").strip() for p in parts if p.strip()]
    return [p.strip() for p in text.split(",") if p.strip()]


def _sanitize_url(url: str) -> str:
    u = url.strip()
    if re.match(r"^\s*(javascript|data|vbscript):", u, re.IGNORECASE):
        return "about:blank"
    if re.match(r"^https?://[^/]+$", u):
        return u + "/"
    return u


@gc_paused
def parse_flowchart(
    text: str,
    *,
    path: str = "<string>",
    first_line: int = 1,
    col_offsets: tuple[int, ...] = (),
    legend: dict[str, str] | None = None,
    block: int = 0,
) -> ConceptMap:
    """Parse one Mermaid flowchart.

    *first_line* and *col_offsets* place the block in its file (for error positions);
    *legend* maps link signatures to kinds (see :mod:`conceptmap.parse.legend`).
    Raises :class:`MapSyntaxError` holding every problem found.

    >>> m = parse_flowchart("flowchart LR\\n  A --> B & C")
    >>> [(r.source, r.target) for r in m.relationships]
    [('A', 'B'), ('A', 'C')]
    """
    p = _FlowParser(text, path, first_line, col_offsets)
    p.parse()
    if p.diagnostics:
        raise MapSyntaxError(p.diagnostics)
    return p.result(legend, block)
