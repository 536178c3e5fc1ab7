"""Data exports: JSON node-link, GraphML and GEXF (Gephi, yEd, Cytoscape), CSV of concepts.

JSON shape (``to_json``), NetworkX's node-link form with ``edges="edges"``::

    {"directed": true, "multigraph": true,
     "graph": {"title", "direction", "subgraphs": [...], "class_defs", "default_link_style",
               "legend", "path", "block", "line"},
     "nodes": [{"id", "label", "shape", "subgraph", "classes", "line", "column", "label_type",
                "styles", "link", "tooltip"}, ...],
     "edges": [{"source", "target", "key" (the relationship id), "label", "kind", "stroke",
                "head", "tail", "length", "line", "column", "label_type", "styles",
                "user_id"}, ...]}

Every field of the model is there, concepts and relationships in map order; a relationship
endpoint that is a subgraph id is a node with ``"is_subgraph": true``. Load it back with
``networkx.node_link_graph(data, edges="edges")``.

GraphML and GEXF hold the same attributes, with two conversions those formats force:
``None`` values are left out, and lists (``classes``, ``styles``, the graph's ``subgraphs``
...) are written as JSON text. GEXF carries no modification date, so output is reproducible.

The CSV has one row per concept: ``id, label, subgraph, shape`` and the metrics of
:func:`concept_metrics` (degree counts, plus centralities and tier when
:mod:`conceptmap.analysis.centrality` is available).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from conceptmap.analysis.results import CentralityResult, ClusterResult
    from conceptmap.model import ConceptMap

__all__ = [
    "METRIC_COLUMNS",
    "concept_metrics",
    "metrics_and_groups",
    "metrics_table",
    "to_csv",
    "to_gexf",
    "to_graphml",
    "to_json",
    "to_networkx_full",
]

#: Metric columns taken from the centrality analysis (in this order).
METRIC_COLUMNS = (
    "degree",
    "in_degree",
    "out_degree",
    "betweenness",
    "closeness",
    "eigenvector",
    "pagerank",
    "tier",
)


def to_networkx_full(cmap: ConceptMap) -> nx.MultiDiGraph[str]:
    """A ``MultiDiGraph`` carrying every model field (graph, node and edge attributes).

    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=(Concept(id="A", label="Attention"), Concept(id="B", label="Softmax")),
    ...     relationships=(Relationship(id="L_A_B_0", source="A", target="B", label="uses"),),
    ... )
    >>> G = to_networkx_full(cmap)
    >>> G.nodes["A"]["label"], G.edges["A", "B", "L_A_B_0"]["label"]
    ('Attention', 'uses')
    """
    graph_attrs = cmap.model_dump(mode="json", exclude={"concepts", "relationships"})
    G: nx.MultiDiGraph[str] = nx.MultiDiGraph(**graph_attrs)
    for c in cmap.concepts:
        attrs = c.model_dump(mode="json", exclude={"id"})
        G.add_node(c.id, **attrs)
    known = cmap.concept_by_id
    for r in cmap.relationships:
        for end in (r.source, r.target):
            if end not in known and end not in G:
                G.add_node(end, label=cmap.label_of(end), is_subgraph=end in cmap.subgraph_by_id)
    for r in cmap.relationships:
        attrs = r.model_dump(mode="json", exclude={"id", "source", "target"})
        G.add_edge(r.source, r.target, key=r.id, **attrs)
    return G


def to_json(cmap: ConceptMap) -> str:
    """Node-link JSON with every attribute (see the module docstring for the shape).

    >>> from conceptmap.model import Concept, ConceptMap
    >>> data = json.loads(to_json(ConceptMap(concepts=(Concept(id="A", label="Attention"),))))
    >>> data["nodes"][0]["id"], data["nodes"][0]["label"], data["edges"]
    ('A', 'Attention', [])
    """
    data = nx.node_link_data(to_networkx_full(cmap), edges="edges")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _flat(value: Any) -> Any:
    """A value GraphML/GEXF can hold: scalars as they are, containers as JSON text."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))
    return value


def _flat_graph(cmap: ConceptMap) -> nx.MultiDiGraph[str]:
    G = to_networkx_full(cmap)
    H: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    H.graph.update({k: _flat(v) for k, v in G.graph.items() if v is not None})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _flat(v) for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **{a: _flat(b) for a, b in d.items() if b is not None})
    return H


def to_graphml(cmap: ConceptMap) -> str:
    """GraphML (UTF-8 XML text); loads back with ``networkx.read_graphml``.

    >>> from conceptmap.model import Concept, ConceptMap
    >>> "<graphml" in to_graphml(ConceptMap(concepts=(Concept(id="A", label="A"),)))
    True
    """
    buf = io.BytesIO()
    nx.write_graphml(_flat_graph(cmap), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue().decode("utf-8")


_GEXF_DATE_RE = re.compile(r'\s+lastmodifieddate="[^"]*"')


def to_gexf(cmap: ConceptMap) -> str:
    """GEXF 1.2 for Gephi (UTF-8 XML text); loads back with ``networkx.read_gexf``.

    >>> from conceptmap.model import Concept, ConceptMap
    >>> "lastmodifieddate" in to_gexf(ConceptMap(concepts=(Concept(id="A", label="A"),)))
    False
    """
    H = _flat_graph(cmap)
    # GEXF edge ids must be unique; relationship ids are.
    for _u, _v, k, d in H.edges(keys=True, data=True):
        d["id"] = k
    buf = io.BytesIO()
    nx.write_gexf(H, buf, encoding="utf-8", prettyprint=True)
    text = buf.getvalue().decode("utf-8")
    # networkx stamps today's date; drop it so the same map gives the same bytes.
    return _GEXF_DATE_RE.sub("", text, count=1)


def metrics_table(result: CentralityResult) -> dict[str, dict[str, Any]]:
    """Per concept id, its metrics in :data:`METRIC_COLUMNS` order (DOT tooltips, the HTML
    page, CSV). A measure a concept does not have (eigenvector outside the largest
    component) is left out, never written as ``None``."""
    return {
        item.id: {col: v for col in METRIC_COLUMNS if (v := getattr(item, col)) is not None}
        for item in result.concepts
    }


def metrics_and_groups(
    centrality: CentralityResult, clusters: ClusterResult
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """What the pictures show per concept: :func:`metrics_table` with each concept's
    ``cluster`` name added (tooltips, sizes), and concept id -> cluster name (colours)."""
    groups = {m: c.name for c in clusters.clusters for m in c.members}
    metrics = metrics_table(centrality)
    for cid, name in groups.items():
        metrics.setdefault(cid, {})["cluster"] = name
    return metrics, groups


def concept_metrics(cmap: ConceptMap) -> dict[str, dict[str, Any]]:
    """:func:`metrics_table` of the map's :func:`~conceptmap.analysis.centrality.centrality`.

    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=(Concept(id="A", label="A"), Concept(id="B", label="B")),
    ...     relationships=(Relationship(id="L_A_B_0", source="A", target="B"),),
    ... )
    >>> concept_metrics(cmap)["A"]["degree"], concept_metrics(cmap)["A"]["out_degree"]
    (1, 1)
    """
    from conceptmap.analysis.centrality import centrality

    return metrics_table(centrality(cmap))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6f}"
    return str(value)


def to_csv(cmap: ConceptMap) -> str:
    """CSV, one row per concept in map order: id, label, subgraph, shape and its metrics.

    >>> from conceptmap.model import Concept, ConceptMap
    >>> text = to_csv(ConceptMap(concepts=(Concept(id="A", label="Attention", shape="round"),)))
    >>> text.splitlines()[0].split(",")[:5], text.splitlines()[1].split(",")[:5]
    (['id', 'label', 'subgraph', 'shape', 'degree'], ['A', 'Attention', '', 'round', '0'])
    """
    metrics = concept_metrics(cmap)
    columns: list[str] = []
    for row in metrics.values():
        for col in row:
            if col not in columns:
                columns.append(col)
    columns.sort(key=lambda c: METRIC_COLUMNS.index(c) if c in METRIC_COLUMNS else 99)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "label", "subgraph", "shape", *columns])
    for c in cmap.concepts:
        m = metrics.get(c.id, {})
        writer.writerow(
            [c.id, c.label, c.subgraph or "", c.shape or ""] + [_cell(m.get(k)) for k in columns]
        )
    return buf.getvalue()
