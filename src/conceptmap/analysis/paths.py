"""Learning routes and orders: :func:`learning_path`, :func:`prerequisites`, :func:`learning_order`.

Every visible relationship (invisible ``~~~`` links and self-loops left out) becomes one
*learning edge* ``before -> after``: the :class:`~conceptmap.analysis.relations.RelationVocabulary`
says which end is learned first. Labels it does not know take its default end and are
reported in ``assumptions``.

Costs (:data:`KIND_COST`) make a route prefer strong relationships: ``primary`` 1.0,
``has-part`` and ``plain`` 1.5, ``secondary`` 2.0, any other kind 1.5. A route going
against the learning order (only with ``any_direction=True``) costs double.

Orders are topological (Kahn); concepts that are each other's prerequisites (a cycle) are
learned together, in tie-break order, and reported in ``cycles`` instead of failing.
Ties: ``prerequisites`` takes the deepest concept first (depth = fewest learning edges to
the target), then the highest degree, then id; ``learning_order`` takes the lowest level
(longest chain of prerequisites), then the highest degree, then id.
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from typing import TYPE_CHECKING

from conceptmap.analysis.relations import RelationVocabulary, default_relations, normalize_label
from conceptmap.analysis.results import (
    Assumption,
    CycleFinding,
    LearningStep,
    OrderResult,
    PathResult,
    PathStep,
    PrereqResult,
    RelationRef,
)
from conceptmap.analysis.stats import _degrees
from conceptmap.model import trusted

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap, Relationship

__all__ = ["KIND_COST", "learning_path", "learning_order", "prerequisites"]

KIND_COST: dict[str, float] = {"primary": 1.0, "has-part": 1.5, "plain": 1.5, "secondary": 2.0}
_OTHER_COST = 1.5
_AGAINST_FACTOR = 2.0

# (neighbour, cost, relationship index)
_Adj = dict[str, list[tuple[str, float, int]]]


class _Learning:
    """The learning graph of a map: before -> after edges, with assumptions collected."""

    def __init__(self, cmap: ConceptMap, relations: RelationVocabulary | None) -> None:
        vocab = relations or default_relations()
        self.cmap = cmap
        self.rels: list[Relationship] = list(cmap.relationships)
        self.succ: _Adj = defaultdict(list)
        self.pred: _Adj = defaultdict(list)
        self.unknown: dict[str | None, list[int]] = {}
        self.default = vocab.default
        memo: dict[tuple[str | None, str], tuple[str, bool]] = {}
        for i, r in enumerate(self.rels):
            if r.stroke == "invisible" or r.source == r.target:
                continue
            memo_key = (r.label, r.kind)
            hit = memo.get(memo_key)
            if hit is None:  # link phrases repeat: normalise each distinct one once
                hit = memo[memo_key] = vocab.prerequisite_end(r.label, r.kind)
            end, known = hit
            if not known:
                key = normalize_label(r.label) if r.label and r.label.strip() else None
                self.unknown.setdefault(key, []).append(i)
            before, after = (r.source, r.target) if end == "source" else (r.target, r.source)
            cost = KIND_COST.get(r.kind, _OTHER_COST)
            self.succ[before].append((after, cost, i))
            self.pred[after].append((before, cost, i))

    def ref(self, i: int) -> RelationRef:
        # Unvalidated: the values come straight from the (valid) map; 50k steps on big maps.
        r = self.rels[i]
        return trusted(
            RelationRef,
            {"id": r.id, "source": r.source, "target": r.target, "label": r.label, "kind": r.kind},
        )

    def assumptions(self, used: set[int] | None = None) -> tuple[Assumption, ...]:
        out = []
        for label, idx in self.unknown.items():
            ids = [i for i in idx if used is None or i in used]
            if ids:
                out.append(
                    Assumption(
                        label=label,
                        assumed=self.default,
                        count=len(ids),
                        relationships=tuple(self.rels[i].id for i in ids[:20]),
                    )
                )
        out.sort(key=lambda a: (a.label is not None, a.label or ""))
        return tuple(out)

    def cycles(self, nodes: set[str]) -> tuple[list[list[str]], tuple[CycleFinding, ...]]:
        """Strongly connected components of the learning graph restricted to *nodes*."""
        sccs = _tarjan(nodes, self.succ)
        findings = []
        for comp in sccs:
            if len(comp) < 2:
                continue
            members = set(comp)
            rel_ids = sorted(
                {self.rels[i].id for v in comp for (w, _c, i) in self.succ[v] if w in members}
            )
            names = ", ".join(self.cmap.label_of(v) for v in sorted(comp))
            findings.append(
                CycleFinding(
                    concepts=tuple(sorted(comp)),
                    relationships=tuple(rel_ids),
                    message=f"these concepts are each other's prerequisites: {names}",
                )
            )
        findings.sort(key=lambda f: f.concepts)
        return sccs, tuple(findings)


def _tarjan(nodes: set[str], succ: _Adj) -> list[list[str]]:
    """Iterative Tarjan SCC over the subgraph induced by *nodes* (sorted for determinism)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter([w for (w, _c, _i) in succ.get(root, ()) if w in nodes]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter([x for (x, _c, _i) in succ.get(w, ()) if x in nodes])))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


def _reach(start: str, adj: _Adj) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        v = todo.pop()
        for w, _c, _i in adj.get(v, ()):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def _dijkstra(
    start: str, goal: str, adj_lists: list[tuple[_Adj, bool, float]]
) -> tuple[float, list[tuple[str, str, int, bool, float]]] | None:
    """Cheapest route; each adjacency comes with (follows_order, cost factor)."""
    dist = {start: 0.0}
    prev: dict[str, tuple[str, int, bool, float]] = {}
    heap = [(0.0, start)]
    done: set[str] = set()
    while heap:
        d, v = heapq.heappop(heap)
        if v in done:
            continue
        done.add(v)
        if v == goal:
            break
        for adj, forward, factor in adj_lists:
            for w, cost, i in adj.get(v, ()):
                nd = d + cost * factor
                old = dist.get(w)
                # ties: keep the earlier relationship (lower index), deterministic
                if old is None or nd < old - 1e-12 or (abs(nd - old) <= 1e-12 and i < prev[w][1]):
                    if w in done:
                        continue
                    dist[w] = nd
                    prev[w] = (v, i, forward, cost * factor)
                    heapq.heappush(heap, (nd, w))
    if goal not in done:
        return None
    route = []
    v = goal
    while v != start:
        u, i, forward, c = prev[v]
        route.append((u, v, i, forward, c))
        v = u
    route.reverse()
    return dist[goal], route


def learning_path(
    cmap: ConceptMap,
    start: str,
    goal: str,
    *,
    relations: RelationVocabulary | None = None,
    any_direction: bool = False,
) -> PathResult:
    """The cheapest learning route from *start* (known) to *goal*, following prerequisites.

    Parameters
    ----------
    cmap : ConceptMap
    start, goal : str
        Concept ids (use :func:`~conceptmap.analysis.names.resolve_concept` for names).
    relations : RelationVocabulary, optional
        Default: :func:`~conceptmap.analysis.relations.default_relations`.
    any_direction : bool
        Allow steps against the learning order (cost x2): "how are these related?".

    Returns
    -------
    PathResult
        ``found`` is False when no route exists; ``reverse_exists`` then tells whether
        *goal* is learned before *start*.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABC"),
    ...     relationships=(Relationship(id="e1", source="B", target="A", label="uses"),
    ...                    Relationship(id="e2", source="B", target="C", label="enables")),
    ... )
    >>> r = learning_path(cmap, "A", "C")
    >>> [(s.from_id, s.to_id, s.relationship.label) for s in r.steps]
    [('A', 'B', 'uses'), ('B', 'C', 'enables')]
    """
    g = _Learning(cmap, relations)
    adjs: list[tuple[_Adj, bool, float]] = [(g.succ, True, 1.0)]
    if any_direction:
        adjs.append((g.pred, False, _AGAINST_FACTOR))
    found = _dijkstra(start, goal, adjs) if start != goal else (0.0, [])
    reverse = False
    if found is None or any_direction:
        reverse = goal in _reach(start, g.pred) if start != goal else True
    steps: list[PathStep] = []
    used: set[int] = set()
    cycles: tuple[CycleFinding, ...] = ()
    cost = None
    if found is not None:
        cost, route = found
        for pos, (u, v, i, forward, c) in enumerate(route, 1):
            used.add(i)
            steps.append(
                PathStep(
                    position=pos,
                    from_id=u,
                    to_id=v,
                    from_label=cmap.label_of(u),
                    to_label=cmap.label_of(v),
                    relationship=g.ref(i),
                    follows_order=forward,
                    cost=c,
                )
            )
        # cycles in the region between start and goal (descendants of start, ancestors of goal)
        region = _reach(start, g.succ) & _reach(goal, g.pred)
        _sccs, cycles = g.cycles(region)
    return PathResult(
        start=start,
        goal=goal,
        found=found is not None,
        any_direction=any_direction,
        reverse_exists=reverse,
        cost=cost,
        steps=tuple(steps),
        assumptions=g.assumptions(used),
        cycles=cycles,
    )


def _kahn(
    nodes: set[str],
    g: _Learning,
    priority: dict[str, tuple[float, ...]],
) -> tuple[list[str], tuple[CycleFinding, ...]]:
    """Topological order of *nodes* on the condensation; cycle members learned together."""
    sccs, findings = g.cycles(nodes)
    comp_of = {v: ci for ci, comp in enumerate(sccs) for v in comp}
    members = [sorted(comp, key=lambda v: priority[v]) for comp in sccs]
    indeg = [0] * len(sccs)
    out_edges: list[set[int]] = [set() for _ in sccs]
    for v in nodes:
        cv = comp_of[v]
        for w, _c, _i in g.succ.get(v, ()):
            if w in nodes:
                cw = comp_of[w]
                if cw != cv and cw not in out_edges[cv]:
                    out_edges[cv].add(cw)
                    indeg[cw] += 1
    heap = [(priority[members[ci][0]], ci) for ci in range(len(sccs)) if indeg[ci] == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        _p, ci = heapq.heappop(heap)
        order.extend(members[ci])
        for cj in out_edges[ci]:
            indeg[cj] -= 1
            if indeg[cj] == 0:
                heapq.heappush(heap, (priority[members[cj][0]], cj))
    return order, findings


def prerequisites(
    cmap: ConceptMap, target: str, *, relations: RelationVocabulary | None = None
) -> PrereqResult:
    """Everything to learn before *target*, in a valid order, with depth.

    ``depth`` is the number of learning edges from the concept to *target* along the
    shortest chain (1 = direct prerequisite); each step's ``via`` is the relationship on
    that chain. Cycles are reported in ``cycles``; their members are listed together.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABC"),
    ...     relationships=(Relationship(id="e1", source="C", target="B", label="uses"),
    ...                    Relationship(id="e2", source="B", target="A", label="requires")),
    ... )
    >>> [(s.id, s.depth) for s in prerequisites(cmap, "C").steps]
    [('A', 2), ('B', 1)]
    """
    g = _Learning(cmap, relations)
    depth: dict[str, int] = {target: 0}
    via: dict[str, int] = {}
    queue = deque([target])
    while queue:
        v = queue.popleft()
        for u, _c, i in sorted(g.pred.get(v, ()), key=lambda e: (e[0], e[2])):
            if u not in depth:
                depth[u] = depth[v] + 1
                via[u] = i
                queue.append(u)
    nodes = set(depth)
    indeg, outdeg = _degrees(cmap)
    priority = {v: (-depth[v], -(indeg.get(v, 0) + outdeg.get(v, 0)), v) for v in nodes}
    order, cycles = _kahn(nodes, g, priority)
    steps = []
    pos = 0
    for v in order:
        if v == target:
            continue
        pos += 1
        steps.append(
            trusted(
                LearningStep,
                {
                    "position": pos,
                    "id": v,
                    "label": cmap.label_of(v),
                    "depth": depth[v],
                    "via": (g.ref(via[v]),),
                },
            )
        )
    used = {i for v in nodes for (w, _c, i) in g.succ.get(v, ()) if w in nodes}
    return PrereqResult(
        target=target, steps=tuple(steps), assumptions=g.assumptions(used), cycles=cycles
    )


def learning_order(cmap: ConceptMap, *, relations: RelationVocabulary | None = None) -> OrderResult:
    """A learning order for the whole map (its "critical path"), deterministic.

    ``depth`` is the concept's level: the longest chain of prerequisites before it (0 for
    a concept with none); ``via`` lists the relationships to its own prerequisites.

    Examples
    --------
    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABC"),
    ...     relationships=(Relationship(id="e1", source="A", target="B", label="uses"),
    ...                    Relationship(id="e2", source="C", target="A", label="extended by")),
    ... )
    >>> [(s.id, s.depth) for s in learning_order(cmap).steps]
    [('B', 0), ('C', 0), ('A', 1)]
    """
    g = _Learning(cmap, relations)
    nodes = set(cmap.concept_by_id) | set(g.succ) | set(g.pred)
    indeg, outdeg = _degrees(cmap)
    degree = {v: indeg.get(v, 0) + outdeg.get(v, 0) for v in nodes}
    # levels by longest path on the condensation, computed along a first order by id
    first, _ = _kahn(nodes, g, {v: (0, 0, v) for v in nodes})
    pos_of = {v: p for p, v in enumerate(first)}
    level = dict.fromkeys(nodes, 0)
    for v in first:
        for w, _c, _i in g.succ.get(v, ()):
            if pos_of[w] > pos_of[v]:
                level[w] = max(level[w], level[v] + 1)
    priority = {v: (level[v], -degree[v], v) for v in nodes}
    order, cycles = _kahn(nodes, g, priority)
    steps = []
    for pos, v in enumerate(order, 1):
        refs = tuple(g.ref(i) for (_u, _c, i) in sorted(g.pred.get(v, ()), key=lambda e: e[2]))
        steps.append(
            trusted(
                LearningStep,
                {
                    "position": pos,
                    "id": v,
                    "label": cmap.label_of(v),
                    "depth": level[v],
                    "via": refs,
                },
            )
        )
    return OrderResult(steps=tuple(steps), assumptions=g.assumptions(), cycles=cycles)
