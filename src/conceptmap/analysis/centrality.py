"""Centrality of every concept: :func:`centrality` and the tier rule :func:`tier_for`.

Measures
--------
* **degree** / ``in_degree`` / ``out_degree`` -- relationships touching the concept, parallel
  ones counted, a self-loop counted twice, invisible ``~~~`` links left out. This is what
  concept-map documents call "connections".
* **betweenness** -- normalised betweenness on the undirected simple view (Brandes):
  the share of shortest paths between other pairs that pass through the concept,
  ``/ ((n-1)(n-2)/2)``. Same values as ``networkx.betweenness_centrality(G)``.
* **closeness** -- Wasserman-Faust closeness on the undirected view, as
  ``networkx.closeness_centrality`` (``(r-1)/sum(d) * (r-1)/(n-1)``, r = concepts reachable).
* **pagerank** -- PageRank on the directed view (alpha 0.85, parallel relationships as
  weight, dangling concepts spread uniformly), as ``networkx.pagerank``.
* **eigenvector** -- eigenvector centrality (L2-normalised, power iteration on ``A + I``,
  as ``networkx.eigenvector_centrality``) on the largest connected component; ``None`` for
  concepts outside it, or when the iteration does not converge.

Large maps
----------
Betweenness and closeness need one breadth-first search per concept (O(n*m)). Up to
``betweenness_exact_max`` concepts they are exact; above it, ``k`` source concepts
(default :data:`DEFAULT_K`) are sampled with ``random.Random(seed)`` and the sums
extrapolated (Brandes-Pich for betweenness, Eppstein-Wang for closeness); the result says
``exact=False`` and gives ``k`` and ``seed``. The default limit depends on the backend:
:data:`EXACT_MAX_PYTHON` (1,000) concepts for the pure-Python backend and
:data:`EXACT_MAX_IGRAPH` (5,000) when python-igraph is installed (``conceptmap[fast]``);
igraph is used automatically when importable (set ``CONCEPTMAP_BACKEND=python`` to opt out).

Tiers
-----
:func:`tier_for` turns degree into the vocabulary of concept-map documents. With
``r = degree / max_degree`` (max over the map's concepts):

===========  ================================
tier         rule
===========  ================================
Critical     ``r >= 0.8``
High         ``r >= 0.5``
Medium       ``r >= 0.25`` and degree >= 2
Low          everything else (and degree 0)
===========  ================================
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from conceptmap.analysis.results import (
    CentralityResult,
    ConceptCentrality,
    Tier,
)
from conceptmap.analysis.stats import _degrees

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap

__all__ = [
    "DEFAULT_K",
    "EXACT_MAX_IGRAPH",
    "EXACT_MAX_PYTHON",
    "MEASURES",
    "TIER_THRESHOLDS",
    "centrality",
    "fast_backend_available",
    "tier_for",
]

EXACT_MAX_PYTHON = 1_000
EXACT_MAX_IGRAPH = 5_000
DEFAULT_K = 256
MEASURES = ("degree", "betweenness", "pagerank", "closeness", "eigenvector")
#: (tier, minimum degree/max_degree ratio, minimum degree), checked in order.
TIER_THRESHOLDS: tuple[tuple[Tier, float, int], ...] = (
    ("Critical", 0.8, 1),
    ("High", 0.5, 1),
    ("Medium", 0.25, 2),
)
Backend = Literal["auto", "python", "igraph"]


def tier_for(degree: int, max_degree: int) -> Tier:
    """The tier of a concept with *degree* connections in a map whose top concept has *max_degree*.

    >>> tier_for(7, 7), tier_for(4, 7), tier_for(2, 7), tier_for(1, 7)
    ('Critical', 'High', 'Medium', 'Low')
    """
    if max_degree <= 0 or degree <= 0:
        return "Low"
    ratio = degree / max_degree
    for tier, min_ratio, min_degree in TIER_THRESHOLDS:
        if ratio >= min_ratio and degree >= min_degree:
            return tier
    return "Low"


def fast_backend_available() -> bool:
    """True when python-igraph can be imported (and not disabled by CONCEPTMAP_BACKEND)."""
    if os.environ.get("CONCEPTMAP_BACKEND", "").lower() == "python":
        return False
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


# -- graph as integer adjacency -------------------------------------------------------------
class _Graph:
    """Nodes 0..n-1; undirected simple adjacency; directed weighted successor lists."""

    def __init__(self, cmap: ConceptMap) -> None:
        nodes = list(cmap.concept_by_id)
        index = {n: i for i, n in enumerate(nodes)}
        und: dict[tuple[int, int], int] = {}
        dirw: dict[tuple[int, int], int] = {}
        for r in cmap.relationships:
            if r.stroke == "invisible" or r.source == r.target:
                continue
            for end in (r.source, r.target):
                if end not in index:  # a subgraph id used as an endpoint
                    index[end] = len(nodes)
                    nodes.append(end)
            a, b = index[r.source], index[r.target]
            dirw[(a, b)] = dirw.get((a, b), 0) + 1
            key = (a, b) if a < b else (b, a)
            und[key] = und.get(key, 0) + 1
        self.nodes = nodes
        self.n = n = len(nodes)
        self.und_edges = und
        self.dir_edges = dirw
        self.adj: list[list[int]] = [[] for _ in range(n)]
        for a, b in und:
            self.adj[a].append(b)
            self.adj[b].append(a)
        self.comp = [-1] * n
        self.comp_size: list[int] = []
        for s in range(n):
            if self.comp[s] >= 0:
                continue
            cid = len(self.comp_size)
            self.comp[s] = cid
            stack = [s]
            size = 0
            while stack:
                v = stack.pop()
                size += 1
                for w in self.adj[v]:
                    if self.comp[w] < 0:
                        self.comp[w] = cid
                        stack.append(w)
            self.comp_size.append(size)

    def largest_component(self) -> list[int]:
        if not self.comp_size:
            return []
        best = max(range(len(self.comp_size)), key=lambda c: (self.comp_size[c], -c))
        return [v for v in range(self.n) if self.comp[v] == best]


# -- pure-Python backend --------------------------------------------------------------------
def _leaves(g: _Graph) -> tuple[list[int], list[int]]:
    """Concepts of degree 1 whose one neighbour has more, and per concept how many it has.

    A search from such a leaf *u* (neighbour *v*) repeats the one from *v*: every route
    from *u* runs through *v*, one step longer. So for all-pairs betweenness it adds
    ``delta_v(x)`` to every other concept *x* and ``r - 2`` (the rest of the component)
    to *v*, and its distance total is ``own[v] + r - 2``. Concept maps are about half
    leaves; skipping their searches roughly halves exact betweenness and closeness.
    """
    adj = g.adj
    leaves = [u for u in range(g.n) if len(adj[u]) == 1 and len(adj[adj[u][0]]) > 1]
    count = [0] * g.n
    for u in leaves:
        count[adj[u][0]] += 1
    return leaves, count


def _brandes(
    g: _Graph, sources: Sequence[int], *, all_sources: bool = False
) -> tuple[list[float], list[int], list[int], list[int]]:
    """Betweenness sums over *sources* (both directions of a pair) and distance sums.

    Returns ``(bc, own, dsum, dcnt)``: ``own[s]`` is the total distance from source *s*;
    ``dsum[v]``/``dcnt[v]`` sum the distances from the sources that reach *v* (v excluded).
    With *all_sources* (every concept is a source: exact values) the searches from leaves
    are not run but derived from their neighbour's (see :func:`_leaves`); ``dsum`` and
    ``dcnt``, which only sampled estimates use, are then left empty.
    """
    n, adj = g.n, g.adj
    bc = [0.0] * n
    own = [0] * n
    dsum = [0] * n  # sum of distances from the sources to each node
    dcnt = [0] * n  # number of sources that reach each node (itself excluded)
    dist = [-1] * n
    leaves: list[int] = []
    extra = [0] * n  # skipped leaf searches that copy the search from each concept
    if all_sources:
        leaves, extra = _leaves(g)
        skip = set(leaves)
        sources = [v for v in range(n) if v not in skip]
    for s in sources:
        mult = 1.0 + extra[s]
        sigma = [0] * n
        order = [s]
        dist[s] = 0
        sigma[s] = 1
        for v in order:  # the list grows while we walk it: a BFS queue, no index arithmetic
            dv = dist[v] + 1
            sv = sigma[v]
            for w in adj[v]:
                dw = dist[w]
                if dw < 0:
                    dist[w] = dv
                    order.append(w)
                    sigma[w] = sv
                elif dw == dv:
                    sigma[w] += sv
        delta = [0.0] * n
        tot = 0
        for w in reversed(order):
            dw = dist[w]
            coeff = (1.0 + delta[w]) / sigma[w]
            dm = dw - 1
            for v in adj[w]:
                if dist[v] == dm:
                    delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] += delta[w] * mult
                if not all_sources:
                    dsum[w] += dw
                    dcnt[w] += 1
                tot += dw
        own[s] = tot
        if extra[s]:  # the leaves' own searches: everything else is reached through s
            bc[s] += extra[s] * (len(order) - 2)
        for v in order:
            dist[v] = -1
    for u in leaves:  # 1 from its neighbour, 1 further than it from every other concept
        v = adj[u][0]
        own[u] = own[v] + g.comp_size[g.comp[v]] - 2
    return bc, own, dsum, dcnt


def _pagerank_python(g: _Graph, alpha: float = 0.85, max_iter: int = 100) -> list[float]:
    n = g.n
    if n == 0:
        return []
    outw = [0] * n
    for (a, _b), w in g.dir_edges.items():
        outw[a] += w
    edges = [(a, b, w / outw[a]) for (a, b), w in g.dir_edges.items()]
    dangling = [v for v in range(n) if outw[v] == 0]
    x = [1.0 / n] * n
    base = (1.0 - alpha) / n
    for _ in range(max_iter):
        xlast = x
        spread = alpha * sum(xlast[v] for v in dangling) / n + base
        x = [spread] * n
        for a, b, share in edges:  # share: a float (w above is an int weight)
            x[b] += alpha * xlast[a] * share
        if sum(abs(x[v] - xlast[v]) for v in range(n)) < n * 1e-6:
            break
    return x


def _eigenvector_python(g: _Graph, nodes: list[int], max_iter: int = 100) -> list[float] | None:
    """Power iteration on A + I over *nodes* (one component), weights = relationship count."""
    m = len(nodes)
    if m < 2:
        return None
    local = {v: i for i, v in enumerate(nodes)}
    edges = [(local[a], local[b], w) for (a, b), w in g.und_edges.items() if a in local]
    x = [1.0 / m] * m
    for _ in range(max_iter):
        xlast = x
        x = list(xlast)
        for a, b, w in edges:
            x[b] += xlast[a] * w
            x[a] += xlast[b] * w
        norm = math.sqrt(sum(z * z for z in x)) or 1.0
        x = [z / norm for z in x]
        if sum(abs(x[i] - xlast[i]) for i in range(m)) < m * 1e-6:
            return x
    return None


def _python_measures(
    g: _Graph, sources: Sequence[int] | None
) -> tuple[list[float], list[float], list[float], list[float] | None, list[int]]:
    n = g.n
    srcs = range(n) if sources is None else sources
    bc, own, dsum, dcnt = _brandes(g, srcs, all_sources=sources is None)
    closeness = _closeness_from(g, own, dsum, dcnt, sources)
    pr = _pagerank_python(g)
    big = g.largest_component()
    ev = _eigenvector_python(g, big)
    return bc, closeness, pr, _spread(n, big, ev), big


def _closeness_from(
    g: _Graph,
    own: list[int],
    dsum: list[int] | list[float],
    dcnt: list[int],
    sources: Sequence[int] | None,
) -> list[float]:
    """Closeness from distance totals: exact (all sources) or Eppstein-Wang estimates."""
    n = g.n
    out = [0.0] * n
    exact_tot: dict[int, float] = {}
    if sources is None:
        exact_tot = dict(enumerate(own))
    else:
        exact_tot = {s: own[s] for s in sources}
        # components that no sampled source reached are small: compute them exactly
        seen = {g.comp[s] for s in sources}
        missing = [v for v in range(n) if g.comp[v] not in seen and g.comp_size[g.comp[v]] > 1]
        if missing:
            _bc, mown, _s, _c = _brandes(g, missing)
            exact_tot.update((v, mown[v]) for v in missing)
    for v in range(n):
        r = g.comp_size[g.comp[v]]
        if r <= 1 or n <= 1:
            continue
        tot = exact_tot.get(v)
        if tot is None:
            tot = dsum[v] / dcnt[v] * (r - 1) if dcnt[v] else 0.0  # mean from sources x (r-1)
        if tot > 0:
            out[v] = (r - 1) / tot * (r - 1) / (n - 1)
    return out


def _spread(n: int, nodes: list[int], values: list[float] | None) -> list[float] | None:
    if values is None:
        return None
    out: list[float] = [math.nan] * n
    for v, x in zip(nodes, values, strict=True):
        out[v] = x
    return out


# -- igraph backend -------------------------------------------------------------------------
def _igraph_measures(
    g: _Graph, sources: Sequence[int] | None
) -> tuple[list[float], list[float], list[float], list[float] | None, list[int]]:
    import igraph as ig

    n = g.n
    und = ig.Graph(n=n, edges=list(g.und_edges), directed=False)
    und.es["weight"] = list(g.und_edges.values())
    if sources is None:
        bc = [2.0 * b for b in und.betweenness(directed=False)]
        raw = und.closeness(mode="all", normalized=True)
        closeness = []
        for v, c in enumerate(raw):
            r = g.comp_size[g.comp[v]]
            ok = r > 1 and n > 1 and c == c  # igraph gives NaN for isolated vertices
            closeness.append(c * (r - 1) / (n - 1) if ok else 0.0)
    else:
        src = list(sources)
        # igraph counts each (source, target) path once; Brandes-Pich sums both directions
        bc = [2.0 * b for b in und.betweenness(directed=False, sources=src)]
        dsum = [0.0] * n
        dcnt = [0] * n
        own = [0] * n
        for start in range(0, len(src), 64):
            chunk = src[start : start + 64]
            for s, row in zip(chunk, und.distances(source=chunk), strict=True):
                tot = 0
                for v, d in enumerate(row):
                    if d != math.inf and v != s:
                        dsum[v] += d
                        dcnt[v] += 1
                        tot += d
                own[s] = int(tot)
        closeness = _closeness_from(g, own, dsum, dcnt, src)
    dig = ig.Graph(n=n, edges=list(g.dir_edges), directed=True)
    pr = dig.pagerank(directed=True, damping=0.85, weights=list(g.dir_edges.values()))
    big = g.largest_component()
    ev: list[float] | None = None
    if len(big) >= 2:
        sub = und.induced_subgraph(big)
        vals = sub.eigenvector_centrality(scale=True, weights="weight")
        norm = math.sqrt(sum(x * x for x in vals)) or 1.0
        ev = [x / norm for x in vals]
    return bc, closeness, pr, _spread(n, big, ev), big


# -- public ---------------------------------------------------------------------------------
_RANK_KEYS: dict[str, Callable[[ConceptCentrality], tuple[float, ...]]] = {
    "degree": lambda c: (-c.degree, -c.betweenness),
    "betweenness": lambda c: (-c.betweenness, -c.degree),
    "pagerank": lambda c: (-c.pagerank, -c.degree),
    "closeness": lambda c: (-c.closeness, -c.degree),
    "eigenvector": lambda c: (-(c.eigenvector or 0.0), -c.degree),
}


def centrality(
    cmap: ConceptMap,
    *,
    betweenness_exact_max: int | None = None,
    k: int | None = None,
    seed: int = 0,
    measure: str = "degree",
    backend: Backend = "auto",
) -> CentralityResult:
    """Degree, betweenness, PageRank, closeness and eigenvector centrality of every concept.

    Parameters
    ----------
    cmap : ConceptMap
        The map.
    betweenness_exact_max : int, optional
        Largest number of concepts for exact betweenness/closeness; above it they are
        sampled. Default: :data:`EXACT_MAX_PYTHON` (1,000) with the pure-Python backend,
        :data:`EXACT_MAX_IGRAPH` (5,000) with igraph.
    k : int, optional
        Number of sampled sources when sampling (default :data:`DEFAULT_K`). Giving *k*
        smaller than the number of concepts forces sampling.
    seed : int
        Seed of the source sample.
    measure : str
        Ranking order: ``degree`` (ties by betweenness), ``betweenness``, ``pagerank``,
        ``closeness`` or ``eigenvector`` (ties by degree); final tie-break by id.
    backend : {"auto", "python", "igraph"}
        ``auto`` uses igraph when importable.

    Returns
    -------
    CentralityResult
        ``concepts`` ranked best first.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABC"),
    ...     relationships=(Relationship(id="e1", source="A", target="B"),
    ...                    Relationship(id="e2", source="B", target="C")),
    ... )
    >>> r = centrality(cmap, backend="python")
    >>> [(c.id, c.degree, c.betweenness, c.tier) for c in r.concepts]
    [('B', 2, 1.0, 'Critical'), ('A', 1, 0.0, 'High'), ('C', 1, 0.0, 'High')]
    """
    if measure not in _RANK_KEYS:
        raise ValueError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURES)}")
    use_igraph = backend == "igraph" or (backend == "auto" and fast_backend_available())
    if backend == "igraph" and not fast_backend_available():
        raise ImportError("backend='igraph' needs python-igraph: pip install 'conceptmap[fast]'")
    g = _Graph(cmap)
    n = g.n
    limit = betweenness_exact_max
    if limit is None:
        limit = EXACT_MAX_IGRAPH if use_igraph else EXACT_MAX_PYTHON
    kk = k if k is not None else DEFAULT_K
    exact = n <= limit and (k is None or k >= n)
    sources: list[int] | None = None
    if not exact:
        kk = max(1, min(kk, n))
        sources = sorted(random.Random(seed).sample(range(n), kk))
    run = _igraph_measures if use_igraph else _python_measures
    bc, closeness, pr, ev, _big = run(g, sources)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if sources is not None:
        scale *= n / len(sources)
    indeg, outdeg = _degrees(cmap)
    degree = {c: indeg[c] + outdeg[c] for c in cmap.concept_by_id}
    max_degree = max(degree.values(), default=0)
    rows = []
    for i, c in enumerate(cmap.concepts):
        e = None if ev is None or math.isnan(ev[i]) else ev[i]
        rows.append(
            ConceptCentrality.model_validate(
                {
                    "id": c.id,
                    "label": c.label,
                    "degree": degree[c.id],
                    "in_degree": indeg[c.id],
                    "out_degree": outdeg[c.id],
                    # Rounded to 12 digits: solvers (igraph's ARPACK start vector) differ
                    # in the last bits between runs; output must be byte-identical.
                    "betweenness": round(bc[i] * scale, 12),
                    "pagerank": round(pr[i], 12),
                    "closeness": round(closeness[i], 12),
                    "eigenvector": None if e is None else round(e, 12),
                    "tier": tier_for(degree[c.id], max_degree),
                },
            )
        )
    key = _RANK_KEYS[measure]
    rows.sort(key=lambda c: (*key(c), c.id))
    return CentralityResult(
        concepts=tuple(rows),
        measure=measure,
        exact=exact,
        k=None if exact else kk,
        seed=seed,
        backend="igraph" if use_igraph else "python",
        max_degree=max_degree,
    )
