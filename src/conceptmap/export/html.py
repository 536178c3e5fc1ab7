"""Interactive HTML export: one self-contained page that works offline.

The page is rendered from ``templates/graph.html.j2`` (Jinja2, autoescape on) and inlines
everything it needs: the vendored `Cytoscape.js <https://js.cytoscape.org>`_ library
(``vendor/cytoscape.min.js``, MIT, pinned by ``vendor/CHECKSUMS``), the page's own
script and style sheet, and the map itself as JSON in a
``<script type="application/json" id="graph-data">`` block. It makes no network request
of any kind, and a Content-Security-Policy ``<meta>`` with the hashes of the two inline
scripts stops anything else from running even if some text slipped through.

Safety of user text
-------------------
Labels, titles and ids reach the page only (a) through Jinja2 autoescaping (``<title>``,
``<h1>``) and (b) inside the JSON block, where every ``<``, ``>`` and ``&`` is written as a
``\\uXXXX`` escape, so no label can close the ``<script>`` element or open an HTML comment.
The page's script reads that JSON with ``JSON.parse`` and writes text only with
``textContent`` / ``createElement``; Cytoscape draws labels on a ``<canvas>``.

Layout
------
Maps of at most :data:`PHYSICS_MAX_CONCEPTS` concepts without ``positions`` are laid out
in the browser by Cytoscape's force-directed ``cose`` layout (animated, seeded by a
deterministic grid, stopped when it settles). Larger maps should be given ``positions``
from :func:`graphviz_positions` (``dot`` up to :data:`DOT_MAX_CONCEPTS` concepts, ``sfdp``
above), shown with the ``preset`` layout and no physics; without them the page falls back
to the deterministic grid (subgraphs kept together, never overlapping).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from conceptmap.errors import UnknownConceptError
from conceptmap.export import ExportError
from conceptmap.export.dot import DOT_MAX_CONCEPTS
from conceptmap.export.layout import block_grid, top_subgraphs
from conceptmap.labels import display_label

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap

__all__ = [
    "DOT_MAX_CONCEPTS",
    "PHYSICS_MAX_CONCEPTS",
    "VendorIntegrityError",
    "graph_data",
    "graphviz_positions",
    "layout_positions",
    "load_vendor",
    "to_html",
]

#: Largest map laid out by in-browser physics; the CLI passes Graphviz positions above it.
PHYSICS_MAX_CONCEPTS = 150

_HERE = Path(__file__).resolve().parent
_TEMPLATES = _HERE / "templates"
_VENDOR = _HERE / "vendor"
_LIBRARY = "cytoscape.min.js"

# Fill / border pairs, readable with dark text; assigned to groups in a fixed order.
_PALETTE: tuple[tuple[str, str], ...] = (
    ("#8ecae6", "#1d6f93"),
    ("#ffb703", "#a36f00"),
    ("#a7d49b", "#3f7f32"),
    ("#f4a6a6", "#b23a3a"),
    ("#cdb4db", "#6c4a86"),
    ("#ffd6a5", "#b86e12"),
    ("#9bf6ff", "#12808c"),
    ("#e9c46a", "#8c6d12"),
    ("#bde0fe", "#2f6fa8"),
    ("#ffc8dd", "#b0477a"),
    ("#caffbf", "#4b8a3d"),
    ("#d4d4d4", "#616161"),
)
_DEFAULT_COLOUR = ("#b0bec5", "#546e7a")
_SIZE_KEYS = ("degree", "pagerank", "betweenness")
_MIN_SIZE, _MAX_SIZE = 22.0, 62.0
_CELL_W, _CELL_H = 130.0, 100.0


class VendorIntegrityError(ExportError):
    """The vendored JavaScript does not match its pinned checksum."""


# -- public API ---------------------------------------------------------------------


def to_html(
    cmap: ConceptMap,
    *,
    title: str | None = None,
    highlight_path: Sequence[str] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
    metrics: Mapping[str, Mapping[str, float | str]] | None = None,
    groups: Mapping[str, str] | None = None,
) -> str:
    """The map as one self-contained, offline, interactive HTML page.

    Parameters
    ----------
    cmap
        The map to draw.
    title
        Page title; defaults to the map's title.
    highlight_path
        Concept ids of a learning path, drawn highlighted (nodes and the links between
        consecutive ones).
    positions
        Concept id -> ``(x, y)`` (pixels, y down), e.g. from :func:`graphviz_positions`;
        when given, the page uses them as they are and runs no physics.
    metrics
        Concept id -> ``{name: value}`` shown in tooltips; ``degree`` (else ``pagerank``,
        else ``betweenness``) sets node size. Defaults to :mod:`conceptmap.analysis`'s
        ``centrality`` when available, else the degree of each concept.
    groups
        Concept id -> cluster name, for colours. Defaults to
        :mod:`conceptmap.analysis`'s ``clusters`` when available, else the subgraph.

    Returns
    -------
    str
        The HTML page (same input, same bytes).

    Raises
    ------
    UnknownConceptError
        When ``highlight_path`` names an id that is not in the map.
    VendorIntegrityError
        When the vendored library does not match ``vendor/CHECKSUMS``.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> m = ConceptMap(concepts=(Concept(id="A", label="Attention"), Concept(id="B", label="Softmax")),
    ...                relationships=(Relationship(id="e1", source="A", target="B", label="uses"),))
    >>> page = to_html(m, metrics={}, groups={})
    >>> page.startswith("<!DOCTYPE html>"), 'id="graph-data"' in page, "https://" in page
    (True, True, False)
    """
    if metrics is None or groups is None:
        auto_metrics, auto_groups = _analysis(cmap)
        metrics = auto_metrics if metrics is None else metrics
        groups = auto_groups if groups is None else groups
    data = graph_data(
        cmap,
        title=title,
        highlight_path=highlight_path,
        positions=positions,
        metrics=metrics,
        groups=groups,
    )
    library = _vendor_library()
    page_js = _asset("graph.js")
    data_json = _script_json(data)
    csp = (
        "default-src 'none'; "
        f"script-src '{_csp_hash(library)}' '{_csp_hash(page_js)}'; "
        "style-src 'unsafe-inline'; img-src data: blob:; "
        "base-uri 'none'; form-action 'none'"
    )
    template = _environment().get_template("graph.html.j2")
    return template.render(
        title=data["title"],
        summary=data["summary"],
        csp=csp,
        page_css=Markup(_asset("graph.css")),
        library_js=Markup(library),
        page_js=Markup(page_js),
        data_json=Markup(data_json),
    )


def graph_data(
    cmap: ConceptMap,
    *,
    title: str | None = None,
    highlight_path: Sequence[str] | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
    metrics: Mapping[str, Mapping[str, float | str]] | None = None,
    groups: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON document embedded in the page (see :func:`to_html` for the parameters).

    Concepts, subgraphs and relationships get synthetic ids (``n0``, ``g0``, ``e0``) in the
    page; the author's id is kept as ``key``.
    """
    metrics = metrics if metrics is not None else _degree_metrics(cmap)
    groups = groups or {}
    node_ids = {c.id: f"n{i}" for i, c in enumerate(cmap.concepts)}
    sub_ids = {s.id: f"g{i}" for i, s in enumerate(cmap.subgraphs)}

    # Extra nodes for relationship endpoints that are neither concepts nor subgraphs.
    implicit: list[str] = []
    for r in cmap.relationships:
        for end in (r.source, r.target):
            if end not in node_ids and end not in sub_ids and end not in implicit:
                implicit.append(end)
    for end in implicit:
        node_ids[end] = f"n{len(node_ids)}"

    path = _check_path(cmap, highlight_path)
    path_nodes = set(path)
    path_pairs = {frozenset(p) for p in zip(path, path[1:], strict=False)}

    colour_by_group: dict[str, tuple[str, str]] = {}
    group_of: dict[str, str] = {}
    if groups:
        for cid in node_ids:
            if cid in groups:
                group_of[cid] = str(groups[cid])
        group_kind = "cluster"
    else:
        titles = {s.id: s.title for s in cmap.subgraphs}
        for c in cmap.concepts:
            if c.subgraph is not None:
                group_of[c.id] = titles.get(c.subgraph, c.subgraph)
        group_kind = "subgraph"
    for name in _ordered_unique(group_of[cid] for cid in node_ids if cid in group_of):
        colour_by_group[name] = _PALETTE[len(colour_by_group) % len(_PALETTE)]

    size_key = next(
        (k for k in _SIZE_KEYS if any(_is_number(m.get(k)) for m in metrics.values())), None
    )
    sizes = _sizes(node_ids, metrics, size_key)
    use_preset = positions is not None or len(cmap.concepts) > PHYSICS_MAX_CONCEPTS
    seeds = _seed_positions(cmap, implicit)
    given = positions or {}

    concepts: list[dict[str, Any]] = []
    labels = {c.id: display_label(c.label) for c in cmap.concepts}  # CO<sub>2</sub>: CO₂
    parents = {c.id: c.subgraph for c in cmap.concepts}
    for cid, nid in node_ids.items():
        fill, border = colour_by_group.get(group_of.get(cid, ""), _DEFAULT_COLOUR)
        x, y = given.get(cid, seeds[cid])
        parent = parents.get(cid)
        concepts.append(
            {
                "id": nid,
                "key": cid,
                "label": labels.get(cid, cid),
                "parent": sub_ids.get(parent) if parent is not None else None,
                "group": group_of.get(cid),
                "color": fill,
                "border": border,
                "size": sizes[cid],
                "metrics": [
                    [k, _round(v)] for k, v in sorted(metrics.get(cid, {}).items(), key=_first)
                ],
                "path": cid in path_nodes,
                "x": _round(float(x)),
                "y": _round(float(y)),
            }
        )

    boxes = _boxes(cmap, concepts, sub_ids) if use_preset else {}
    subgraphs = [
        {
            "id": sub_ids[s.id],
            "key": s.id,
            "title": display_label(s.title),
            "parent": sub_ids.get(s.parent) if s.parent is not None else None,
            "box": boxes.get(s.id),
        }
        for s in cmap.subgraphs
    ]

    def endpoint(name: str) -> str:
        return node_ids.get(name) or sub_ids[name]

    relationships: list[dict[str, Any]] = []
    kinds: dict[str, list[str]] = {}
    for i, r in enumerate(cmap.relationships):
        kinds.setdefault(r.kind, [r.stroke, r.head])
        relationships.append(
            {
                "id": f"e{i}",
                "key": r.id,
                "source": endpoint(r.source),
                "target": endpoint(r.target),
                "label": display_label(r.label) if r.label else r.label,
                "kind": r.kind,
                "stroke": r.stroke,
                "head": r.head,
                "tail": r.tail,
                "path": frozenset((r.source, r.target)) in path_pairs,
            }
        )

    page_title = title or cmap.title or (Path(cmap.path).stem if cmap.path else None)
    page_title = page_title or "Concept map"
    n_concepts, n_rel, n_sub = len(cmap.concepts), len(cmap.relationships), len(cmap.subgraphs)
    return {
        "title": page_title,
        "summary": (
            f"{n_concepts} concept{'s' * (n_concepts != 1)} · "
            f"{n_rel} relationship{'s' * (n_rel != 1)} · "
            f"{n_sub} subgraph{'s' * (n_sub != 1)}"
        ),
        "layout": "preset" if use_preset else "physics",
        "large": len(node_ids) > PHYSICS_MAX_CONCEPTS,
        "concepts": concepts,
        "subgraphs": subgraphs,
        "relationships": relationships,
        "path": [node_ids[p] for p in path],
        "legend": {
            "group_kind": group_kind,
            "groups": [[name, fill, border] for name, (fill, border) in colour_by_group.items()],
            "kinds": [[kind, stroke, head] for kind, (stroke, head) in kinds.items()],
            "size_by": size_key,
        },
    }


def layout_positions(cmap: ConceptMap) -> dict[str, tuple[float, float]] | None:
    """Precomputed positions for maps above :data:`PHYSICS_MAX_CONCEPTS`, else ``None``.

    What the CLI passes to :func:`to_html` as ``positions``: small maps get in-browser
    physics, large ones a Graphviz layout (``None`` too when Graphviz is missing, and the
    page then falls back to its deterministic grid).

    >>> from conceptmap.model import Concept, ConceptMap
    >>> layout_positions(ConceptMap(concepts=(Concept(id="A", label="A"),))) is None
    True
    """
    if len(cmap.concepts) <= PHYSICS_MAX_CONCEPTS:
        return None
    return graphviz_positions(cmap)


def graphviz_positions(
    cmap: ConceptMap,
    *,
    engine: str | None = None,
    timeout: float = 120.0,
    sizes: dict[str, tuple[float, float]] | None = None,
    cluster_margin: float = 18.0,
) -> dict[str, tuple[float, float]] | None:
    """Concept positions computed by Graphviz, or ``None`` when it is not installed.

    Runs ``dot`` for maps of at most :data:`DOT_MAX_CONCEPTS` concepts and ``sfdp`` above
    (override with *engine*). Subgraphs become clusters (``dot`` keeps them apart). The
    DOT text holds synthetic ids and fixed node sizes only, never user text. Returns
    pixel coordinates of node centres with y pointing down, ready for :func:`to_html`.
    *sizes* (concept id -> width, height in pixels) replaces the page's node sizes (the
    canvas export's boxes are bigger); *cluster_margin* is the room (pixels) ``dot``
    keeps around each subgraph's members. ``None`` also when Graphviz fails or runs past
    *timeout* seconds.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap
    >>> m = ConceptMap(concepts=(Concept(id="A", label="A"),))
    >>> pos = graphviz_positions(m)
    >>> pos is None or set(pos) == {"A"}
    True
    """
    if not cmap.concepts:
        return {}
    engine = engine or ("dot" if len(cmap.concepts) <= DOT_MAX_CONCEPTS else "sfdp")
    exe = shutil.which(engine)
    if exe is None:
        return None
    source, names = _layout_dot(cmap, engine, sizes, cluster_margin)
    try:
        proc = subprocess.run(
            [exe, "-Tplain"],
            input=source,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    out: dict[str, tuple[float, float]] = {}
    for line in proc.stdout.splitlines():
        parts = line.split(" ", 4)
        if len(parts) >= 4 and parts[0] == "node" and parts[1] in names:
            out[names[parts[1]]] = (
                round(float(parts[2]) * 72.0, 2),
                round(-float(parts[3]) * 72.0, 2),
            )
    return out if len(out) == len(cmap.concepts) else None


# -- data helpers -------------------------------------------------------------------


def _analysis(cmap: ConceptMap) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Metrics (tooltips, sizes) and clusters (colours) from :mod:`conceptmap.analysis`."""
    from conceptmap.analysis import centrality, clusters
    from conceptmap.export.data import metrics_and_groups

    return metrics_and_groups(centrality(cmap), clusters(cmap))


def _degree_metrics(cmap: ConceptMap) -> dict[str, dict[str, float | str]]:
    """Number of (visible) relationships touching each concept."""
    from conceptmap.analysis.stats import concept_degrees

    return {cid: {"degree": d} for cid, d in concept_degrees(cmap).items()}


def _check_path(cmap: ConceptMap, path: Sequence[str] | None) -> list[str]:
    if not path:
        return []
    known = cmap.concept_by_id
    for name in path:
        if name not in known:
            import difflib

            # suggest by id and by label (case-insensitive), always naming ids
            by_key = {c.id.lower(): c.id for c in cmap.concepts}
            by_key.update((c.label.lower(), c.id) for c in cmap.concepts if c.label)
            close = difflib.get_close_matches(name.lower(), sorted(by_key), n=3)
            raise UnknownConceptError(name, list(dict.fromkeys(by_key[k] for k in close)))
    return list(path)


def _sizes(
    node_ids: Mapping[str, str],
    metrics: Mapping[str, Mapping[str, float | str]],
    key: str | None,
) -> dict[str, float]:
    values = {
        cid: float(v)  # type: ignore[arg-type]
        for cid in node_ids
        if key is not None and _is_number(v := metrics.get(cid, {}).get(key))
    }
    if not values:
        return dict.fromkeys(node_ids, 34.0)
    lo, hi = min(values.values()), max(values.values())
    out = {}
    for cid in node_ids:
        if cid not in values or hi == lo:
            out[cid] = _MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * (0.3 if hi == lo else 0.0)
        else:
            # sqrt keeps the few hubs from dwarfing everything else
            t = math.sqrt((values[cid] - lo) / (hi - lo))
            out[cid] = _round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * t)
    return out


def _boxes(
    cmap: ConceptMap, concepts: Sequence[Mapping[str, Any]], sub_ids: Mapping[str, str]
) -> dict[str, list[float]]:
    """Subgraph rectangles ``[cx, cy, width, height, depth]`` around fixed positions.

    With precomputed positions the page draws subgraphs as plain background rectangles
    instead of Cytoscape compound nodes, which cost seconds at thousands of concepts.
    """
    parent_of = {s.id: s.parent for s in cmap.subgraphs}
    by_key = {c["key"]: c for c in concepts}
    extent: dict[str, list[float]] = {}
    for c in cmap.concepts:
        node = by_key[c.id]
        half = node["size"] / 2
        x1, y1 = node["x"] - max(half, 70.0), node["y"] - half
        x2, y2 = node["x"] + max(half, 70.0), node["y"] + half + 34.0  # label below
        sub, hops = c.subgraph, 0
        while sub is not None and sub in sub_ids and hops <= len(parent_of):
            e = extent.setdefault(sub, [x1, y1, x2, y2])
            e[:] = [min(e[0], x1), min(e[1], y1), max(e[2], x2), max(e[3], y2)]
            sub, hops = parent_of.get(sub), hops + 1
    out = {}
    for sid, (x1, y1, x2, y2) in extent.items():
        depth, sub = 0, parent_of.get(sid)
        while sub is not None and depth <= len(parent_of):
            depth, sub = depth + 1, parent_of.get(sub)
        pad = 18.0 + 6.0 * max(0, 3 - depth)  # outer boxes a little wider than inner
        out[sid] = [
            _round((x1 + x2) / 2),
            _round((y1 + y2) / 2),
            _round(x2 - x1 + 2 * pad),
            _round(y2 - y1 + 2 * pad),
            depth,
        ]
    return out


def _seed_positions(cmap: ConceptMap, implicit: Sequence[str]) -> dict[str, tuple[float, float]]:
    """A deterministic grid: each top-level subgraph is a block, blocks never overlap."""
    gap = (_CELL_W * 0.6, _CELL_H * 0.6)
    return block_grid(cmap, cell=(_CELL_W, _CELL_H), gap=gap, implicit=implicit)


def _layout_dot(
    cmap: ConceptMap,
    engine: str,
    sizes: dict[str, tuple[float, float]] | None = None,
    cluster_margin: float = 18.0,
) -> tuple[str, dict[str, str]]:
    """DOT text for layout only: synthetic ids, fixed sizes, no user text at all."""
    names = {f"n{i}": c.id for i, c in enumerate(cmap.concepts)}
    nid = {cid: n for n, cid in names.items()}
    rankdir = {"TD": "TB", "TB": "TB", "BT": "BT", "LR": "LR", "RL": "RL"}.get(
        (cmap.direction or "TB").upper(), "TB"
    )
    lines = ["digraph G {"]
    if engine == "dot":
        # ratio: stretch very wide layouts (many clusters side by side) towards a screen
        lines.append(f"  graph [rankdir={rankdir}, nodesep=0.35, ranksep=0.6, ratio=0.6];")
    else:
        # Force-directed engines ignore clusters: each top-level subgraph becomes one
        # connected component (an invisible hub joins its members, links between groups
        # are left out) and Graphviz packs the components side by side, never overlapping.
        lines.append('  graph [overlap=prism, sep="+6", pack=24, packmode="graph"];')
    lines.append('  node [shape=box, fixedsize=true, label=""];')
    if sizes is None:
        sizes = {
            c.id: _box_size(display_label(c.label), _MIN_SIZE + 0.3 * (_MAX_SIZE - _MIN_SIZE))
            for c in cmap.concepts
        }

    def node_line(cid: str, indent: str) -> str:
        w, h = sizes[cid]
        return f"{indent}{nid[cid]} [width={w / 72:.3f}, height={h / 72:.3f}];"

    children: dict[str | None, list[str]] = {}
    for s in cmap.subgraphs:
        children.setdefault(s.parent, []).append(s.id)
    members: dict[str | None, list[str]] = {}
    known_subs = {s.id for s in cmap.subgraphs}
    for c in cmap.concepts:
        owner = c.subgraph if c.subgraph in known_subs else None
        members.setdefault(owner, []).append(c.id)
    sub_index = {s.id: i for i, s in enumerate(cmap.subgraphs)}

    def emit(sub: str, depth: int) -> None:
        pad = "  " * depth
        lines.append(f"{pad}subgraph cluster_{sub_index[sub]} {{")
        lines.append(f"{pad}  margin={cluster_margin:g};")
        for cid in members.get(sub, []):
            lines.append(node_line(cid, pad + "  "))
        for child in children.get(sub, []):
            emit(child, depth + 1)
        lines.append(f"{pad}}}")

    for cid in members.get(None, []):
        lines.append(node_line(cid, "  "))
    block = dict.fromkeys(nid)  # concept -> top-level subgraph (force-directed engines)
    if engine == "dot":
        for root in children.get(None, []):
            emit(root, 1)
    else:
        tops = top_subgraphs(cmap)
        for c in cmap.concepts:
            if c.subgraph in known_subs:
                block[c.id] = tops[c.subgraph]
        lines.extend(node_line(c.id, "  ") for c in cmap.concepts if block[c.id] is not None)
        in_block: dict[str, list[str]] = {}  # top-level subgraph -> its concepts, in map order
        for cid, top_sub in block.items():
            if top_sub is not None:
                in_block.setdefault(top_sub, []).append(cid)
        for sub in children.get(None, []):
            hub = f"h{sub_index[sub]}"
            lines.append(f"  {hub} [width=0.01, height=0.01];")
            lines.extend(f"  {hub} -> {nid[cid]} [style=invis];" for cid in in_block.get(sub, []))
    for r in cmap.relationships:
        if engine != "dot" and block.get(r.source) != block.get(r.target):
            continue
        if r.source in nid and r.target in nid:
            attrs = [f"minlen={r.length}"] if engine == "dot" else []
            if r.stroke == "invisible":
                attrs.append("style=invis")
            attr = f" [{', '.join(attrs)}]" if attrs else ""
            lines.append(f"  {nid[r.source]} -> {nid[r.target]}{attr};")
    lines.append("}")
    return "\n".join(lines) + "\n", names


def _box_size(label: str, node: float) -> tuple[float, float]:
    """Room for a node and its label below it, in points (matches graph.css/graph.js)."""
    longest = max((len(x) for x in label.split("\n")), default=0)
    text_w = min(longest * 7.0, 140.0)
    n_lines = sum(max(1, math.ceil(len(x) * 7.0 / 140.0)) for x in label.split("\n"))
    return max(node, text_w) + 16.0, node + 16.0 * n_lines + 10.0


# -- rendering helpers --------------------------------------------------------------


def _script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` survives unescaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
    )


@cache
def _asset(name: str) -> str:
    text = (_TEMPLATES / name).read_text(encoding="utf-8")
    _check_inline(text, name)
    return text


def _check_inline(text: str, name: str) -> None:
    if re.search(r"</(script|style)|<!--", text, re.I):
        raise VendorIntegrityError(f"{name} cannot be inlined: it contains '</script' or '<!--'")


@lru_cache(maxsize=1)
def _vendor_library() -> str:
    return load_vendor(_VENDOR, _LIBRARY)


def load_vendor(folder: Path, name: str) -> str:
    """Read vendored file *name* from *folder*, checking it against ``folder/CHECKSUMS``."""
    sums: dict[str, str] = {}
    try:
        listing = (folder / "CHECKSUMS").read_text(encoding="utf-8")
        payload = (folder / name).read_bytes()
    except OSError as exc:
        raise VendorIntegrityError(
            f"vendored JavaScript missing ({exc}); reinstall conceptmap"
        ) from None
    for line in listing.splitlines():
        if line.strip() and not line.startswith("#"):
            digest, _, fname = line.strip().partition("  ")
            sums[fname.strip().lstrip("*")] = digest.lower()
    actual = hashlib.sha256(payload).hexdigest()
    expected = sums.get(name)
    if expected != actual:
        raise VendorIntegrityError(
            f"{folder / name}: sha256 {actual} does not match CHECKSUMS "
            f"({expected or 'no entry'}); the vendored library was modified or corrupted, "
            "reinstall conceptmap"
        )
    text = payload.decode("utf-8")
    _check_inline(text, name)
    return text


def _ordered_unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _round(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 4) if math.isfinite(v) else None
    return v


def _first(item: tuple[str, Any]) -> str:
    return item[0]
