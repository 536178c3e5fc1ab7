"""Bridges: articulation points, bridge links, connectors, cross-links, components."""

from __future__ import annotations

import pytest

from _analysis_maps import build, seed_map
from conceptmap.analysis import bridges


def test_chain():
    r = bridges(build("A --> B\nB -->|uses| C"))
    assert [a.id for a in r.articulation_points] == ["B"]
    assert [(b.source, b.target, b.label) for b in r.bridges] == [
        ("A", "B", None),
        ("B", "C", "uses"),
    ]
    assert r.components == (("A", "B", "C"),)
    # each link alone attaches an end with no other neighbour: A, and C
    assert [b.leaf for b in r.bridges] == ["A", "C"]
    both = bridges(build("A --> B"))
    assert [b.leaf for b in both.bridges] == ["B"]  # both ends alone: the target
    inner = bridges(build("A --> B\nB --> C\nC --> A\nC --> D\nD --> E\nE --> F\nF --> D"))
    assert [(b.source, b.target, b.leaf) for b in inner.bridges] == [("C", "D", None)]


def test_triangle_and_parallel_links_are_not_bridges():
    r = bridges(build("A --> B\nB --> C\nC --> A\nC --> D\nC -.-> D"))
    assert r.bridges == ()
    assert [a.id for a in r.articulation_points] == ["C"]


def test_components_of_a_disconnected_map():
    r = bridges(build("A --> B\nC --> D\nD --> E\nF[F]"))
    assert r.components == (("C", "D", "E"), ("A", "B"), ("F",))


def test_connectors_and_cross_links():
    cmap = build(
        """
subgraph S1["One"]
A[A]
B[B]
end
subgraph S2["Two"]
C[C]
end
A -->|uses| B
A -->|needs| C
B ~~~ C
"""
    )
    r = bridges(cmap)
    assert r.basis == "subgraphs"
    assert [(x.source, x.target, x.source_subgraph, x.target_subgraph) for x in r.cross_links] == [
        ("A", "C", "S1", "S2")
    ]
    # A: one link into S1, one into S2 -> P = 1 - (1/2)^2 - (1/2)^2
    assert [(c.id, c.participation) for c in r.connectors] == [("A", pytest.approx(0.5))]


def test_clusters_basis_without_subgraphs():
    assert bridges(build("A --> B\nB --> C")).basis == "clusters"


def test_seed_map():
    r = bridges(seed_map())
    assert [a.id for a in r.articulation_points] == [
        "DECODER",
        "ENCODER",
        "FLASH",
        "POSENC",
        "PRETRAIN",
        "QKV",
        "SCALED",
        "SELFATTN",
    ]
    assert len(r.bridges) == 16
    assert len(r.cross_links) == 11
    assert r.connectors[0].id == "SELFATTN"
    assert len(r.components) == 1


@pytest.mark.parametrize("seed", range(40))
def test_cuts_match_networkx_on_random_maps(seed):
    """Articulation points and bridges from the one-pass search equal networkx's."""
    import random

    import networkx as nx

    from conceptmap.graph import undirected
    from conceptmap.model import Concept, ConceptMap, Relationship

    rng = random.Random(seed)
    n = rng.randrange(2, 30)
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randrange(0, 2 * n))]
    pairs += [(v, rng.randrange(v)) for v in range(1, n) if rng.random() < 0.5]  # tree-ish
    cmap = ConceptMap(
        concepts=tuple(Concept(id=f"c{i}", label=f"c{i}") for i in range(n)),
        relationships=tuple(
            Relationship(id=f"e{k}", source=f"c{a}", target=f"c{b}")
            for k, (a, b) in enumerate(pairs)
        ),
    )
    G = undirected(cmap)
    r = bridges(cmap)
    assert {a.id for a in r.articulation_points} == set(nx.articulation_points(G))
    expected = {frozenset(e) for e in nx.bridges(G) if G[e[0]][e[1]]["weight"] == 1}
    assert {frozenset((b.source, b.target)) for b in r.bridges} == expected


def test_given_clusters_are_the_groups_of_connectors():
    """The report passes the clusters it shows; bridges() uses them instead of its own."""
    from conceptmap.analysis import clusters

    cmap = build("A --> B\nB --> C\nC --> A\nC --> D\nD --> E\nE --> F\nF --> D")
    found = clusters(cmap, seed=0)
    renamed = found.model_copy(
        update={"clusters": tuple(c.model_copy(update={"id": f"T{c.id}"}) for c in found.clusters)}
    )
    own = {g for c in bridges(cmap).connectors for g in c.groups}
    given = {g for c in bridges(cmap, clusters=renamed).connectors for g in c.groups}
    assert own and given == {f"T{g}" for g in own}
