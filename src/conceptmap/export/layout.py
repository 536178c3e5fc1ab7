"""Positions without Graphviz: a deterministic grid of blocks, one per top-level subgraph.

:func:`block_grid` gives the interactive page its starting positions; :func:`nested_grid`
is the JSON Canvas board's whole layout when Graphviz is missing (boxes drawn around every
subgraph, nested ones included, must not cover each other's concepts). Each top-level subgraph, and then the concepts in none,
is a block of ``ceil(sqrt(n))`` columns; members of one nested subgraph sit next to each
other; blocks stand side by side, wrapping into rows of blocks, *gap* apart, so no two
blocks overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from conceptmap.model import ConceptMap

__all__ = ["block_grid", "nested_grid", "top_subgraphs"]


def top_subgraphs(cmap: ConceptMap) -> dict[str, str]:
    """Subgraph id -> the id of the top-level subgraph it sits in (itself at the top).

    >>> from conceptmap.model import ConceptMap, Subgraph
    >>> m = ConceptMap(subgraphs=(Subgraph(id="I", title="I", parent="O"),
    ...                           Subgraph(id="O", title="O")))
    >>> top_subgraphs(m)
    {'I': 'O', 'O': 'O'}
    """
    parent_of = {s.id: s.parent for s in cmap.subgraphs}
    out: dict[str, str] = {}
    for s in cmap.subgraphs:
        sid, seen = s.id, {s.id}
        while (up := parent_of.get(sid)) is not None and up not in seen:
            sid = up
            seen.add(up)
        out[s.id] = sid
    return out


def block_grid(
    cmap: ConceptMap,
    *,
    cell: tuple[float, float],
    gap: tuple[float, float],
    implicit: Sequence[str] = (),
) -> dict[str, tuple[float, float]]:
    """Concept id -> the top-left corner of its *cell* (width, height), blocks *gap*
    (across, down) apart; *implicit* ids (nodes that are no concept, such as a link's
    bare end) join the block of no subgraph.

    >>> from conceptmap.model import Concept, ConceptMap
    >>> m = ConceptMap(concepts=tuple(Concept(id=x, label=x) for x in "ABCD"))
    >>> block_grid(m, cell=(10, 10), gap=(5, 5))
    {'A': (0.0, 0.0), 'B': (10.0, 0.0), 'C': (0.0, 10.0), 'D': (10.0, 10.0)}
    """
    cell_w, cell_h = cell
    gap_x, gap_y = gap
    tops = top_subgraphs(cmap)
    blocks: dict[str | None, list[str]] = {}
    for c in cmap.concepts:
        blocks.setdefault(tops.get(c.subgraph) if c.subgraph else None, []).append(c.id)
    blocks.setdefault(None, []).extend(implicit)
    order = [s.id for s in cmap.subgraphs if s.id in blocks] + ([None] if blocks.get(None) else [])
    # Members of nested subgraphs sit next to each other inside their block.
    sub_rank = {s.id: i for i, s in enumerate(cmap.subgraphs)}
    sub_of = {c.id: c.subgraph for c in cmap.concepts}

    total = sum(len(blocks[b]) for b in order)
    row_width = max(1.0, math.sqrt(total)) * cell_w * 2.0  # wider than tall, like a screen
    out: dict[str, tuple[float, float]] = {}
    x0 = y0 = row_h = 0.0
    for b in order:
        members = sorted(  # stable: keeps map order within one subgraph
            blocks[b], key=lambda cid: sub_rank.get(sub_of.get(cid) or "", -1)
        )
        cols = max(1, math.ceil(math.sqrt(len(members))))
        rows = math.ceil(len(members) / cols)
        width, height = cols * cell_w, rows * cell_h
        if x0 > 0 and x0 + width > row_width:
            x0, y0, row_h = 0.0, y0 + row_h + gap_y, 0.0
        for i, cid in enumerate(members):
            out[cid] = (x0 + (i % cols) * cell_w, y0 + (i // cols) * cell_h)
        x0 += width + gap_x
        row_h = max(row_h, height)
    return out


def nested_grid(
    cmap: ConceptMap, *, cell: tuple[float, float], room: float
) -> dict[str, tuple[float, float]]:
    """Concept id -> the centre of its *cell*, every subgraph in a region of its own.

    A subgraph's region holds its direct members as a grid, then its child subgraphs'
    regions side by side below them, all *room* in from its edges; top-level regions (and
    the concepts in no subgraph) are packed in rows like :func:`block_grid`. So a box drawn
    up to *room* around a subgraph's members and children covers nothing else.

    >>> from conceptmap.model import Concept, ConceptMap, Subgraph
    >>> m = ConceptMap(concepts=(Concept(id="A", label="A", subgraph="O"),
    ...                          Concept(id="B", label="B", subgraph="I")),
    ...                subgraphs=(Subgraph(id="I", title="I", parent="O"),
    ...                           Subgraph(id="O", title="O")))
    >>> nested_grid(m, cell=(10, 10), room=1)
    {'A': (6.0, 6.0), 'B': (7.0, 17.0)}
    """
    cell_w, cell_h = cell
    children: dict[str | None, list[str]] = {}
    for s in cmap.subgraphs:
        children.setdefault(s.parent, []).append(s.id)
    members: dict[str | None, list[str]] = {}
    for c in cmap.concepts:
        members.setdefault(c.subgraph, []).append(c.id)

    def place(
        ids: list[str], kids: list[str], x: float, y: float, into: dict[str, tuple[float, float]]
    ) -> tuple[float, float]:
        """Members *ids* as a grid, then the regions of subgraphs *kids* side by side below
        them, from (x, y); returns the region's size."""
        cols = max(1, math.ceil(math.sqrt(len(ids)))) if ids else 0
        rows = math.ceil(len(ids) / cols) if ids else 0
        for i, cid in enumerate(ids):
            into[cid] = (
                x + room + (i % cols + 0.5) * cell_w,
                y + room + (i // cols + 0.5) * cell_h,
            )
        cx, cy, low = x + room, y + room + rows * cell_h, 0.0
        for kid in kids:
            w, h = place(members.get(kid, []), children.get(kid, []), cx, cy, into)
            cx, low = cx + w, max(low, h)
        return max(cols * cell_w, cx - x - room) + 2 * room, rows * cell_h + low + 2 * room

    blocks = [(members.get(sid, []), children.get(sid, [])) for sid in children.get(None, [])]
    if members.get(None):
        blocks.append((members[None], []))  # the concepts in no subgraph
    row_width = max(1.0, math.sqrt(len(cmap.concepts))) * cell_w * 2.0
    out: dict[str, tuple[float, float]] = {}
    x0 = y0 = row_h = 0.0
    for ids, kids in blocks:
        local: dict[str, tuple[float, float]] = {}
        width, height = place(ids, kids, 0.0, 0.0, local)
        if x0 > 0 and x0 + width > row_width:
            x0, y0, row_h = 0.0, y0 + row_h, 0.0
        out.update({cid: (x0 + x, y0 + y) for cid, (x, y) in local.items()})
        x0, row_h = x0 + width, max(row_h, height)
    return out
