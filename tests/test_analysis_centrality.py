"""Centrality: hand-computed values on tiny maps, networkx parity, sampling, tiers."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

from _analysis_maps import build, seed_map
from conceptmap.analysis import centrality, tier_for
from conceptmap.analysis.centrality import EXACT_MAX_PYTHON, fast_backend_available
from conceptmap.graph import simple_digraph, undirected
from conceptmap.model import Concept, ConceptMap, Relationship


def by_id(result):
    return {c.id: c for c in result.concepts}


def random_map(n: int = 120, seed: int = 3) -> ConceptMap:
    # preferential attachment tree-ish graph plus a 3-concept side component
    rng = random.Random(seed)
    targets, pairs = [0], []
    for v in range(1, n):
        for _ in range(2 if rng.random() < 0.3 else 1):
            u = rng.choice(targets)
            pairs.append((f"N{v}", f"N{u}"))
            targets += [u, v]
    pairs += [("X1", "X2"), ("X2", "X3")]
    ids = [f"N{i}" for i in range(n)] + ["X1", "X2", "X3"]
    return ConceptMap(
        concepts=tuple(Concept(id=i, label=i) for i in ids),
        relationships=tuple(
            Relationship(id=f"e{i}", source=a, target=b) for i, (a, b) in enumerate(pairs)
        ),
    )


def test_path_values():
    # A -> B -> C: B lies on the only path between A and C
    r = centrality(build("A --> B\nB --> C"), backend="python")
    c = by_id(r)
    assert [x.id for x in r.concepts] == ["B", "A", "C"]
    assert (c["B"].degree, c["B"].in_degree, c["B"].out_degree) == (2, 1, 1)
    assert c["B"].betweenness == pytest.approx(1.0)
    assert c["A"].betweenness == pytest.approx(0.0)
    assert c["B"].closeness == pytest.approx(1.0)
    assert c["A"].closeness == pytest.approx(2 / 3)
    assert r.exact is True and r.k is None


def test_star_closeness_and_eigenvector():
    # hub H with three leaves: a leaf is 1 from H and 2 from the other leaves
    c = by_id(centrality(build("H --> A\nH --> B\nH --> C"), backend="python"))
    assert c["A"].closeness == pytest.approx(3 / 5)
    assert c["H"].eigenvector > c["A"].eigenvector
    assert c["A"].eigenvector == pytest.approx(c["B"].eigenvector)


def test_degree_counts_parallel_and_self_loops_not_invisible():
    cmap = build("A --> B\nA -.-> B\nA --> A\nA ~~~ C")
    c = by_id(centrality(cmap, backend="python"))
    assert (c["A"].degree, c["A"].in_degree, c["A"].out_degree) == (4, 1, 3)
    assert (c["B"].degree, c["C"].degree) == (2, 0)
    # C is isolated once the invisible link is ignored: outside the largest component
    assert c["C"].eigenvector is None
    assert c["C"].closeness == 0.0


def test_seed_map_self_attention():
    r = centrality(seed_map())
    top = r.concepts[0]
    assert (top.id, top.degree, top.tier) == ("SELFATTN", 7, "Critical")
    assert r.max_degree == 7
    assert len(r.concepts) == 28


@pytest.mark.parametrize("backend", ["python", "igraph"])
def test_matches_networkx(backend):
    if backend == "igraph" and not fast_backend_available():
        pytest.skip("python-igraph not installed")
    cmap = random_map()
    U, D = undirected(cmap), simple_digraph(cmap)
    c = by_id(centrality(cmap, backend=backend))
    bc, cl = nx.betweenness_centrality(U), nx.closeness_centrality(U)
    pr = _pagerank_python(D, weight="weight")
    big = max(nx.connected_components(U), key=len)
    ev = nx.eigenvector_centrality(U.subgraph(big), weight="weight")
    for v in U:
        assert c[v].betweenness == pytest.approx(bc[v], abs=1e-9)
        assert c[v].closeness == pytest.approx(cl[v], abs=1e-9)
        assert c[v].pagerank == pytest.approx(pr[v], abs=1e-4)
        if v in big:
            assert c[v].eigenvector == pytest.approx(ev[v], abs=1e-3)
        else:
            assert c[v].eigenvector is None


def test_sampled_is_stated_deterministic_and_close():
    cmap = random_map()
    exact = by_id(centrality(cmap, backend="python"))
    a = centrality(cmap, k=60, seed=7, backend="python")
    b = centrality(cmap, k=60, seed=7, backend="python")
    assert (a.exact, a.k, a.seed) == (False, 60, 7)
    assert a == b
    for x in a.concepts:
        assert x.betweenness == pytest.approx(exact[x.id].betweenness, abs=0.08)
        assert x.closeness == pytest.approx(exact[x.id].closeness, abs=0.06)


def test_sampling_above_the_exact_limit():
    cmap = random_map(n=30)
    r = centrality(cmap, betweenness_exact_max=10, k=12, backend="python")
    assert r.exact is False and r.k == 12
    assert centrality(cmap, betweenness_exact_max=EXACT_MAX_PYTHON).exact is True


@pytest.mark.skipif(not fast_backend_available(), reason="python-igraph not installed")
def test_igraph_sampled_matches_python_sample():
    cmap = random_map()
    a = by_id(centrality(cmap, k=40, seed=1, backend="python"))
    b = by_id(centrality(cmap, k=40, seed=1, backend="igraph"))
    for v, x in a.items():
        assert b[v].betweenness == pytest.approx(x.betweenness, abs=1e-9)
        assert b[v].closeness == pytest.approx(x.closeness, abs=1e-9)


def test_ranking_ties_by_betweenness_then_id():
    # B and C both have degree 2; C sits between B and D as well
    cmap = build("A --> B\nB --> C\nC --> D\nD --> E\nZ --> Y")
    ids = [c.id for c in centrality(cmap, backend="python").concepts]
    assert ids[:3] == ["C", "B", "D"]
    assert ids[3:] == ["A", "E", "Y", "Z"]


def test_measure_orders_by_that_measure():
    r = centrality(seed_map(), measure="pagerank", backend="python")
    values = [c.pagerank for c in r.concepts]
    assert values == sorted(values, reverse=True)
    assert r.measure == "pagerank"
    with pytest.raises(ValueError, match="unknown measure"):
        centrality(seed_map(), measure="fame")


@pytest.mark.parametrize(
    ("degree", "max_degree", "tier"),
    [
        (7, 7, "Critical"),
        (6, 7, "Critical"),
        (5, 7, "High"),
        (4, 7, "High"),
        (3, 7, "Medium"),
        (2, 7, "Medium"),
        (1, 7, "Low"),
        (1, 2, "High"),
        (1, 4, "Low"),
        (0, 7, "Low"),
        (0, 0, "Low"),
    ],
)
def test_tier_rule(degree, max_degree, tier):
    assert tier_for(degree, max_degree) == tier


def test_empty_map():
    r = centrality(ConceptMap())
    assert r.concepts == () and r.max_degree == 0


def test_repeated_runs_are_byte_identical():
    from pathlib import Path

    from conceptmap import parse_map
    from conceptmap.analysis import centrality

    seed = Path(__file__).resolve().parent.parent / "maps" / "transformers.md"
    text = seed.read_text(encoding="utf-8")
    cmap = parse_map(text, path="maps/transformers.md")
    runs = {centrality(cmap).model_dump_json() for _ in range(5)}
    assert len(runs) == 1


@pytest.mark.parametrize("seed", range(6))
def test_leaf_shortcut_matches_networkx(seed):
    """Exact betweenness/closeness skip the searches from leaves: still networkx's values,
    on maps with leaves everywhere (pairs, stars, paths, leaves on leaves' neighbours)."""
    rng = random.Random(seed)
    pairs = [(f"N{v}", f"N{rng.randrange(v)}") for v in range(1, 40)]  # a random tree
    pairs += [(f"N{rng.randrange(40)}", f"N{rng.randrange(40)}") for _ in range(seed * 3)]
    pairs += [("P1", "P2"), ("S0", "S1"), ("S0", "S2"), ("S0", "S3"), ("Q1", "Q2"), ("Q2", "Q3")]
    ids = sorted({x for pair in pairs for x in pair})
    cmap = ConceptMap(
        concepts=tuple(Concept(id=i, label=i) for i in ids),
        relationships=tuple(
            Relationship(id=f"e{i}", source=a, target=b) for i, (a, b) in enumerate(pairs)
        ),
    )
    U = undirected(cmap)
    c = by_id(centrality(cmap, backend="python"))
    bc, cl = nx.betweenness_centrality(U), nx.closeness_centrality(U)
    for v in U:
        assert c[v].betweenness == pytest.approx(bc[v], abs=1e-9), v
        assert c[v].closeness == pytest.approx(cl[v], abs=1e-9), v
