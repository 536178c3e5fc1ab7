"""JSON Canvas (``.canvas``): the map as a board Obsidian and other canvas apps open.

`JSON Canvas 1.0 <https://jsoncanvas.org/spec/1.0/>`_ has *text* nodes (Markdown, with a
position and size), *group* nodes (a labelled box) and *edges* (``fromNode`` /
``toNode``, an optional ``label``, ``fromEnd``/``toEnd`` ``arrow`` or ``none``). A concept
is a text node sized to its label, a subgraph a group around its members (nested groups
inside their parent's), a relationship an edge with its linking phrase and the arrow ends
its link token draws. Invisible links (``~~~``) are left out. A ``--path`` is coloured
(preset colour ``4``, green) on its concepts and the relationships between them.

Positions are node centres (y down) from Graphviz (:func:`~conceptmap.export.html.
graphviz_positions`, laid out with these boxes' sizes and :data:`GROUP_ROOM` around each
subgraph, so neither concepts nor groups overlap); without it, every subgraph in a grid
region of its own (:func:`~conceptmap.export.layout.nested_grid`: no overlaps either).
Node ids are the concept ids (``c:``), subgraph ids (``g:``) and relationship ids
(``r:``), so re-exporting an edited map keeps them stable; the output is deterministic.

>>> from conceptmap.model import Concept, ConceptMap, Relationship
>>> cmap = ConceptMap(concepts=(Concept(id="A", label="Attention"), Concept(id="B", label="Softmax")),
...                   relationships=(Relationship(id="L_A_B_0", source="A", target="B", label="uses"),))
>>> import json
>>> board = json.loads(to_canvas(cmap, positions={"A": (0, 0), "B": (0, 200)}))
>>> [(n["id"], n["text"], n["x"], n["y"]) for n in board["nodes"]]
[('c:A', 'Attention', -70, -30), ('c:B', 'Softmax', -70, 170)]
>>> board["edges"][0]["fromNode"], board["edges"][0]["label"], board["edges"][0]["toEnd"]
('c:A', 'uses', 'arrow')
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from conceptmap.export.layout import nested_grid
from conceptmap.labels import display_label
from conceptmap.model import ConceptMap

__all__ = ["GROUP_ROOM", "canvas_sizes", "laid_out_canvas", "to_canvas"]

#: Preset colour of the highlighted path ("4" is green in the JSON Canvas palette).
PATH_COLOUR = "4"
_CHAR_W = 9.0  # about one character of Obsidian's canvas text, in canvas units
_LINE_H = 26.0
_PAD = 30.0  # around a group's members
_TITLE = 36.0  # room for a group's label above its members
#: Room to leave around a subgraph when laying the map out (Graphviz's cluster margin),
#: so that the group boxes drawn around members never overlap.
GROUP_ROOM = _PAD + _TITLE + 10.0
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _text(label: str) -> str:
    """A label as Markdown text: inline HTML read (CO₂), Markdown characters escaped, line
    breaks kept (a Markdown hard break).

    >>> _text("Query *Key*\\nValue")
    'Query \\\\*Key\\\\*  \\nValue'
    """
    return "  \n".join(_MD_SPECIAL.sub(r"\\\1", line) for line in display_label(label).split("\n"))


def canvas_sizes(cmap: ConceptMap) -> dict[str, tuple[float, float]]:
    """Width and height of each concept's text node: wide enough for its longest line
    (up to 320, then wrapped), tall enough for its lines.

    >>> from conceptmap.model import Concept, ConceptMap
    >>> canvas_sizes(ConceptMap(concepts=(Concept(id="A", label="Attention"),)))
    {'A': (140.0, 60.0)}
    """
    out = {}
    for c in cmap.concepts:
        lines = display_label(c.label).split("\n")
        longest = max((len(x) for x in lines), default=0)
        width = min(max(40.0 + _CHAR_W * longest, 140.0), 320.0)
        per_line = max(1, int((width - 40.0) // _CHAR_W))
        n = sum(max(1, math.ceil(len(x) / per_line)) for x in lines)
        out[c.id] = (width, max(60.0, 34.0 + _LINE_H * n))
    return out


def _grid(
    cmap: ConceptMap, sizes: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Centres without Graphviz (:func:`~conceptmap.export.layout.nested_grid`): cells that
    fit the largest box, :data:`GROUP_ROOM` around every subgraph's region."""
    cell_w = max((w for w, _ in sizes.values()), default=140.0) + 80.0
    cell_h = max((h for _, h in sizes.values()), default=60.0) + 100.0
    return nested_grid(cmap, cell=(cell_w, cell_h), room=GROUP_ROOM)


def to_canvas(
    cmap: ConceptMap,
    *,
    positions: dict[str, tuple[float, float]] | None = None,
    highlight_path: Sequence[str] | None = None,
) -> str:
    """The map as JSON Canvas text.

    *positions*: concept id -> node centre (y down), e.g. from
    ``graphviz_positions(cmap, sizes=canvas_sizes(cmap))``; missing (or ``None``): a grid.
    *highlight_path*: concept ids to colour, with the relationships between consecutive ones.
    """
    sizes = canvas_sizes(cmap)
    pos = dict(positions or {})
    if any(c.id not in pos for c in cmap.concepts):
        pos = _grid(cmap, sizes)
    on_path = list(highlight_path or ())
    path_set = set(on_path)
    path_pairs = set(zip(on_path, on_path[1:], strict=False))
    path_pairs |= {(b, a) for a, b in path_pairs}

    boxes: dict[str, tuple[float, float, float, float]] = {}  # id -> x0, y0, x1, y1
    nodes: list[dict[str, Any]] = []
    for c in cmap.concepts:
        (cx, cy), (w, h) = pos[c.id], sizes[c.id]
        x, y = round(cx - w / 2), round(cy - h / 2)
        boxes[c.id] = (x, y, x + round(w), y + round(h))
        node: dict[str, Any] = {
            "id": f"c:{c.id}",
            "type": "text",
            "text": _text(c.label),
            "x": x,
            "y": y,
            "width": round(w),
            "height": round(h),
        }
        if c.id in path_set:
            node["color"] = PATH_COLOUR
        nodes.append(node)

    # Groups, innermost first so a parent's box takes in its children's.
    children: dict[str | None, list[str]] = {}
    for s in cmap.subgraphs:
        children.setdefault(s.parent, []).append(s.id)
    members: dict[str, list[str]] = {}
    for c in cmap.concepts:
        if c.subgraph is not None:
            members.setdefault(c.subgraph, []).append(c.id)
    group_box: dict[str, tuple[float, float, float, float]] = {}
    outer_first: list[str] = []  # a canvas draws later nodes on top: parents first

    def box_of(sid: str) -> tuple[float, float, float, float] | None:
        outer_first.append(sid)
        inner = [boxes[m] for m in members.get(sid, [])]
        inner += [b for child in children.get(sid, []) if (b := box_of(child)) is not None]
        if not inner:
            return None
        x0 = min(b[0] for b in inner) - _PAD
        y0 = min(b[1] for b in inner) - _PAD - _TITLE
        x1 = max(b[2] for b in inner) + _PAD
        y1 = max(b[3] for b in inner) + _PAD
        group_box[sid] = (x0, y0, x1, y1)
        return group_box[sid]

    for root in children.get(None, []):
        box_of(root)
    titles = {s.id: s.title for s in cmap.subgraphs}
    groups = []
    for sid in outer_first:
        if sid in group_box:
            x0, y0, x1, y1 = group_box[sid]
            groups.append(
                {
                    "id": f"g:{sid}",
                    "type": "group",
                    "label": display_label(titles[sid] or sid),
                    "x": round(x0),
                    "y": round(y0),
                    "width": round(x1 - x0),
                    "height": round(y1 - y0),
                }
            )

    known = {c.id for c in cmap.concepts}
    edges = []
    for r in cmap.relationships:
        if r.stroke == "invisible" or r.source not in known or r.target not in known:
            continue
        edge: dict[str, Any] = {
            "id": f"r:{r.id}",
            "fromNode": f"c:{r.source}",
            "toNode": f"c:{r.target}",
            "fromEnd": "arrow" if r.tail == "arrow" else "none",
            "toEnd": "arrow" if r.head == "arrow" else "none",
        }
        if r.label:
            edge["label"] = display_label(r.label)
        if (r.source, r.target) in path_pairs:
            edge["color"] = PATH_COLOUR
        edges.append(edge)
    board = {"nodes": [*groups, *nodes], "edges": edges}
    return json.dumps(board, ensure_ascii=False, indent="\t") + "\n"


def laid_out_canvas(
    cmap: ConceptMap, *, highlight_path: Sequence[str] | None = None, graphviz: bool = True
) -> str:
    """:func:`to_canvas` with positions from Graphviz (room left for the boxes), or on the
    grid when *graphviz* is false or Graphviz is not installed."""
    from conceptmap.export.html import graphviz_positions

    positions = (
        graphviz_positions(cmap, sizes=canvas_sizes(cmap), cluster_margin=GROUP_ROOM)
        if graphviz
        else None
    )
    return to_canvas(cmap, positions=positions, highlight_path=highlight_path)
