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
Ties: ``prerequisites`` takes the deepest concept first (depth = the longest chain of
learning edges to the target, so every prerequisite is deeper than what needs it and the
list reads from the deepest down), then the highest degree, then id; ``learning_order`` takes the lowest level
(longest chain of prerequisites), then the highest degree, then id.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from itertools import chain, islice, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from conceptmap import _accel
from conceptmap._gc import gc_paused
from conceptmap.analysis.names import NAMED, name_list
from conceptmap.analysis.relations import (
    End,
    RelationVocabulary,
    default_relations,
    normalize_label,
)
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
from conceptmap.model import trusted, trusted_columns, trusted_picks

if TYPE_CHECKING:
    from conceptmap.model import ConceptMap, Relationship

__all__ = [
    "KIND_COST",
    "cycle_index",
    "earlier_and_mates",
    "learning_order",
    "learning_path",
    "prerequisites",
]

KIND_COST: dict[str, float] = {"primary": 1.0, "has-part": 1.5, "plain": 1.5, "secondary": 2.0}
_OTHER_COST = 1.5
_FIRST = itemgetter(0)
_AGAINST_FACTOR = 2.0
#: A relationship's fields that make its :class:`RelationRef`, in that model's order.
_REF_FIELDS = tuple(RelationRef.model_fields)

# (neighbour, cost, relationship index)
_Adj = dict[str, list[tuple[str, float, int]]]
_Side = tuple[
    list[tuple[_Adj, bool, float]],
    dict[str, float],
    dict[str, tuple[str, int, bool, float]],
    list[tuple[float, str]],
    set[str],
]


class _Readings:
    """How a map's relationships read as learning edges, and what is built from them.

    Each distinct (label, kind) is classified once (``_classify``, memoised: source
    first?, known?, cost, phrase key); relationships read by assumption are collected in
    ``unknown``; relation records and cycle findings are built from the relationships.
    This is all the C speedups' ``*_plan`` functions need from Python (they read the
    relationships themselves, through ``_classify`` and the memo, and keep their graph on
    integer slots); the pure-Python analysers use :class:`_Learning`'s dict graph.
    """

    def __init__(self, cmap: ConceptMap, relations: RelationVocabulary | None) -> None:
        self.vocab = relations or default_relations()
        self.cmap = cmap
        self.rels: list[Relationship] = list(cmap.relationships)
        self.unknown: dict[str | None, list[int]] = {}  # assumed phrase -> relationships
        self.ambiguous: set[str | None] = set()  # of those, the known-but-ambiguous ones
        self._refs: dict[int, RelationRef] = {}
        self._memo: dict[tuple[str | None, str], tuple[bool, bool, float, str | None]] = {}

    def plan_args(self) -> tuple[Any, ...]:
        """The arguments every C ``*_plan`` function starts with: the relationships, the
        memo, the classifier filling it, and where assumed readings go."""
        return self.rels, self._memo, self._classify, self.unknown

    def _classify(self, label: str | None, kind: str) -> tuple[bool, bool, float, str | None]:
        """(source first?, known?, cost, phrase key) of a (label, kind), memoised."""
        vocab = self.vocab
        end, known = vocab.prerequisite_end(label, kind)
        key = normalize_label(label) if label and label.strip() else None
        cost = KIND_COST.get(kind, _OTHER_COST)
        if known and vocab.is_ambiguous(label):
            known = False  # reported like an unknown phrase, with its own reason
            self.ambiguous.add(key)
        hit = self._memo[(label, kind)] = (end == "source", known, cost, key)
        return hit

    def ref(self, i: int) -> RelationRef:
        return self.refs([i])[0]

    def refs(self, indices: list[int]) -> list[RelationRef]:
        """The relationships *indices* as :class:`RelationRef` records (each built once;
        unvalidated: the values come straight from the valid map; 50k at a time on big maps)."""
        known = self._refs
        missing = [i for i in dict.fromkeys(indices) if i not in known]
        made = trusted_picks(RelationRef, _REF_FIELDS, self.rels, missing)
        known.update(zip(missing, made, strict=True))
        return [known[i] for i in indices]

    def assumptions(
        self, used: set[int] | None = None, *, within: set[str] | None = None
    ) -> tuple[Assumption, ...]:
        """Phrases read by assumption: of the relationships *used*, or of those touching a
        set of concepts (*within*: one end or both in it, since each such reading decided
        whether the other end belongs), or (neither given) of all."""
        out = []
        rels = self.rels
        for label, idx in self.unknown.items():
            if used is not None:
                ids = [i for i in idx if i in used]
            elif within is not None:
                ids = [i for i in idx if rels[i].source in within or rels[i].target in within]
            else:
                ids = idx
            if ids:
                out.append(
                    Assumption(
                        label=label,
                        assumed=self._assumed(label),
                        count=len(ids),
                        relationships=tuple(self.rels[i].id for i in ids[:20]),
                        reason="ambiguous" if label in self.ambiguous else "unknown",
                    )
                )
        out.sort(key=lambda a: (a.label is not None, a.label or ""))
        return tuple(out)

    def _assumed(self, label: str | None) -> End:
        if label in self.ambiguous:
            return self.vocab.prerequisite_end(label)[0]
        return self.vocab.default

    def findings_of(self, parts: Iterable[tuple[list[str], list[int]]]) -> tuple[CycleFinding, ...]:
        """A finding for each cycle given as (its concepts, the indices of the relationships
        between them), sorted by concepts."""
        rels = self.rels
        findings = []
        for comp, inside in parts:
            rel_ids = sorted({rels[i].id for i in inside})
            concepts = tuple(sorted(comp))
            # unvalidated: tuples of str made here (a cycle of 16,337 concepts and 26,646
            # relationships on the 100k benchmark map, 0.035 s to validate)
            findings.append(
                trusted(
                    CycleFinding,
                    {
                        "concepts": concepts,
                        "relationships": tuple(rel_ids),
                        "message": _cycle_message(
                            [self.cmap.label_of(v) for v in concepts[:NAMED]], len(concepts)
                        ),
                    },
                )
            )
        findings.sort(key=lambda f: f.concepts)
        return tuple(findings)


class _Learning(_Readings):
    """The learning graph of a map as dicts: before -> after edges ``succ[before]`` and
    ``pred[after]`` of ``(other end, cost, relationship index)``, with self-loops counted
    (for the degree). The pure-Python analysers' graph."""

    def __init__(self, cmap: ConceptMap, relations: RelationVocabulary | None) -> None:
        super().__init__(cmap, relations)
        succ: _Adj = {}
        pred: _Adj = {}
        self.succ, self.pred = succ, pred
        self._loops: dict[str, int] = {}  # concept -> visible self-loops (count in degree)
        # Hot loop (130k relationships on big maps): link phrases repeat, so each distinct
        # (label, kind) is looked up once.
        memo, loops, classify = self._memo, self._loops, self._classify
        for i, r in enumerate(self.rels):
            d = r.__dict__
            source, target = d["source"], d["target"]
            if source == target or d["stroke"] == "invisible":
                if source == target and d["stroke"] != "invisible":
                    loops[source] = loops.get(source, 0) + 1
                continue
            label, kind = d["label"], d["kind"]
            hit = memo.get((label, kind))
            if hit is None:
                hit = classify(label, kind)
            source_first, known, cost, key = hit
            if not known:
                self.unknown.setdefault(key, []).append(i)
            if source_first:
                before, after = source, target
            else:
                before, after = target, source
            out = succ.get(before)
            if out is None:
                succ[before] = [(after, cost, i)]
            else:
                out.append((after, cost, i))
            into = pred.get(after)
            if into is None:
                pred[after] = [(before, cost, i)]
            else:
                into.append((before, cost, i))

    def degree(self, v: str) -> int:
        """Visible relationships touching *v* (a self-loop twice): the map's degree, read
        off the learning graph (each such relationship is one edge out of one concept and
        one into another), so only the concepts asked about are counted."""
        return len(self.succ.get(v, ())) + len(self.pred.get(v, ())) + 2 * self._loops.get(v, 0)

    def cycle_findings(self, sccs: Iterable[list[str]]) -> tuple[CycleFinding, ...]:
        """A finding for each component of more than one concept, sorted by concepts."""
        parts = []
        for comp in sccs:
            if len(comp) < 2:
                continue
            members = set(comp)
            parts.append((comp, [i for v in comp for (w, _c, i) in self.succ[v] if w in members]))
        return self.findings_of(parts)


def cycle_index(cycles: Iterable[CycleFinding]) -> dict[str, int]:
    """Concept id -> the position of its cycle in *cycles* (concepts in none left out)."""
    return {v: ci for ci, c in enumerate(cycles) for v in c.concepts}


def earlier_and_mates(
    step: LearningStep, cycle_of: dict[str, int]
) -> tuple[list[tuple[str, RelationRef]], list[tuple[str, RelationRef]]]:
    """A :func:`learning_order` step's prerequisites as (concept id, relationship): those
    learned before it, and those in its own cycle (learned with it, maybe after it);
    *cycle_of* is :func:`cycle_index` of the result's cycles. Self-loops are neither.

    >>> from conceptmap.model import Concept, ConceptMap, Relationship
    >>> cmap = ConceptMap(
    ...     concepts=tuple(Concept(id=x, label=x) for x in "ABC"),
    ...     relationships=(Relationship(id="e1", source="A", target="B", label="leads to"),
    ...                    Relationship(id="e2", source="B", target="C", label="leads to"),
    ...                    Relationship(id="e3", source="C", target="B", label="leads to")),
    ... )
    >>> r = learning_order(cmap)
    >>> b = next(s for s in r.steps if s.id == "B")
    >>> [[v for v, _ in side] for side in earlier_and_mates(b, cycle_index(r.cycles))]
    [['A'], ['C']]
    """
    earlier: list[tuple[str, RelationRef]] = []
    mates: list[tuple[str, RelationRef]] = []
    mine = cycle_of.get(step.id)
    for ref in step.via:
        other = ref.target if ref.source == step.id else ref.source
        if other == step.id:
            continue
        (mates if mine is not None and cycle_of.get(other) == mine else earlier).append(
            (other, ref)
        )
    return earlier, mates


def _cycle_message(names: list[str], total: int) -> str:
    """
    >>> _cycle_message(["A", "B"], 2)
    "these concepts are each other's prerequisites: A, B"
    >>> _cycle_message(["A", "B"], 12_000)
    "these 12,000 concepts are each other's prerequisites: A, B and 11,998 more"
    """
    many = f" {total:,}" if total > len(names) else ""
    return f"these{many} concepts are each other's prerequisites: {name_list(names, total)}"


def _tarjan(nodes: set[str], succ: _Adj) -> list[list[str]]:
    """Iterative Tarjan SCC over the subgraph induced by *nodes* (roots in sorted order)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    empty: list[tuple[str, float, int]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ.get(root, empty)))]
        while work:
            v, it = work[-1]
            for w, _c, _i in it:
                if w not in nodes:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ.get(w, empty))))
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            else:  # every successor of v seen: v is done
                work.pop()
                lv = low[v]
                if work:
                    parent = work[-1][0]
                    if lv < low[parent]:
                        low[parent] = lv
                if lv == index[v]:
                    w = stack.pop()
                    on_stack.discard(w)
                    if w == v:
                        out.append([v])
                    else:
                        comp = [w]
                        while w != v:
                            w = stack.pop()
                            on_stack.discard(w)
                            comp.append(w)
                        out.append(comp)
    return out


def _reach(start: str | Iterable[str], adj: _Adj, stop: str | None = None) -> set[str]:
    """*start* (a concept, or several) and every concept reachable from it over *adj*
    (breadth first, level by level: each level is gathered with set operations in C, not
    a loop per edge). With *stop*, the search ends at the level that reaches it (what
    is returned then holds *stop* but not everything reachable)."""
    frontier: set[str] | list[str] = [start] if isinstance(start, str) else list(start)
    seen = set(frontier)
    get = adj.get
    while frontier and (stop is None or stop not in seen):
        nxt = set(map(_FIRST, chain.from_iterable(map(get, frontier, repeat(())))))
        nxt -= seen
        seen |= nxt
        frontier = nxt
    return seen


def _dijkstra(
    start: str, goal: str, succ: _Adj, pred: _Adj, any_direction: bool
) -> tuple[float, list[tuple[str, str, int, bool, float]]] | None:
    """Cheapest route from *start* to *goal*: bidirectional Dijkstra.

    A step follows a learning edge (its cost) or, with *any_direction*, goes against one
    (cost x :data:`_AGAINST_FACTOR`). One search grows from *start* over the steps out of
    a concept, the other from *goal* over the steps into one, always the side with the
    smaller frontier; they stop when no unexplored route can beat the best meeting found,
    so a query between two concepts of a big map explores a fraction of it. Ties keep the
    earlier relationship (lower index), and the first meeting point found, so the route is
    deterministic. Returns (cost, [(from, to, relationship index, follows order, cost)]).
    """
    against: list[tuple[_Adj, bool, float]] = (
        [(pred, False, _AGAINST_FACTOR)] if any_direction else []
    )
    # Per side: (adjacencies, distances, how each concept was reached, heap, done)
    sides: tuple[_Side, _Side] = (
        ([(succ, True, 1.0), *against], {start: 0.0}, {}, [(0.0, start)], set()),
        ([(pred, True, 1.0), *[(succ, f, x) for (_a, f, x) in against]], {goal: 0.0}, {},
         [(0.0, goal)], set()),
    )  # fmt: skip
    heappop, heappush = heapq.heappop, heapq.heappush
    best = float("inf")
    meet: str | None = None
    fwd_heap, bwd_heap = sides[0][3], sides[1][3]
    while fwd_heap and bwd_heap:
        if fwd_heap[0][0] + bwd_heap[0][0] >= best:
            break
        side = 0 if len(fwd_heap) <= len(bwd_heap) else 1
        adjs, dist, prev, heap, done = sides[side]
        other = sides[1 - side][1]
        d, v = heappop(heap)
        if v in done:
            continue
        done.add(v)
        for adj, forward, factor in adjs:
            for w, cost, i in adj.get(v, ()):
                c = cost * factor
                nd = d + c
                old = dist.get(w)
                # ties: keep the earlier relationship (lower index), deterministic
                if old is None or nd < old - 1e-12 or (abs(nd - old) <= 1e-12 and i < prev[w][1]):
                    if w in done:
                        continue
                    dist[w] = nd
                    prev[w] = (v, i, forward, c)
                    heappush(heap, (nd, w))
                ow = other.get(w)
                if ow is not None and dist[w] + ow < best - 1e-12:
                    best, meet = dist[w] + ow, w
    if meet is None:
        return None
    route = []
    fwd_prev, bwd_prev = sides[0][2], sides[1][2]
    v = meet
    while v != start:  # start .. meet, walked back
        u, i, forward, c = fwd_prev[v]
        route.append((u, v, i, forward, c))
        v = u
    route.reverse()
    u = meet
    while u != goal:  # meet .. goal: the backward search stored each step's far end
        w, i, forward, c = bwd_prev[u]
        route.append((u, w, i, forward, c))
        u = w
    return best, route


@gc_paused
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
    native = _accel.speedups
    if native is not None:
        # All of the below in C (`_speedups.c`), from the relationships up, as for
        # prerequisites: the same search, region and findings on integer slots.
        r = _Readings(cmap, relations)
        found, reverse, parts, flipped = native.path_plan(
            *r.plan_args(), start, goal, any_direction
        )  # parts: the region's cycles (with a route); flipped: what decided there is none
        return _path_result(
            cmap, r, start, goal, any_direction, reverse, found, r.findings_of(parts), set(flipped)
        )
    g = _Learning(cmap, relations)
    found = _dijkstra(start, goal, g.succ, g.pred, any_direction) if start != goal else (0.0, [])
    reverse = False
    if found is None or any_direction:
        reverse = goal in _reach(start, g.pred, stop=goal) if start != goal else True
    if found is not None:
        # cycles in the region between start and goal (descendants of start, ancestors of goal)
        region = _reach(start, g.succ) & _reach(goal, g.pred)
        cycles = g.cycle_findings(_tarjan(region, g.succ))
        return _path_result(cmap, g, start, goal, any_direction, reverse, found, cycles, set())

    # No route: the assumed readings that decided it are those which, read the other way
    # round, would make one (a link learned u -> v with v after start and u before goal:
    # start ... v -> u ... goal once it is turned), or, where there is no route back
    # either, one from goal to start (the "try swapping them" advice).
    def flips(a: str, b: str) -> set[int]:
        after, before = _reach(a, g.succ), _reach(b, g.pred)
        return {i for v in after for (u, _c, i) in g.pred.get(v, ()) if u in before}

    decided = flips(start, goal) if reverse else flips(start, goal) | flips(goal, start)
    return _path_result(cmap, g, start, goal, any_direction, reverse, None, (), decided)


def _path_result(
    cmap: ConceptMap,
    g: _Readings,
    start: str,
    goal: str,
    any_direction: bool,
    reverse: bool,
    found: tuple[float, list[tuple[str, str, int, bool, float]]] | None,
    cycles: tuple[CycleFinding, ...],
    decided: set[int],
) -> PathResult:
    """:func:`learning_path`'s result: the steps of the route *found* (cost, steps), with
    the assumptions on it, or, with none, the assumptions that *decided* there is none."""
    steps: list[PathStep] = []
    used: set[int] = set()
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
        assumptions = g.assumptions(used)
    else:
        assumptions = g.assumptions(decided)
    return PathResult(
        start=start,
        goal=goal,
        found=found is not None,
        any_direction=any_direction,
        reverse_exists=reverse,
        cost=cost,
        steps=tuple(steps),
        assumptions=assumptions,
        cycles=cycles,
    )


def _steps(
    cmap: ConceptMap,
    ids: list[str],
    depths: list[int],
    vias: list[tuple[RelationRef, ...]],
) -> tuple[LearningStep, ...]:
    """The steps of a prerequisite list or a learning order: one per concept of *ids*
    (up to one per concept of the map), built in bulk from columns, without validation."""
    label_of = cmap.label_of
    return tuple(
        trusted_columns(
            LearningStep,
            {
                "position": range(1, len(ids) + 1),
                "id": ids,
                "label": [label_of(v) for v in ids],
                "depth": depths,
                "via": vias,
            },
        )
    )


def _kahn(
    nodes: set[str], g: _Learning, priority: dict[str, tuple[int, int, str]]
) -> tuple[list[str], list[list[str]]]:
    """Topological order of *nodes* on the condensation, and its cycles (the components of
    more than one concept, for :meth:`_Learning.cycle_findings`).

    Of the components ready to learn, the one whose first member (by *priority*, one
    ``(int, int, id)`` per concept) comes first is learned next, its members in priority
    order."""
    sccs = _tarjan(nodes, g.succ)
    key = priority.__getitem__
    members = [comp if len(comp) == 1 else sorted(comp, key=key) for comp in sccs]
    comp_of = {v: ci for ci, comp in enumerate(sccs) for v in comp}
    indeg = [0] * len(sccs)
    out_edges: list[list[int]] = [[] for _ in sccs]
    succ = g.succ
    for v in nodes:
        cv = comp_of[v]
        for w, _c, _i in succ.get(v, ()):
            cw = comp_of.get(w)
            if cw is not None and cw != cv:  # parallel links count (and release) once each
                out_edges[cv].append(cw)
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
    return order, [comp for comp in sccs if len(comp) > 1]


def _depths(
    target: str, order: list[str], cycles: tuple[CycleFinding, ...], succ: _Adj
) -> tuple[dict[str, int], dict[str, int]]:
    """Depth (the longest chain of learning edges to *target*) and the relationship (index)
    on that chain, of each concept in *order* (topological, ending with *target*'s cycle).

    The members of a cycle share one depth (the cycle counts as one link of a chain; the
    target's cycle mates are 1). Ties: the next concept of smallest id, then the
    relationship that comes first."""
    mates = {v: c.concepts for c in cycles for v in c.concepts}
    depth: dict[str, int] = {}
    via: dict[str, int] = {}
    for v in reversed(order):
        if v in depth:
            continue
        members = mates.get(v, (v,))
        inside = set(members)
        best: dict[str, tuple[int, str, int]] = {}  # member -> (depth, next, index)
        step: dict[str, tuple[str, int]] = {}  # member -> (mate, index): its first link to one
        for m in members:
            top: tuple[int, str, int] | None = None
            for w, _c, i in succ.get(m, ()):
                if w in inside:
                    if m not in step or (w, i) < step[m]:
                        step[m] = (w, i)
                    continue
                dw = depth.get(w)
                if dw is None:
                    continue  # not before the target
                if top is None or dw + 1 > top[0] or (dw + 1 == top[0] and (w, i) < top[1:]):
                    top = (dw + 1, w, i)
            if top is not None:
                best[m] = top
        shared = max((b[0] for b in best.values()), default=0)
        if target in inside:
            shared = max(shared, 1)
        for m in members:
            if m == target:
                depth[m] = 0
                continue
            depth[m] = shared
            b = best.get(m)
            via[m] = b[2] if b is not None and b[0] == shared else step[m][1]
    return depth, via


@gc_paused
def prerequisites(
    cmap: ConceptMap,
    target: str,
    *,
    relations: RelationVocabulary | None = None,
    known: Iterable[str] = (),
) -> PrereqResult:
    """Everything to learn before *target*, in a valid order, with depth.

    ``depth`` is the number of learning edges from the concept to *target* along the
    longest chain (1 = needed by the target only directly), so each concept is deeper than
    everything that needs it and the steps run from the deepest down; each step's ``via``
    is the relationship on that chain. Cycles are reported in ``cycles``; their members
    share a depth and are listed together.

    *known* names concepts (ids) the learner has learned already: they, and everything
    learned before them, are left out (counted in ``left_out``); what is left is what
    remains to learn, its depths measured along chains that avoid them.

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
    >>> r = prerequisites(cmap, "C", known=["B"])
    >>> r.steps, r.left_out
    ((), 2)
    """
    known = tuple(dict.fromkeys(known))
    native = _accel.speedups
    g: _Readings
    if native is not None:
        # All of the below in C (`_speedups.c`), from the relationships up: no learning
        # graph of dicts, lists and tuples for the 130,000 relationships of a big map.
        g = _Readings(cmap, relations)
        order, depths, vias, parts, nodes, left_out, target_known = native.prereq_plan(
            *g.plan_args(), target, known
        )  # depths and vias in the order's order
        cycles = g.findings_of(parts)
    else:
        g = _Learning(cmap, relations)
        done = _reach(known, g.pred)  # known concepts and what comes before them
        # What comes before the target and is not known: a chain from such a concept to
        # the target never passes a known one (that would make the concept known too).
        before = _reach(target, g.pred)
        nodes = (before - done) | {target}
        left_out = len(before - nodes) if done else 0
        target_known = target in done
        first, multi = _kahn(nodes, g, {v: (0, 0, v) for v in nodes})  # a topological order
        cycles = g.cycle_findings(multi)
        depth, via = _depths(target, first, cycles, g.succ)
        # Every relationship leads to a smaller depth, so deepest first is a valid order;
        # the members of a cycle (one depth) stay together, in the order of their own keys.
        degree = g.degree
        key = {v: (-depth[v], -degree(v), v) for v in nodes}
        together = {}
        for c in cycles:
            first_key = min(key[m] for m in c.concepts)
            together.update(dict.fromkeys(c.concepts, first_key))
        order = sorted(nodes - {target}, key=lambda v: (together.get(v, key[v]), key[v]))
        depths, vias = [depth[v] for v in order], [via[v] for v in order]
    return PrereqResult(
        target=target,
        steps=_steps(cmap, order, depths, [(ref,) for ref in g.refs(vias)]),
        assumptions=g.assumptions(within=nodes),
        cycles=cycles,
        known=known,
        left_out=left_out,
        target_known=target_known,
    )


@gc_paused
def learning_order(
    cmap: ConceptMap, *, relations: RelationVocabulary | None = None, known: Iterable[str] = ()
) -> OrderResult:
    """A learning order for the whole map (its "critical path"), deterministic.

    ``depth`` is the concept's level: the longest chain of prerequisites before it (0 for
    a concept with none; the members of a cycle share one level, a cycle counting as one
    link of the chain); ``via`` lists the relationships to its own prerequisites.
    *known* (ids): concepts learned already; they and everything before them are left out
    of the steps (counted in ``left_out``); levels stay those of the whole map.

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
    >>> r = learning_order(cmap, known=["B"])
    >>> [(s.position, s.id) for s in r.steps], r.left_out
    ([(1, 'C'), (2, 'A')], 1)
    >>> learning_order(cmap, known=["A"]).left_out  # B and C come before A
    3
    """
    known = tuple(dict.fromkeys(known))
    native = _accel.speedups
    if native is not None:
        # All of the below in C (`_speedups.c`), from the relationships up, as for
        # prerequisites: levels, components and the order on integer slots.
        r = _Readings(cmap, relations)
        todo, levels, into, parts, left_out = native.order_plan(
            *r.plan_args(), [c.id for c in cmap.concepts], known
        )  # levels and into in the order's order
        return _order_result(cmap, r, todo, levels, into, r.findings_of(parts), known, left_out)
    g = _Learning(cmap, relations)
    done = _reach(known, g.pred)  # known concepts and what comes before them
    nodes = set(cmap.concept_by_id) | set(g.succ) | set(g.pred)
    degree = {v: g.degree(v) for v in nodes}
    # levels by longest path on the condensation, computed along a first order by id:
    # the members of a cycle share one level (the highest any of them gets from outside)
    first, multi = _kahn(nodes, g, {v: (0, 0, v) for v in nodes})
    cycles = g.cycle_findings(multi)
    pos_of = {v: p for p, v in enumerate(first)}
    cycle_of = cycle_index(cycles)
    leveled: set[int] = set()
    level = dict.fromkeys(nodes, 0)
    for v in first:
        ci = cycle_of.get(v, -1)
        if ci >= 0 and ci not in leveled:  # its first member: every edge from outside is in
            leveled.add(ci)
            mates = cycles[ci].concepts
            top = max(level[u] for u in mates)
            for u in mates:
                level[u] = top
        for w, _c, _i in g.succ.get(v, ()):
            if pos_of[w] > pos_of[v] and (ci < 0 or cycle_of.get(w) != ci):
                level[w] = max(level[w], level[v] + 1)
    priority = {v: (level[v], -degree[v], v) for v in nodes}
    order, _ = _kahn(nodes, g, priority)  # the same components
    todo = [v for v in order if v not in done]
    pred = g.pred
    into = [sorted(i for (_u, _c, i) in pred.get(v, ())) for v in todo]
    levels = [level[v] for v in todo]
    return _order_result(cmap, g, todo, levels, into, cycles, known, len(order) - len(todo))


def _order_result(
    cmap: ConceptMap,
    g: _Readings,
    todo: list[str],
    levels: list[int],
    into: list[list[int]],
    cycles: tuple[CycleFinding, ...],
    known: tuple[str, ...],
    left_out: int,
) -> OrderResult:
    """:func:`learning_order`'s result: a step per concept of *todo*, at its level, via
    the relationships *into* it (indices)."""
    refs = iter(g.refs([i for ids in into for i in ids]))  # built in one go, in order
    vias = [tuple(islice(refs, len(ids))) for ids in into]
    return OrderResult(
        steps=_steps(cmap, todo, levels, vias),
        assumptions=g.assumptions(),
        cycles=cycles,
        known=known,
        left_out=left_out,
    )
