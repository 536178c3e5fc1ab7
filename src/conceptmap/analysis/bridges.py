"""What holds a map together: :func:`bridges`.

All on the undirected view without invisible links:

* **articulation points** -- concepts whose removal splits their component;
* **bridges** -- relationships whose removal splits their component (a pair linked by
  two parallel relationships is never a bridge); ``leaf`` names the end, if any, that has
  no other neighbour (the link only attaches that concept);
* **connectors** -- concepts whose neighbours lie in several groups, by the
  participation coefficient ``P = 1 - sum_s (k_s / k)^2`` (Guimera and Amaral), where
  ``k`` counts relationships and ``k_s`` those leading into group *s*. Groups are the
  top-level subgraphs when the map has any (concepts outside subgraphs form their own
  group), else the Louvain clusters (seed 0). Concepts with ``P > 0`` are listed, highest
  ``P`` first, then degree, then id;
* **cross-links** -- relationships between concepts of two different top-level
  subgraphs (Novak's cross-links);
* **components** -- connected components, largest first.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Literal

from conceptmap.analysis.clusters import clusters as find_clusters
from conceptmap.analysis.clusters import top_subgraph
from conceptmap.analysis.results import (
    BridgeRelationship,
    BridgeResult,
    ClusterResult,
    ConceptRef,
    Connector,
    CrossLink,
)
from conceptmap.analysis.stats import _components
from conceptmap.graph import undirected

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conceptmap.model import ConceptMap


def outside_group(concept_id: str) -> str:
    """The group of a concept outside every subgraph, for connectors: ``"(ID)"``.

    >>> outside_group("GLU"), outside_concept("(GLU)"), outside_concept("S2")
    ('(GLU)', 'GLU', None)
    """
    return f"({concept_id})"


def outside_concept(group: str) -> str | None:
    """The concept of an :func:`outside_group`, or None for a subgraph or cluster id."""
    if group.startswith("(") and group.endswith(")"):
        return group[1:-1]
    return None


__all__ = ["bridges", "outside_concept", "outside_group", "participation"]


def participation(links: Counter[str]) -> float:
    """Participation coefficient of a concept whose relationships go to groups as *links*.

    >>> participation(Counter({"a": 2, "b": 2})), participation(Counter({"a": 3}))
    (0.5, 0.0)
    """
    k = sum(links.values())
    if k == 0:
        return 0.0
    return 1.0 - sum((x / k) ** 2 for x in links.values())


def _cuts(adj: dict[str, list[str]]) -> tuple[set[str], list[tuple[str, str]]]:
    """Articulation points and bridges of a simple undirected graph, in one pass.

    Hopcroft and Tarjan's depth-first search with low points, iterative (no recursion
    limit on long chains): a bridge is a tree edge ``(u, v)`` with ``low[v] > disc[u]``; a
    non-root ``u`` is an articulation point when a child has ``low[v] >= disc[u]``, the
    root when it has two or more children. Linear time; networkx's chain decomposition
    took 0.5 s for the bridges of a 10,000-concept map (tests compare the two).

    >>> sorted(_cuts({"A": ["B"], "B": ["A", "C"], "C": ["B"]})[0])
    ['B']
    """
    disc: dict[str, int] = {}
    low: dict[str, int] = {}
    points: set[str] = set()
    edges: list[tuple[str, str]] = []
    clock = 0
    for root in adj:
        if root in disc:
            continue
        disc[root] = low[root] = clock
        clock += 1
        children = 0
        stack: list[tuple[str, str | None, Iterator[str]]] = [(root, None, iter(adj[root]))]
        while stack:
            v, parent, todo = stack[-1]
            for w in todo:
                if w == parent:
                    continue  # the tree edge back up (the graph is simple: just one)
                if w in disc:
                    if disc[w] < low[v]:
                        low[v] = disc[w]
                    continue
                disc[w] = low[w] = clock
                clock += 1
                stack.append((w, v, iter(adj[w])))
                break
            else:  # every neighbour of v seen: v is done
                stack.pop()
                if parent is None:
                    continue
                if low[v] < low[parent]:
                    low[parent] = low[v]
                if low[v] > disc[parent]:
                    edges.append((parent, v))
                if parent == root:
                    children += 1
                elif low[v] >= disc[parent]:
                    points.add(parent)
        if children > 1:
            points.add(root)
    return points, edges


def bridges(cmap: ConceptMap, *, clusters: ClusterResult | None = None) -> BridgeResult:
    """Articulation points, bridge relationships, connectors, cross-links and components.

    *clusters* are the groups for connectors on a map without subgraphs (default: Louvain,
    seed 0); a caller that has already found them (the report) passes its own.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABC"),
    ...     relationships=(Relationship(id="e1", source="A", target="B"),
    ...                    Relationship(id="e2", source="B", target="C")),
    ... )
    >>> r = bridges(cmap)
    >>> [a.id for a in r.articulation_points], [b.relationship for b in r.bridges]
    (['B'], ['e1', 'e2'])
    """
    G = undirected(cmap)
    visible = [r for r in cmap.relationships if r.stroke != "invisible" and r.source != r.target]
    cut_points, cut_edges = _cuts({v: list(G.adj[v]) for v in G})
    arts = sorted(cut_points)
    first_rel: dict[frozenset[str], int] = {}
    for i, r in enumerate(visible):
        first_rel.setdefault(frozenset((r.source, r.target)), i)
    bridge_rows = []
    for u, v in cut_edges:
        if G[u][v]["weight"] > 1:
            continue
        r = visible[first_rel[frozenset((u, v))]]
        # the view has no self-loops: one neighbour is all a leaf has
        leaf = next((x for x in (r.target, r.source) if len(G.adj[x]) == 1), None)
        bridge_rows.append(
            BridgeRelationship(
                source=r.source, target=r.target, relationship=r.id, label=r.label, leaf=leaf
            )
        )
    bridge_rows.sort(key=lambda b: (b.source, b.target, b.relationship))

    basis: Literal["subgraphs", "clusters", "none"]
    if cmap.subgraphs:
        basis = "subgraphs"
        group = {v: top_subgraph(cmap, v) or outside_group(v) for v in G}
    elif G.number_of_edges():
        basis = "clusters"
        found = clusters if clusters is not None else find_clusters(cmap, seed=0)
        group = {v: c.id for c in found.clusters for v in c.members}
    else:
        basis = "none"
        group = {}
    links: dict[str, Counter[str]] = {}
    cross = []
    for r in visible:
        if group:
            links.setdefault(r.source, Counter())[group[r.target]] += 1
            links.setdefault(r.target, Counter())[group[r.source]] += 1
        if basis == "subgraphs":
            sa, sb = top_subgraph(cmap, r.source), top_subgraph(cmap, r.target)
            if sa is not None and sb is not None and sa != sb:
                cross.append(
                    CrossLink(
                        id=r.id,
                        source=r.source,
                        target=r.target,
                        label=r.label,
                        source_subgraph=sa,
                        target_subgraph=sb,
                    )
                )
    connectors = []
    for v, counter in links.items():
        p = participation(counter)
        if p > 0:
            connectors.append(
                Connector(
                    id=v,
                    label=cmap.label_of(v),
                    participation=p,
                    degree=sum(counter.values()),
                    groups=tuple(sorted(counter)),
                )
            )
    connectors.sort(key=lambda c: (-c.participation, -c.degree, c.id))
    components = _components(list(G.nodes), [(r.source, r.target) for r in visible])
    return BridgeResult(
        articulation_points=tuple(ConceptRef(id=v, label=cmap.label_of(v)) for v in arts),
        bridges=tuple(bridge_rows),
        connectors=tuple(connectors),
        basis=basis,
        cross_links=tuple(cross),
        components=components,
    )
