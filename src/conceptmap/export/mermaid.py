"""Canonical Mermaid flowchart text for a map, with a lossless round trip.

``parse_map(to_mermaid(cmap))`` gives back the same map (ids, labels and label types,
shapes, link strokes/heads/tails/lengths and labels, edge ids, subgraphs with nesting and
directions, classes, ``classDef``, ``style``, ``linkStyle``, ``click``), apart from
line/column numbers. The layout of the text is fixed:

1. front matter with the ``title`` (only when the map has one), then the header;
2. one declaration per concept, in map order (first mention decides concept order);
3. the subgraph blocks, nested, each listing exactly its direct member concepts by id
   (a node belongs to the first subgraph block that *closes* mentioning it, so nothing is
   listed twice);
4. the links, in map order (``linkStyle`` indices count links);
5. ``linkStyle``, ``classDef``, ``style``, ``class`` and ``click`` statements.

Escaping follows what mermaid-js 12.3 does with the text (measured): labels use entity
codes (``#quot;`` ``#35;`` ``#lt;`` ``#gt;`` ``#amp;`` ``#96;``, and ``#91;``-style codes
for brackets in unquoted text) except for simple inline HTML tags such as
``CO<sub>2</sub>`` or ``<b>bold</b>``, which mermaid renders and which are kept as written;
newlines become ``<br>``, the ``n`` of a label's
"direction LR" is written ``#110;`` (a line containing ``direction XX`` is otherwise read
as a direction statement), links have spaces on both sides (``C ---oD`` would read as a
circle link to ``D``), and ``@{ shape: ... }`` shapes keep their exact names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from conceptmap.export import ExportError
from conceptmap.labels import INLINE_TAG_RE

if TYPE_CHECKING:
    from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

__all__ = ["CLUSTER_PALETTE", "to_mermaid"]

#: Bracket forms of the shapes that have one: shape -> (open, close).
_BRACKETS: dict[str, tuple[str, str]] = {
    "square": ("[", "]"),
    "round": ("(", ")"),
    "stadium": ("([", "])"),
    "subroutine": ("[[", "]]"),
    "cylinder": ("[(", ")]"),
    "circle": ("((", "))"),
    "doublecircle": ("(((", ")))"),
    "odd": (">", "]"),
    "diamond": ("{", "}"),
    "hexagon": ("{{", "}}"),
    "lean_right": ("[/", "/]"),
    "lean_left": ("[\\", "\\]"),
    "trapezoid": ("[/", "\\]"),
    "inv_trapezoid": ("[\\", "/]"),
    "ellipse": ("(-", "-)"),
}

#: Fill colours for ``color_by`` groups (colour-blind friendly, light enough for black text).
CLUSTER_PALETTE = (
    "#a6cee3",
    "#b2df8a",
    "#fb9a99",
    "#fdbf6f",
    "#cab2d6",
    "#ffff99",
    "#8dd3c7",
    "#bebada",
    "#fccde5",
    "#d9d9d9",
)

_PATH_CLASS = "cmPath"
_PATH_STYLE = ("stroke:#d62728", "stroke-width:3px")

_DIRECTIONS = {"TB", "TD", "BT", "RL", "LR"}
_DIRECTION_LINE_RE = re.compile(r"direction\s+(TB|BT|RL|LR|TD)")
_DIRECTION_WORD_RE = re.compile(r"(directio)(n)(?=\s)", re.IGNORECASE)
_KEYWORDS = {
    "end",
    "graph",
    "flowchart",
    "flowchart-elk",
    "subgraph",
    "style",
    "linkStyle",
    "classDef",
    "class",
    "click",
    "call",
    "href",
    "interpolate",
    "_self",
    "_blank",
    "_parent",
    "_top",
}
_KEYWORD_PREFIX_RE = re.compile(
    r"^(graph|flowchart|subgraph|end|style|linkStyle|classDef|class|interpolate)[./-]"
)
# Characters a Mermaid node id may not contain (whitespace, brackets, link and text syntax).
_BAD_ID_RE = re.compile(r"[\s\[\](){}|<>;~=@\"`]")


# -- text escaping ------------------------------------------------------------------------


def _base_escape(text: str) -> str:
    # '#' first: every later replacement introduces '#'.
    out = text.replace("#", "#35;")
    out = (
        out.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("`", "#96;")
    )
    if "%%" in out:  # `%%{...}%%` anywhere in the text is a directive
        out = out.replace("%", "#37;")
    return _DIRECTION_WORD_RE.sub(lambda m: m.group(1) + f"#{ord(m.group(2))};", out)


def _encode_ends(text: str, chars: str) -> str:
    """Entity-code the leading and trailing characters of *text* that are in *chars*."""
    body = text.lstrip(chars)
    lead = text[: len(text) - len(body)]
    core = body.rstrip(chars)
    trail = body[len(core) :]
    code = "".join
    return code(f"#{ord(ch)};" for ch in lead) + core + code(f"#{ord(ch)};" for ch in trail)


#: Inline HTML that mermaid renders in labels (``CO<sub>2</sub>``, ``<b>bold</b>``,
#: :data:`~conceptmap.labels.INLINE_TAG_RE`) is kept as written: entity-coding it would
#: show the tags instead of their effect.
_TAG_MARK = "\ue000"  # stands for a kept tag while the rest is escaped


def _keep_tags(escape: Callable[[str], str], text: str) -> str:
    """``escape(text)`` with the inline tags of :data:`_INLINE_TAG_RE` left as they are."""
    tags = INLINE_TAG_RE.findall(text)
    if not tags or _TAG_MARK in text:
        return escape(text)
    parts = escape(INLINE_TAG_RE.sub(_TAG_MARK, text)).split(_TAG_MARK)
    out = [parts[0]]
    for tag, part in zip(tags, parts[1:], strict=True):
        out += (tag, part)
    return "".join(out)


def _quoted(text: str) -> str:
    """Body of a quoted string (``"..."``): anything but ``"``, entity-coded.

    Mermaid trims quoted text, so leading and trailing blanks are entity-coded too;
    other newlines become ``<br>``.
    """
    return _keep_tags(_quoted_escape, text)


def _quoted_escape(text: str) -> str:
    out = _encode_ends(_base_escape(text).replace("\\", "#92;"), " \t\n")
    return out.replace("\n", "<br>")


_UNQUOTED_ALWAYS = "[]{}()|@"  # `x@` would read as a link id


def _unquoted(text: str, extra: str = "") -> str:
    """Unquoted text (label type ``text``): the quoted escapes plus the bracket characters.

    Leading/trailing blanks (trimmed by Mermaid) and ``/ \\ -`` at either end (``[\\x`` would
    open another shape) are entity-coded.
    """
    return _keep_tags(lambda t: _unquoted_escape(t, extra), text)


def _unquoted_escape(text: str, extra: str) -> str:
    out = _base_escape(text)
    for ch in _UNQUOTED_ALWAYS + extra:
        out = out.replace(ch, f"#{ord(ch)};")
    return _encode_ends(out, " \t\n/\\-.=>").replace("\n", "<br>")


def _label(text: str, label_type: str, *, extra: str = "") -> str:
    """A label in the form that keeps its label type: bare, ``"..."`` or ``"`...`"``."""
    if label_type == "markdown":
        return f'"`{_quoted(text)}`"'
    if label_type == "string":
        return f'"{_quoted(text)}"'
    return _unquoted(text, extra)


def _check_id(node_id: str) -> str:
    if (
        not node_id
        or _BAD_ID_RE.search(node_id)
        or node_id in _KEYWORDS
        or _KEYWORD_PREFIX_RE.match(node_id)
    ):
        raise ExportError(f"id {node_id!r} cannot be written as a Mermaid node id")
    return node_id


# -- statements ---------------------------------------------------------------------------

_SHAPE_EXTRA = {
    "lean_right": "/\\",
    "lean_left": "/\\",
    "trapezoid": "/\\",
    "inv_trapezoid": "/\\",
    "ellipse": "-",
    "odd": "",
}


def _declaration(c: Concept) -> str:
    cid = _check_id(c.id)
    if c.shape in _BRACKETS:
        open_, close = _BRACKETS[c.shape]
        extra = _SHAPE_EXTRA.get(c.shape, "")
        if c.label_type == "text" and not c.label:
            return f"{cid}{open_} {close}"
        return f"{cid}{open_}{_label(c.label, c.label_type, extra=extra)}{close}"
    if c.shape is None and c.label == c.id and c.label_type == "text":
        return cid
    if c.shape is not None and not re.fullmatch(r"[a-z0-9-]+", c.shape):
        raise ExportError(f"shape {c.shape!r} of {c.id!r} is not a Mermaid shape name")
    parts = []
    if c.shape is not None:
        parts.append(f"shape: {c.shape}")
    if not (c.label == c.id and c.label_type == "text"):
        parts.append(f'label: "{_quoted(c.label)}"')
        if c.label_type != "markdown":
            parts.append(f'labelType: "{c.label_type}"')
    return f"{cid}@{{ {', '.join(parts)} }}"


_HEAD_CHAR = {"arrow": ">", "circle": "o", "cross": "x"}
_TAIL_CHAR = {"arrow": "<", "circle": "o", "cross": "x"}


def _link_token(r: Relationship) -> str:
    n = r.length
    if r.stroke == "invisible":
        return "~" * (n + 2)
    if r.tail != "none" and r.head != r.tail:
        raise ExportError(
            f"link {r.id!r}: Mermaid has no link with tail {r.tail!r} and head {r.head!r}"
        )
    head = _HEAD_CHAR.get(r.head, "")
    tail = _TAIL_CHAR.get(r.tail, "")
    if r.stroke == "thick":
        return f"{tail}{'=' * (n + 1)}{head or '='}"
    if r.stroke == "dotted":
        return f"{tail}-{'.' * n}-{head}"
    return f"{tail}{'-' * (n + 1)}{head or '-'}"


def _link(r: Relationship) -> str:
    token = _link_token(r)
    if r.user_id:
        if not re.fullmatch(r"[^\s\"\[\](){}|@]+", r.id):
            raise ExportError(f"link id {r.id!r} cannot be written in Mermaid")
        token = f"{r.id}@{token}"
    text = ""
    if r.label is not None:
        text = f"|{_label(r.label, r.label_type)}|"
    return f"{_check_id(r.source)} {token}{text} {_check_id(r.target)}"


def _styles(styles: Iterable[str]) -> str:
    return ",".join(styles)


def _class_def(name: str, styles: Iterable[str]) -> str:
    # Inside classDef, a comma inside one declaration is written `\,`.
    return f"classDef {name} " + ",".join(s.replace(",", "\\,") for s in styles)


def _click(c: Concept) -> str:
    def q(s: str) -> str:
        return '"' + s.replace('"', "#quot;") + '"'

    tip = f" {q(c.tooltip)}" if c.tooltip is not None else ""
    if c.link is not None:
        return f"click {c.id} href {q(c.link)}{tip}"
    return f"click {c.id} callback{tip}"


def _front_matter(title: str) -> list[str]:
    # A JSON string is a valid YAML double-quoted scalar.
    return ["---", f"title: {json.dumps(title, ensure_ascii=False)}", "---"]


# -- the document -------------------------------------------------------------------------


def to_mermaid(
    cmap: ConceptMap,
    *,
    highlight_path: list[str] | None = None,
    color_by: dict[str, int] | None = None,
) -> str:
    """The map as canonical Mermaid flowchart text (see the module docstring).

    Parameters
    ----------
    cmap
        The map.
    highlight_path
        Concept ids of a learning path: adds ``classDef cmPath`` (red outline) for those
        concepts and a ``linkStyle`` for the links between consecutive ones.
    color_by
        Concept id -> group number (e.g. a cluster); adds ``classDef cmGroupN`` fills.

    Both options add styling to the text; without them the output parses back to *cmap*.

    Returns
    -------
    str
        Mermaid text ending in a newline; the same map gives the same text.

    Raises
    ------
    ExportError
        An id that Mermaid cannot express (``end``, ``a b``, ...), which no parsed map has.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     direction="LR",
    ...     concepts=(Concept(id="A", label="Q & A", shape="square"),
    ...               Concept(id="B", label="B")),
    ...     relationships=(Relationship(id="L_A_B_0", source="A", target="B",
    ...                                 label="uses", stroke="thick"),),
    ... )
    >>> print(to_mermaid(cmap), end="")
    flowchart LR
        A[Q #amp; A]
        B
        A ==>|uses| B
    """
    lines: list[str] = []
    if cmap.title is not None:
        lines += _front_matter(cmap.title)
    direction = cmap.direction
    if direction is not None and not re.fullmatch(r"[A-Z]{2}", direction):
        raise ExportError(f"direction {direction!r} cannot be written in Mermaid")
    lines.append(f"flowchart {direction}" if direction else "flowchart")

    ind = "    "
    for c in cmap.concepts:
        lines.append(ind + _declaration(c))

    lines += _subgraph_blocks(cmap, ind)

    for r in cmap.relationships:
        lines.append(ind + _link(r))

    # linkStyle: identical styles on several links share one statement.
    by_style: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(cmap.relationships):
        if r.styles:
            by_style.setdefault(r.styles, []).append(i)
    for styles, idx in by_style.items():
        lines.append(ind + f"linkStyle {','.join(map(str, idx))} {_styles(styles)}")
    if cmap.default_link_style:
        lines.append(ind + f"linkStyle default {_styles(cmap.default_link_style)}")

    for name, styles in cmap.class_defs.items():
        lines.append(ind + _class_def(name, styles))

    for c in cmap.concepts:
        if c.styles:
            lines.append(ind + f"style {c.id} {_styles(c.styles)}")
    for s in cmap.subgraphs:
        if s.styles:
            lines.append(ind + f"style {s.id} {_styles(s.styles)}")

    for c in cmap.concepts:
        clicked = c.link is not None or c.tooltip is not None
        for cls in c.classes:
            if clicked and cls == "clickable":
                lines.append(ind + _click(c))  # `click` adds the class `clickable` itself
                clicked = False
            else:
                lines.append(ind + f"class {c.id} {cls}")
        if clicked:
            lines.append(ind + _click(c))
    for s in cmap.subgraphs:
        for cls in s.classes:
            lines.append(ind + f"class {s.id} {cls}")

    lines += [ind + line for line in _decorations(cmap, highlight_path, color_by)]

    for line in lines:
        stripped = line.strip()
        if _DIRECTION_LINE_RE.search(line) and not stripped.startswith("direction "):
            raise ExportError(
                f"line {stripped!r} would be read by Mermaid as a direction statement"
            )
    return "\n".join(lines) + "\n"


def _subgraph_blocks(cmap: ConceptMap, ind: str) -> list[str]:
    known = {s.id for s in cmap.subgraphs}
    children: dict[str | None, list[Subgraph]] = {}
    for s in cmap.subgraphs:
        children.setdefault(s.parent if s.parent in known else None, []).append(s)
    members: dict[str, list[str]] = {s.id: [] for s in cmap.subgraphs}
    placed: set[str] = set()
    for c in cmap.concepts:
        if c.subgraph in members:
            members[c.subgraph].append(c.id)
            placed.add(c.id)
    order = {c.id: i for i, c in enumerate(cmap.concepts)}
    for s in cmap.subgraphs:  # members only the subgraph records (hand-built maps)
        extra = [m for m in s.concepts if m not in placed and m in order]
        members[s.id] += extra
        placed.update(extra)
        members[s.id].sort(key=order.__getitem__)

    out: list[str] = []
    seen: set[str] = set()

    def block(s: Subgraph, depth: int) -> None:
        if s.id in seen:  # a parent cycle in a hand-built map
            return
        seen.add(s.id)
        pad = ind * depth
        sid = _check_id(s.id)
        head = f"subgraph {sid}"
        if s.title != s.id:
            head += f'["{_quoted(s.title)}"]' if s.title.strip() else "[ ]"
        out.append(pad + head)
        if s.direction:
            if s.direction not in _DIRECTIONS:
                raise ExportError(f"subgraph {s.id!r}: direction {s.direction!r} is not Mermaid")
            out.append(pad + ind + f"direction {s.direction}")
        for m in members[s.id]:
            out.append(pad + ind + m)
        for child in children.get(s.id, []):
            block(child, depth + 1)
        out.append(pad + "end")

    for s in children.get(None, []):
        block(s, 1)
    return out


def _decorations(
    cmap: ConceptMap, highlight_path: list[str] | None, color_by: dict[str, int] | None
) -> list[str]:
    out: list[str] = []
    known = cmap.concept_by_id
    if color_by:
        groups: dict[int, list[str]] = {}
        for c in cmap.concepts:
            if c.id in color_by:
                groups.setdefault(color_by[c.id], []).append(c.id)
        for g in sorted(groups):
            fill = CLUSTER_PALETTE[g % len(CLUSTER_PALETTE)]
            out.append(f"classDef cmGroup{g} fill:{fill},color:#000")
            out.append(f"class {','.join(groups[g])} cmGroup{g}")
    if highlight_path:
        on_path = [p for p in dict.fromkeys(highlight_path) if p in known]
        if on_path:
            out.append(_class_def(_PATH_CLASS, _PATH_STYLE))
            out.append(f"class {','.join(on_path)} {_PATH_CLASS}")
            # Inline styles beat classes in mermaid-js; restate the outline for styled nodes.
            for cid in on_path:
                if known[cid].styles:
                    out.append(f"style {cid} {_styles(_PATH_STYLE)}")
        pairs = set(zip(highlight_path, highlight_path[1:], strict=False))
        pairs |= {(b, a) for a, b in pairs}
        idx = [i for i, r in enumerate(cmap.relationships) if (r.source, r.target) in pairs]
        if idx:
            out.append(f"linkStyle {','.join(map(str, idx))} {_styles(_PATH_STYLE)}")
    return out
