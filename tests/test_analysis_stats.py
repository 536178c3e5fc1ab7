"""map_stats: counts, components, degrees; and its speed on 100k relationships."""

from __future__ import annotations

import time

import pytest

from _analysis_maps import build, seed_map
from conceptmap.analysis import map_stats
from conceptmap.model import Concept, ConceptMap, Relationship


def test_small_map():
    s = map_stats(build("A ==>|uses| B\nA -.-> B\nB --> B\nC ~~~ D\nE[E]"))
    assert (s.concepts, s.relationships, s.visible_relationships) == (5, 4, 3)
    assert s.labelled_relationships == 1
    assert s.relationships_by_kind == {"invisible": 1, "plain": 1, "primary": 1, "secondary": 1}
    assert s.self_loops == 1
    assert s.components == (("A", "B"), ("C",), ("D",), ("E",))
    assert s.isolated == ("C", "D", "E")
    assert [(d.id, d.degree, d.in_degree, d.out_degree) for d in s.degrees[:2]] == [
        ("B", 4, 3, 1),
        ("A", 2, 0, 2),
    ]
    assert s.density == pytest.approx(1 / 10)


def test_seed_map():
    s = map_stats(seed_map())
    assert (s.concepts, s.relationships, len(s.subgraphs)) == (28, 30, 6)
    assert s.degrees[0].id == "SELFATTN" and s.degrees[0].degree == 7
    assert len(s.components) == 1 and s.isolated == ()


def test_fast_on_100k_relationships():
    n = 50_000
    concepts = tuple(Concept(id=f"N{i}", label=f"N{i}") for i in range(n))
    rels = tuple(
        Relationship(
            id=f"e{i}",
            source=f"N{i % n}",
            target=f"N{(i * 7 + 1) % n}",
            label="uses",
            kind="plain",
            stroke="normal",
        )
        for i in range(100_000)
    )
    cmap = ConceptMap(concepts=concepts, relationships=rels)
    t = time.process_time()  # CPU time: other processes on a shared machine don't count
    s = map_stats(cmap)
    elapsed = time.process_time() - t
    assert s.relationships == 100_000
    assert elapsed < 2.0, elapsed  # 0.3-0.7 s here; generous for a loaded 2-core machine
