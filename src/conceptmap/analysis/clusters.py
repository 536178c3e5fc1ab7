"""Topics of a map: :func:`clusters`, compared with the author's subgraphs.

Community detection runs on the undirected view (invisible links left out, parallel
relationships as edge weight): ``louvain`` (seeded), ``greedy`` (Clauset-Newman-Moore
greedy modularity) or ``label-propagation`` (asynchronous, seeded), all from networkx.

* A cluster's **central** concept has the most relationships inside the cluster (ties:
  total degree, then id); the cluster is **named** after its label.
* The **subgraph partition** puts each concept in its top-level subgraph (nested
  subgraphs count as their outermost ancestor); concepts outside every subgraph are
  singletons. ``subgraph_modularity`` is its modularity (same weights and resolution).
* **Agreement** compares the two partitions over the concepts that are in a subgraph:
  NMI (arithmetic-mean normalisation) and adjusted Rand index.
* **Misplaced?** -- a concept whose cluster mostly holds another subgraph's concepts
  (the subgraph with most members in the cluster, ties by id) and which has more
  relationships into that subgraph than into its own (so the hub of a subgraph that also
  feeds a neighbouring topic is not told to move).
* **Gaps** -- pairs of clusters of at least :data:`GAP_MIN_SIZE` concepts joined by at
  most :data:`GAP_MAX_LINKS` relationships, largest pairs first, at most
  :data:`GAP_LIMIT` pairs.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

from conceptmap.analysis.results import Agreement, Cluster, ClusterGap, ClusterResult, Misplaced
from conceptmap.analysis.stats import _degrees
from conceptmap.graph import undirected

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from collections.abc import Set as AbstractSet

    import networkx as nx

    from conceptmap.model import ConceptMap

__all__ = [
    "GAP_LIMIT",
    "GAP_MAX_LINKS",
    "GAP_MIN_SIZE",
    "METHODS",
    "adjusted_rand",
    "clusters",
    "normalized_mutual_information",
    "subgraph_partition",
    "top_subgraph",
]

METHODS = ("louvain", "greedy", "label-propagation")
GAP_MAX_LINKS = 1
GAP_MIN_SIZE = 3
GAP_LIMIT = 50


def top_subgraph(cmap: ConceptMap, concept_id: str) -> str | None:
    """The outermost subgraph holding the concept (None outside every subgraph)."""
    c = cmap.concept_by_id.get(concept_id)
    sub = c.subgraph if c is not None else None
    by_id = cmap.subgraph_by_id
    seen: set[str] = set()
    while sub is not None and sub in by_id and by_id[sub].parent and sub not in seen:
        seen.add(sub)
        sub = by_id[sub].parent
    return sub


def subgraph_partition(cmap: ConceptMap, nodes: Iterable[str]) -> list[set[str]]:
    """The author's grouping of *nodes*: one set per top-level subgraph, singletons else."""
    groups: dict[str, set[str]] = {}
    singles: list[set[str]] = []
    for v in nodes:
        s = top_subgraph(cmap, v)
        if s is None:
            singles.append({v})
        else:
            groups.setdefault(s, set()).add(v)
    return [groups[k] for k in sorted(groups)] + singles


def _contingency(
    a: Sequence[int], b: Sequence[int]
) -> tuple[Counter[tuple[int, int]], Counter[int], Counter[int]]:
    return Counter(zip(a, b, strict=True)), Counter(a), Counter(b)


def normalized_mutual_information(a: Sequence[int], b: Sequence[int]) -> float:
    """NMI of two labelings with arithmetic-mean normalisation (as scikit-learn's default).

    >>> normalized_mutual_information([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    n = len(a)
    if n == 0:
        return 1.0
    joint, ca, cb = _contingency(a, b)

    def entropy(c: Counter[int]) -> float:
        return -sum(x / n * math.log(x / n) for x in c.values())

    ha, hb = entropy(ca), entropy(cb)
    if ha == 0 and hb == 0:
        return 1.0
    mi = sum(x / n * math.log(x * n / (ca[i] * cb[j])) for (i, j), x in joint.items())
    denom = (ha + hb) / 2
    return max(0.0, min(1.0, mi / denom)) if denom > 0 else 0.0


def adjusted_rand(a: Sequence[int], b: Sequence[int]) -> float:
    """Adjusted Rand index of two labelings (Hubert and Arabie).

    >>> adjusted_rand([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    """
    n = len(a)
    joint, ca, cb = _contingency(a, b)

    def c2(x: int) -> float:
        return x * (x - 1) / 2

    index = sum(c2(x) for x in joint.values())
    sa, sb = sum(c2(x) for x in ca.values()), sum(c2(x) for x in cb.values())
    total = c2(n)
    if total == 0:
        return 1.0
    expected = sa * sb / total
    maximum = (sa + sb) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _communities(
    G: nx.Graph[str], method: str, seed: int, resolution: float
) -> list[AbstractSet[str]]:
    """Sets of concept ids (greedy modularity gives frozensets, the others sets)."""
    import networkx as nx  # imported here: `conceptmap stats` never needs it

    if G.number_of_nodes() == 0:
        return []
    if method == "louvain":
        return list(
            nx.community.louvain_communities(G, weight="weight", resolution=resolution, seed=seed)
        )
    if method == "greedy":
        return list(
            nx.community.greedy_modularity_communities(G, weight="weight", resolution=resolution)
        )
    if method in ("label-propagation", "label_propagation"):
        return list(nx.community.asyn_lpa_communities(G, weight="weight", seed=seed))
    raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")


def clusters(
    cmap: ConceptMap, *, method: str = "louvain", seed: int = 0, resolution: float = 1.0
) -> ClusterResult:
    """Communities of the map, named by their central concept, compared with the subgraphs.

    Parameters
    ----------
    cmap : ConceptMap
    method : {"louvain", "greedy", "label-propagation"}
    seed : int
        Seed for Louvain and label propagation (greedy is deterministic).
    resolution : float
        Modularity resolution; above 1 favours smaller clusters (not used by
        label propagation).

    Returns
    -------
    ClusterResult

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> edges = [("A", "B"), ("B", "C"), ("A", "C"), ("D", "E"), ("E", "F"), ("D", "F"),
    ...          ("C", "D")]
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABCDEF"),
    ...     relationships=tuple(Relationship(id=f"e{i}", source=a, target=b)
    ...                         for i, (a, b) in enumerate(edges)),
    ... )
    >>> r = clusters(cmap)
    >>> [c.members for c in r.clusters], round(r.modularity, 3)
    ([('A', 'B', 'C'), ('D', 'E', 'F')], 0.357)
    """
    G = undirected(cmap)
    comms = _communities(G, method, seed, resolution)
    indeg, outdeg = _degrees(cmap)
    degree = {v: indeg.get(v, 0) + outdeg.get(v, 0) for v in G}
    modularity = _modularity(G, comms, resolution)
    ordered = sorted((sorted(c) for c in comms), key=lambda m: (-len(m), m[0]))
    cluster_of = {v: ci for ci, members in enumerate(ordered) for v in members}
    internal = [0] * len(ordered)
    inside: Counter[str] = Counter()
    between: Counter[tuple[int, int]] = Counter()
    for r in cmap.relationships:
        if r.stroke == "invisible" or r.source == r.target:
            continue
        ca, cb = cluster_of[r.source], cluster_of[r.target]
        if ca == cb:
            internal[ca] += 1
            inside[r.source] += 1
            inside[r.target] += 1
        else:
            between[(min(ca, cb), max(ca, cb))] += 1
    has_subgraphs = bool(cmap.subgraphs)
    top = {v: top_subgraph(cmap, v) for v in G} if has_subgraphs else {}
    result_clusters = []
    for ci, members in enumerate(ordered):
        central = min(members, key=lambda v: (-inside[v], -degree[v], v))
        subs = sorted({s for v in members if (s := top.get(v)) is not None})
        result_clusters.append(
            Cluster(
                id=f"C{ci + 1}",
                name=cmap.label_of(central).replace("\n", " "),
                members=tuple(members),
                central=central,
                size=len(members),
                internal=internal[ci],
                subgraphs=tuple(subs),
            )
        )
    sub_mod: float | None = None
    agreement: Agreement | None = None
    misplaced: list[Misplaced] = []
    if has_subgraphs:
        parts = subgraph_partition(cmap, G.nodes)
        sub_mod = _modularity(G, parts, resolution)
        top_of = {v: s for v in G if (s := top[v]) is not None}
        in_sub = sorted(top_of)
        sub_ids = sorted(set(top_of.values()))
        sub_index = {s: i for i, s in enumerate(sub_ids)}
        labels_a = [cluster_of[v] for v in in_sub]
        labels_b = [sub_index[top_of[v]] for v in in_sub]
        agreement = Agreement(
            nmi=normalized_mutual_information(labels_a, labels_b),
            ari=adjusted_rand(labels_a, labels_b),
        )
        for ci, members in enumerate(ordered):
            counts = Counter(s for v in members if (s := top[v]) is not None)
            if not counts:
                continue
            dominant = min(counts, key=lambda s: (-counts[s], s))
            for v in members:
                s = top[v]
                if s is None or s == dominant:
                    continue
                # ... and only if its own links lean that way: the hub of its subgraph,
                # clustered with a neighbour topic it also feeds, stays where it is
                leans: Counter[str | None] = Counter()
                for w, d in G[v].items():
                    leans[top[w]] += d["weight"]  # parallel relationships count each
                if leans[dominant] > leans[s]:
                    misplaced.append(
                        Misplaced(
                            id=v,
                            label=cmap.label_of(v),
                            subgraph=s,
                            cluster=f"C{ci + 1}",
                            suggested=dominant,
                        )
                    )
    misplaced.sort(key=lambda m: m.id)
    big = [ci for ci, m in enumerate(ordered) if len(m) >= GAP_MIN_SIZE]
    gaps = []
    for x, ci in enumerate(big):
        for cj in big[x + 1 :]:
            links = between.get((ci, cj), 0)
            if links <= GAP_MAX_LINKS:
                size = len(ordered[ci]) * len(ordered[cj])
                gaps.append((links, -size, ci, cj))
    gaps.sort()
    return ClusterResult(
        method="label-propagation" if method == "label_propagation" else method,
        seed=seed,
        resolution=resolution,
        clusters=tuple(result_clusters),
        modularity=modularity,
        subgraph_modularity=sub_mod,
        agreement=agreement,
        misplaced=tuple(misplaced),
        gaps=tuple(
            ClusterGap(a=f"C{ci + 1}", b=f"C{cj + 1}", links=links)
            for links, _s, ci, cj in gaps[:GAP_LIMIT]
        ),
    )


def _modularity(G: nx.Graph[str], parts: Any, resolution: float) -> float:
    """Modularity, defined as 0.0 for a map without relationships (networkx divides by 0)."""
    import networkx as nx  # imported here: `conceptmap stats` never needs it

    if G.number_of_edges() == 0:
        return 0.0
    return float(nx.community.modularity(G, parts, weight="weight", resolution=resolution))
