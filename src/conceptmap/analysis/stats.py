"""Counts and structure of a map: :func:`map_stats`.

One pass over the relationships (no graph library, no per-edge list scans), so it stays
fast on very large maps: 100k relationships take a fraction of a second.

Conventions shared by every analyser:

* **Degree** ("connections" in concept-map documents) counts every relationship touching
  a concept, parallel ones too; a self-loop counts 2 (once out, once in). Invisible links
  (``~~~``) are Mermaid layout hints, not propositions, and are not counted.
* **Components** are those of the undirected view without invisible links.
"""

from __future__ import annotations

import heapq
from collections import Counter
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING

from conceptmap.analysis.results import (
    ConceptDegree,
    StatsResult,
    SubgraphInfo,
)
from conceptmap.model import trusted_many

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap

__all__ = ["concept_degrees", "map_stats"]


def _degrees(cmap: ConceptMap) -> tuple[dict[str, int], dict[str, int]]:
    """(in-degree, out-degree) of every concept (and of subgraph ids used as endpoints)."""
    rels = cmap.relationships
    visible = list(compress(rels, map("invisible".__ne__, map(attrgetter("stroke"), rels))))
    indeg: dict[str, int] = dict.fromkeys(cmap.concept_by_id, 0)
    outdeg: dict[str, int] = dict.fromkeys(cmap.concept_by_id, 0)
    indeg.update(Counter(map(attrgetter("target"), visible)))  # all in C
    outdeg.update(Counter(map(attrgetter("source"), visible)))
    return indeg, outdeg


def concept_degrees(cmap: ConceptMap) -> dict[str, int]:
    """Each concept's degree: relationships touching it, parallel ones included, a
    self-loop twice, invisible ``~~~`` links left out (the documents' "connections").

    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(concepts=(Concept(id="A", label="A"), Concept(id="B", label="B")),
    ...                   relationships=(Relationship(id="e", source="A", target="B"),))
    >>> concept_degrees(cmap)
    {'A': 1, 'B': 1}
    """
    indeg, outdeg = _degrees(cmap)
    return {c.id: indeg[c.id] + outdeg[c.id] for c in cmap.concepts}


def _components(nodes: list[str], pairs: list[tuple[str, str]]) -> tuple[tuple[str, ...], ...]:
    """Connected components (union-find over integer ids); largest first, then by id."""
    index: dict[str, int] = {}
    for n in nodes:
        index.setdefault(n, len(index))
    parent: list[int] = list(range(len(index)))
    for a, b in pairs:
        ia = index.get(a)
        if ia is None:
            ia = index[a] = len(parent)
            parent.append(ia)
        ib = index.get(b)
        if ib is None:
            ib = index[b] = len(parent)
            parent.append(ib)
        while parent[ia] != ia:  # find with path halving
            parent[ia] = parent[parent[ia]]
            ia = parent[ia]
        while parent[ib] != ib:
            parent[ib] = parent[parent[ib]]
            ib = parent[ib]
        if ia != ib:
            parent[ia] = ib
    groups: dict[int, list[str]] = {}
    for name, i in index.items():
        root = i
        while parent[root] != root:
            root = parent[root]
        groups.setdefault(root, []).append(name)
    comps = [tuple(sorted(g)) for g in groups.values()]
    comps.sort(key=lambda c: (-len(c), c[0]))
    return tuple(comps)


def map_stats(cmap: ConceptMap, *, top: int | None = None) -> StatsResult:
    """Counts, relationships by kind, subgraphs, components, isolated concepts and degrees.

    Parameters
    ----------
    cmap : ConceptMap
        The map.
    top : int, optional
        Keep only the *top* best-connected concepts in ``degrees`` (all when None);
        every other figure still covers the whole map.

    Returns
    -------
    StatsResult
        ``density`` is the number of linked concept pairs (either direction, invisible
        links left out) over ``n*(n-1)/2``; ``degrees`` is ranked by degree, then id.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=(Concept(id="A", label="A"), Concept(id="B", label="B"),
    ...               Concept(id="C", label="C")),
    ...     relationships=(Relationship(id="e1", source="A", target="B", label="uses"),),
    ... )
    >>> s = map_stats(cmap)
    >>> s.components, s.isolated, s.degrees[0].degree
    ((('A', 'B'), ('C',)), ('C',), 1)
    """
    concept_ids = list(cmap.concept_by_id)
    # One pass over the relationships for every count (this runs on 100k-link maps).
    indeg: dict[str, int] = dict.fromkeys(concept_ids, 0)
    outdeg: dict[str, int] = dict.fromkeys(concept_ids, 0)
    kinds: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    self_loops = visible_count = labelled = 0
    for r in cmap.relationships:
        src, tgt = r.source, r.target
        kinds[r.kind] += 1
        if src == tgt:
            self_loops += 1
        if r.stroke == "invisible":
            continue
        visible_count += 1
        if r.label and not r.label.isspace():
            labelled += 1
        outdeg[src] = outdeg.get(src, 0) + 1
        indeg[tgt] = indeg.get(tgt, 0) + 1
        pairs.add((src, tgt) if src <= tgt else (tgt, src))
    linked = sum(1 for a, b in pairs if a != b)
    components = _components(concept_ids, list(pairs))
    labels = {c.id: c.label for c in cmap.concepts}
    degree = {n: indeg[n] + outdeg[n] for n in concept_ids}
    if top is None:
        ranked = sorted(concept_ids, key=lambda n: (-degree[n], n))
    else:
        ranked = heapq.nsmallest(top, concept_ids, key=lambda n: (-degree[n], n))
    # Built without re-validation (~1 us a row; the values are ints and strs from the map).
    rows = tuple(
        trusted_many(
            ConceptDegree,
            (
                {
                    "id": n,
                    "label": labels[n],
                    "degree": degree[n],
                    "in_degree": indeg[n],
                    "out_degree": outdeg[n],
                }
                for n in ranked
            ),
        )
    )
    n = len(concept_ids)
    sub_sizes = Counter(c.subgraph for c in cmap.concepts if c.subgraph is not None)
    subgraphs = tuple(
        SubgraphInfo(
            id=s.id,
            title=s.title,
            parent=s.parent,
            concepts=max(len(s.concepts), sub_sizes.get(s.id, 0)),
        )
        for s in cmap.subgraphs
    )
    return StatsResult(
        concepts=n,
        relationships=len(cmap.relationships),
        visible_relationships=visible_count,
        labelled_relationships=labelled,
        relationships_by_kind=dict(sorted(kinds.items())),
        self_loops=self_loops,
        subgraphs=subgraphs,
        components=components,
        isolated=tuple(sorted(c for c in concept_ids if degree[c] == 0)),
        density=(2 * linked / (n * (n - 1))) if n > 1 else 0.0,
        max_degree=max(degree.values(), default=0),
        mean_degree=(sum(degree.values()) / n) if n else 0.0,
        degrees=rows,
    )
