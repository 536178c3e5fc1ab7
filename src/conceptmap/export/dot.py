"""Graphviz DOT export, and SVG/PNG rendering through Graphviz's ``dot`` program.

The DOT text is built with the ``graphviz`` package and is safe for any user text:

* Node ids are synthetic (``n0``, ``n1``, ... in map order; ``sg0_anchor`` for a subgraph
  used as a link endpoint); the Mermaid id goes into the ``tooltip``. An id such as ``a:b``
  would otherwise be read by ``dot`` as node ``a``, port ``b``.
* Every label and tooltip goes through :func:`_text` (backslashes doubled, ``nohtml``), so a
  label such as ``<b>x</b>`` stays text instead of becoming an HTML-like label.
* Subgraphs become nested ``cluster_sgN`` subgraphs, labelled with their titles.
* Relationship kinds become styles: ``primary`` bold, ``secondary`` dashed, ``has-part``
  with an ``odot`` head, ``invisible`` ``style=invis``; other kinds follow the Mermaid
  stroke. Heads and tails follow the Mermaid link (``dir=none`` for open links).
* Mermaid ``style`` / ``classDef`` colours (``fill``, ``stroke``, ``stroke-width``,
  ``color``) carry over to nodes and clusters.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import graphviz

from conceptmap.export import ExportError, GraphvizMissingError
from conceptmap.labels import display_label

if TYPE_CHECKING:
    from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

__all__ = ["RENDER_FORMATS", "render", "to_dot", "to_png", "to_svg"]

#: Output formats :func:`render` accepts.
RENDER_FORMATS = ("svg", "png", "pdf")

#: Mermaid shape name (bracket forms and ``@{ shape: }`` names) -> Graphviz node attributes.
_SHAPES: dict[str, dict[str, str]] = {}


def _shape(names: str, **attrs: str) -> None:
    for name in names.split():
        _SHAPES[name] = attrs


_shape("square rect proc process rectangle text", shape="box")
_shape("round rounded event stadium terminal pill", shape="box", style="rounded")
_shape(
    "subroutine fr-rect subprocess subproc framed-rectangle",
    shape="box",
    peripheries="2",
)
_shape(
    "cylinder cyl db database datastore data-store h-cyl das horizontal-cylinder lin-cyl disk lined-cylinder",
    shape="cylinder",
)
_shape("circle circ", shape="circle")
_shape("doublecircle dbl-circ double-circle", shape="doublecircle")
_shape("sm-circ start small-circle f-circ junction filled-circle", shape="circle", width="0.3")
_shape("fr-circ stop framed-circle cross-circ summary crossed-circle", shape="doublecircle")
_shape("odd flag paper-tape", shape="cds")
_shape("diamond diam decision question", shape="diamond")
_shape("hexagon hex prepare", shape="hexagon")
_shape(
    "lean_right lean-r lean-right in-out lean_left lean-l lean-left out-in", shape="parallelogram"
)
_shape("trapezoid trap-b priority trapezoid-bottom", shape="trapezium")
_shape("inv_trapezoid trap-t manual trapezoid-top inv-trapezoid", shape="invtrapezium")
_shape("ellipse", shape="ellipse")
_shape("doc document lin-doc lined-document docs documents st-doc stacked-document", shape="note")
_shape("tri extract triangle", shape="triangle")
_shape("flip-tri manual-file flipped-triangle", shape="invtriangle")
_shape("folder directory", shape="folder")
_shape("notch-rect card notched-rectangle", shape="box3d")
_shape("st-rect procs processes stacked-rectangle", shape="box3d")
_shape("notch-pent loop-limit notched-pentagon", shape="pentagon")

_DEFAULT_SHAPE = {"shape": "box", "style": "rounded"}

_ENDS = {"arrow": "normal", "circle": "odot", "cross": "tee", "none": "none"}

#: Pale fills for clusters, by nesting depth then sibling position (deterministic).
_CLUSTER_FILLS = ("#f5f7fb", "#fbf6ee", "#f1f8f2", "#f8f1f6", "#eef6f8", "#f7f7ea")

_HIGHLIGHT = "#d62728"

_COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")
_WIDTH_RE = re.compile(r"^(\d+(?:\.\d+)?)(px)?$")


def _text(s: str) -> str:
    """A DOT escString that shows *s* as read: inline HTML as text (``CO₂``, see
    :func:`~conceptmap.labels.display_label`), newlines as line breaks."""
    s = display_label(s)
    # graphviz ships no type information; nohtml returns a str subclass.
    return cast(str, graphviz.nohtml(s.replace("\\", "\\\\").replace("\n", "\\n")))


def _color(value: str) -> str | None:
    v = value.strip()
    if not _COLOR_RE.match(v):
        return None
    if v.startswith("#") and len(v) in (4, 5):  # #rgb / #rgba -> #rrggbb(aa)
        v = "#" + "".join(ch * 2 for ch in v[1:])
    if v.startswith("#") and len(v) not in (7, 9):
        return None
    return v


def _css_attrs(declarations: Iterable[str]) -> dict[str, str]:
    """Graphviz attributes from Mermaid CSS declarations (``fill:#f9f``, ...)."""
    out: dict[str, str] = {}
    for decl in declarations:
        name, sep, value = decl.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        value = value.strip().rstrip(";").strip()
        if name == "fill" and (c := _color(value)):
            out["fillcolor"] = c
        elif name == "stroke" and (c := _color(value)):
            out["color"] = c
        elif name == "color" and (c := _color(value)):
            out["fontcolor"] = c
        elif name == "stroke-width" and (m := _WIDTH_RE.match(value)):
            out["penwidth"] = m.group(1)
        elif name == "stroke-dasharray" and value:
            out["_dashed"] = "1"
    return out


def _merge_style(attrs: dict[str, str], extra: str) -> None:
    parts = [p for p in attrs.get("style", "").split(",") if p]
    if extra not in parts:
        parts.append(extra)
    attrs["style"] = ",".join(parts)


def _node_attrs(
    c: Concept,
    cmap: ConceptMap,
    metrics: Mapping[str, Mapping[str, Any]] | None,
    highlighted: bool,
) -> dict[str, str]:
    attrs = dict(_SHAPES.get(c.shape or "", _DEFAULT_SHAPE))
    css: dict[str, str] = {}
    for cls in c.classes:
        css.update(_css_attrs(cmap.class_defs.get(cls, ())))
    css.update(_css_attrs(c.styles))
    if css.pop("_dashed", None):
        _merge_style(attrs, "dashed")
    if "fillcolor" in css:
        _merge_style(attrs, "filled")
    attrs.update(css)
    tip = [c.id]
    if metrics and c.id in metrics:
        for name, value in metrics[c.id].items():
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            tip.append(f"{name}: {shown}")
    attrs["tooltip"] = _text("\n".join(tip))
    if c.link:
        attrs["URL"] = _text(c.link)
    if highlighted:
        attrs["color"] = _HIGHLIGHT
        attrs["penwidth"] = "3"
    return attrs


def _edge_attrs(r: Relationship, highlighted: bool) -> dict[str, str]:
    attrs: dict[str, str] = {}
    style = {"primary": "bold", "secondary": "dashed", "invisible": "invis"}.get(r.kind)
    if style is None and r.kind not in ("has-part",):
        style = {"thick": "bold", "dotted": "dashed", "invisible": "invis"}.get(r.stroke)
    if r.stroke == "invisible":
        style = "invis"
    if style:
        attrs["style"] = style
    head, tail = r.head, r.tail
    if r.kind == "has-part" and head == "arrow":
        head = "circle"
    if head == "none" and tail == "none":
        attrs["dir"] = "none"
    elif tail != "none":
        attrs["dir"] = "both"
        attrs["arrowhead"] = _ENDS[head]
        attrs["arrowtail"] = _ENDS[tail]
    elif head != "arrow":
        attrs["arrowhead"] = _ENDS[head]
    if r.length > 1:
        attrs["minlen"] = str(r.length)
    attrs["tooltip"] = _text(f"{r.source} -> {r.target}" + (f": {r.label}" if r.label else ""))
    if highlighted:
        attrs["color"] = _HIGHLIGHT
        attrs["penwidth"] = "3"
    return attrs


def _path_pairs(path: list[str] | None) -> tuple[set[str], set[tuple[str, str]]]:
    if not path:
        return set(), set()
    pairs = set(zip(path, path[1:], strict=False))
    return set(path), pairs | {(b, a) for a, b in pairs}


def to_dot(
    cmap: ConceptMap,
    *,
    highlight_path: list[str] | None = None,
    metrics: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The map as Graphviz DOT text.

    Parameters
    ----------
    cmap
        The map.
    highlight_path
        Concept ids of a learning path; its concepts and the links between consecutive
        ones are drawn in red.
    metrics
        Per concept id, metrics to list in the node tooltip (e.g. from
        :func:`conceptmap.export.data.concept_metrics`).

    Returns
    -------
    str
        DOT source; the same map gives the same text.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=(Concept(id="a:b", label="CO<sub>2</sub> < x"), Concept(id="B", label="B")),
    ...     relationships=(Relationship(id="r", source="a:b", target="B", kind="primary"),),
    ... )
    >>> dot = to_dot(cmap)
    >>> [line.strip() for line in dot.splitlines() if "->" in line and "[" in line]
    ['n0 -> n1 [style=bold tooltip="a:b -> B"]']
    >>> 'n0 [label="CO₂ < x"' in dot  # inline HTML as read; no Graphviz HTML label
    True
    """
    direction = {"TD": "TB", "TB": "TB", "BT": "BT", "LR": "LR", "RL": "RL"}.get(
        cmap.direction or "TB", "TB"
    )
    g = graphviz.Digraph(
        "conceptmap",
        graph_attr={
            "rankdir": direction,
            "fontname": "Helvetica,Arial,sans-serif",
            "newrank": "true",
        },
        node_attr={"fontname": "Helvetica,Arial,sans-serif", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica,Arial,sans-serif", "fontsize": "10"},
    )
    if cmap.title:
        g.attr(label=_text(cmap.title), labelloc="t", fontsize="16")

    on_path, path_pairs = _path_pairs(highlight_path)
    node_ids = {c.id: f"n{i}" for i, c in enumerate(cmap.concepts)}
    sg_ids = {s.id: f"sg{i}" for i, s in enumerate(cmap.subgraphs)}

    # Subgraphs used as link endpoints get an invisible anchor node inside their cluster.
    endpoints = {e for r in cmap.relationships for e in (r.source, r.target)}
    anchored = {s for s in sg_ids if s in endpoints and s not in node_ids}
    extra_nodes = sorted(e for e in endpoints if e not in node_ids and e not in sg_ids)
    extra_ids = {e: f"x{i}" for i, e in enumerate(extra_nodes)}

    children: dict[str | None, list[Subgraph]] = {}
    for s in cmap.subgraphs:
        parent = s.parent if s.parent in sg_ids else None
        children.setdefault(parent, []).append(s)
    members: dict[str | None, list[Concept]] = {}
    for c in cmap.concepts:
        members.setdefault(c.subgraph if c.subgraph in sg_ids else None, []).append(c)

    def fill_nodes(container: graphviz.Digraph, owner: str | None, depth: int) -> None:
        for c in members.get(owner, []):
            container.node(
                node_ids[c.id],
                label=_text(c.label),
                **_node_attrs(c, cmap, metrics, c.id in on_path),
            )
        for i, s in enumerate(children.get(owner, [])):
            with container.subgraph(name=f"cluster_{sg_ids[s.id]}") as sub:
                attrs = {
                    "label": _text(s.title),
                    "style": "rounded,filled",
                    "fillcolor": _CLUSTER_FILLS[(depth + i) % len(_CLUSTER_FILLS)],
                    "color": "#9aa5b1",
                    "tooltip": _text(s.id),
                }
                css: dict[str, str] = {}
                for cls in s.classes:
                    css.update(_css_attrs(cmap.class_defs.get(cls, ())))
                css.update(_css_attrs(s.styles))
                css.pop("_dashed", None)
                attrs.update(css)
                sub.attr(**attrs)
                if s.id in anchored:
                    sub.node(
                        f"{sg_ids[s.id]}_anchor",
                        label="",
                        shape="point",
                        style="invis",
                        width="0",
                    )
                fill_nodes(sub, s.id, depth + 1)

    fill_nodes(g, None, 0)
    for e in extra_nodes:
        g.node(extra_ids[e], label=_text(e), tooltip=_text(e))

    if anchored:
        g.attr(compound="true")

    def end_id(end: str) -> tuple[str, str | None]:
        if end in node_ids:
            return node_ids[end], None
        if end in sg_ids:
            return f"{sg_ids[end]}_anchor", f"cluster_{sg_ids[end]}"
        return extra_ids[end], None

    for r in cmap.relationships:
        src, ltail = end_id(r.source)
        dst, lhead = end_id(r.target)
        attrs = _edge_attrs(r, (r.source, r.target) in path_pairs)
        if ltail:
            attrs["ltail"] = ltail
        if lhead:
            attrs["lhead"] = lhead
        label = _text(r.label) if r.label else None
        g.edge(src, dst, label=label, **attrs)
    return cast(str, g.source)  # graphviz is untyped: `source` is the DOT text


#: Largest map drawn with ``dot`` (layered, subgraph boxes kept apart); larger maps are
#: drawn with ``sfdp`` (force-directed, near-linear): ``dot`` ran for over ten minutes and
#: 2.5 GB on a 5,000-concept map.
DOT_MAX_CONCEPTS = 1000
#: Seconds Graphviz may take to draw a map before :func:`render` gives up.
RENDER_TIMEOUT = 300.0


def engine_for(cmap: ConceptMap) -> str:
    """The Graphviz layout engine for *cmap*: ``dot`` up to :data:`DOT_MAX_CONCEPTS`
    concepts, ``sfdp`` above."""
    return "dot" if len(cmap.concepts) <= DOT_MAX_CONCEPTS else "sfdp"


def render(
    dot_source: str, fmt: str, *, engine: str = "dot", timeout: float | None = RENDER_TIMEOUT
) -> bytes:
    """Run Graphviz (*engine*: ``dot``, ``sfdp``, ...) on *dot_source* and return the
    ``svg``/``png``/``pdf`` bytes.

    Raises
    ------
    GraphvizMissingError
        Graphviz is not installed (the message says how to install it).
    ExportError
        An unknown format, Graphviz failed (its message included) or ran past *timeout*
        seconds.
    """
    if fmt not in RENDER_FORMATS:
        raise ExportError(f"cannot render {fmt!r}; choose one of: {', '.join(RENDER_FORMATS)}")
    exe = shutil.which(engine)
    if exe is None:
        raise GraphvizMissingError()
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExportError(
            f"Graphviz `{engine}` did not finish drawing the map within {timeout:.0f} s"
        ) from None
    except OSError as exc:
        raise ExportError(f"Graphviz `{engine}` could not be run: {exc}") from None
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        detail = stderr.splitlines()[-1] if stderr else f"exit status {proc.returncode}"
        raise ExportError(f"Graphviz `{engine}` failed: {detail}")
    return proc.stdout


def to_svg(
    cmap: ConceptMap,
    *,
    highlight_path: list[str] | None = None,
    metrics: Mapping[str, Mapping[str, Any]] | None = None,
) -> bytes:
    """The map drawn by Graphviz as SVG bytes (see :func:`to_dot`, :func:`render`,
    :func:`engine_for`)."""
    dot = to_dot(cmap, highlight_path=highlight_path, metrics=metrics)
    return render(dot, "svg", engine=engine_for(cmap))


def to_png(
    cmap: ConceptMap,
    *,
    highlight_path: list[str] | None = None,
    metrics: Mapping[str, Mapping[str, Any]] | None = None,
) -> bytes:
    """The map drawn by Graphviz as PNG bytes (like :func:`to_svg`)."""
    dot = to_dot(cmap, highlight_path=highlight_path, metrics=metrics)
    return render(dot, "png", engine=engine_for(cmap))
