"""Clusters: communities, comparison with subgraphs, agreement, misplaced, gaps."""

from __future__ import annotations

import pytest

from _analysis_maps import build, seed_map
from conceptmap.analysis import clusters
from conceptmap.analysis.clusters import adjusted_rand, normalized_mutual_information

# Two triangles joined by one link; the subgraphs put C with the second triangle.
TWO_TRIANGLES = """
subgraph S1["One"]
A[A]
B[B]
end
subgraph S2["Two"]
C[C]
D[D]
E[E]
F[F]
end
A --> B
B --> C
A --> C
D --> E
E --> F
D --> F
C --> D
"""


def test_two_triangles():
    r = clusters(build(TWO_TRIANGLES))
    assert [c.members for c in r.clusters] == [("A", "B", "C"), ("D", "E", "F")]
    assert [c.id for c in r.clusters] == ["C1", "C2"]
    # 7 edges; each triangle: 3 internal, degree sum 7 -> 2*(3/7 - (7/14)^2)
    assert r.modularity == pytest.approx(2 * (3 / 7 - 0.25))
    assert r.clusters[0].central == "C"  # 2 links inside the cluster, degree 3
    assert r.clusters[0].name == "C"
    assert [(m.id, m.subgraph, m.suggested) for m in r.misplaced] == [("C", "S2", "S1")]
    assert r.gaps[0].links == 1


def test_seed_subgraphs_vs_louvain():
    r = clusters(seed_map(), method="louvain", seed=0)
    assert r.subgraph_modularity == pytest.approx(0.44, abs=0.005)
    assert r.modularity == pytest.approx(0.57, abs=0.005)
    assert r.modularity > r.subgraph_modularity
    assert 0 < r.agreement.ari < r.agreement.nmi < 1
    assert sum(c.size for c in r.clusters) == 28
    # Self-Attention is clustered with three Efficiency concepts, but as many of its own
    # links stay in Attention Mechanism: not "misplaced". T5's two links both go to
    # Architecture Components.
    assert [(m.id, m.subgraph, m.suggested) for m in r.misplaced] == [
        ("T5", "Variants", "Architecture")
    ]


@pytest.mark.parametrize("method", ["louvain", "greedy", "label-propagation"])
def test_methods_partition_every_concept_deterministically(method):
    a = clusters(seed_map(), method=method, seed=3)
    b = clusters(seed_map(), method=method, seed=3)
    assert a == b
    members = [m for c in a.clusters for m in c.members]
    assert sorted(members) == sorted(c.id for c in seed_map().concepts)
    assert a.method == method


def test_resolution_changes_granularity():
    few = clusters(seed_map(), resolution=0.3)
    many = clusters(seed_map(), resolution=3.0)
    assert len(few.clusters) < len(many.clusters)


def test_without_subgraphs():
    r = clusters(build("A --> B\nB --> C"))
    assert r.subgraph_modularity is None and r.agreement is None and r.misplaced == ()


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method"):
        clusters(seed_map(), method="kmeans")


def test_agreement_measures():
    assert adjusted_rand([0, 0, 1, 1], [0, 0, 0, 1]) == pytest.approx(0.0)
    assert adjusted_rand([0, 0, 1, 1], [5, 5, 7, 7]) == pytest.approx(1.0)
    assert normalized_mutual_information([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0)
    assert normalized_mutual_information([0, 1, 2, 3], [0, 0, 1, 1]) == pytest.approx(
        2 / 3
    )  # I = ln 2, H = ln 4 and ln 2 -> ln2 / (1.5 ln 2)


def test_map_without_relationships_has_zero_modularity():
    from conceptmap import parse_map
    from conceptmap.analysis import clusters

    r = clusters(parse_map("flowchart LR\n  A\n  subgraph S\n  B\n  end\n", path="x.mmd"))
    assert r.modularity == 0.0
    assert r.subgraph_modularity == 0.0
