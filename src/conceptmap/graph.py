"""NetworkX views of a :class:`~conceptmap.model.ConceptMap`.

* :func:`to_networkx` -- ``MultiDiGraph``, every concept and relationship with all attributes.
* :func:`simple_digraph` -- ``DiGraph``; parallel relationships merged, ``weight`` counts them.
* :func:`undirected` -- ``Graph``; direction dropped, ``weight`` counts the relationships
  between the pair (either direction). Self-loops are kept in the multigraph only.

Only concepts are nodes of the simple views, plus subgraph ids used as endpoints
(``is_subgraph=True``). Invisible links (``~~~``) are layout hints in Mermaid, not
propositions; they are kept in :func:`to_networkx` but left out of the simple views
unless ``include_invisible=True``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import networkx as nx

    from conceptmap.model import ConceptMap

# A DiGraph or a Graph of concept ids (the bound is a string: networkx is imported lazily).
_G = TypeVar("_G", bound="nx.Graph[str]")

__all__ = ["simple_digraph", "to_networkx", "undirected"]


def _add_nodes(G: nx.Graph[str], cmap: ConceptMap) -> None:
    for c in cmap.concepts:
        G.add_node(
            c.id,
            label=c.label,
            shape=c.shape,
            subgraph=c.subgraph,
            classes=list(c.classes),
            line=c.line,
        )
    known = cmap.concept_by_id
    for r in cmap.relationships:
        for end in (r.source, r.target):
            if end not in known and end not in G:
                G.add_node(end, label=cmap.label_of(end), is_subgraph=True, subgraph=None)


def to_networkx(cmap: ConceptMap) -> nx.MultiDiGraph[str]:
    """Every concept and relationship of *cmap* as a ``MultiDiGraph`` keyed by edge id."""
    import networkx as nx

    G: nx.MultiDiGraph[str] = nx.MultiDiGraph(title=cmap.title, direction=cmap.direction)
    _add_nodes(G, cmap)
    for i, r in enumerate(cmap.relationships):
        G.add_edge(
            r.source,
            r.target,
            key=r.id,
            label=r.label,
            kind=r.kind,
            stroke=r.stroke,
            head=r.head,
            tail=r.tail,
            length=r.length,
            line=r.line,
            index=i,
        )
    return G


def _simple(G: _G, cmap: ConceptMap, include_invisible: bool) -> _G:
    """Fill *G* (a DiGraph or Graph) with one edge per pair, ``weight`` = relationships."""
    _add_nodes(G, cmap)
    for r in cmap.relationships:
        if (r.stroke == "invisible" and not include_invisible) or r.source == r.target:
            continue
        if G.has_edge(r.source, r.target):
            G[r.source][r.target]["weight"] += 1
        else:  # the first relationship of the pair names the edge
            G.add_edge(r.source, r.target, weight=1, label=r.label, kind=r.kind)
    return G


def simple_digraph(cmap: ConceptMap, *, include_invisible: bool = False) -> nx.DiGraph[str]:
    """Directed view: one edge per ordered pair, ``weight`` = number of relationships."""
    import networkx as nx

    G: nx.DiGraph[str] = nx.DiGraph()
    return _simple(G, cmap, include_invisible)


def undirected(cmap: ConceptMap, *, include_invisible: bool = False) -> nx.Graph[str]:
    """Undirected view: one edge per unordered pair, ``weight`` = number of relationships."""
    import networkx as nx

    G: nx.Graph[str] = nx.Graph()
    return _simple(G, cmap, include_invisible)
