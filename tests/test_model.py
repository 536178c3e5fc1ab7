"""The model: JSON contract, frozen records, networkx views."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from pydantic import ValidationError

from conceptmap import ConceptMap, parse_map
from conceptmap.graph import simple_digraph, undirected

SMALL = """flowchart LR
    subgraph S["Group"]
        A[Alpha] ==>|uses| B[Beta]
    end
    A -.-> C
    A ==> B
    C ~~~ D
    D --> D
"""


def test_json_keys_are_the_public_contract():
    data = json.loads(parse_map(SMALL, path="s.mmd").to_json())
    assert {"title", "direction", "concepts", "relationships", "subgraphs"} <= set(data)
    assert {"id", "label", "shape", "subgraph", "classes", "line"} <= set(data["concepts"][0])
    assert {"source", "target", "label", "kind", "stroke", "head", "tail", "length", "line"} <= set(
        data["relationships"][0]
    )
    assert {"id", "title", "parent", "concepts", "direction"} <= set(data["subgraphs"][0])
    assert data["relationships"][1]["label"] is None


def test_json_round_trips_through_validation():
    cmap = parse_map(SMALL, path="s.mmd")
    again = ConceptMap.model_validate_json(cmap.to_json())
    assert again == cmap  # also proves the parser's unvalidated records are valid


def test_frozen():
    cmap = parse_map(SMALL, path="s.mmd")
    with pytest.raises(ValidationError):
        cmap.concepts[0].label = "x"  # type: ignore[misc]


def test_networkx_views():
    cmap = parse_map(SMALL, path="s.mmd")
    G = cmap.to_networkx()
    assert isinstance(G, nx.MultiDiGraph)
    assert G.number_of_edges() == 5  # parallel A->B kept, invisible and self-loop too
    assert G.nodes["A"]["subgraph"] == "S"
    assert G.edges["A", "B", "L_A_B_0"]["label"] == "uses"
    assert G.edges["A", "B", "L_A_B_0"]["kind"] == "primary"
    D = simple_digraph(cmap)
    assert D["A"]["B"]["weight"] == 2
    assert not D.has_edge("C", "D")  # invisible link is a layout hint, not a proposition
    assert not D.has_edge("D", "D")
    U = undirected(cmap)
    assert U.number_of_edges() == 2 and U["B"]["A"]["weight"] == 2


def test_subgraph_endpoint_is_a_node_but_not_a_concept():
    cmap = parse_map("flowchart LR\n subgraph S\n A\n end\n S --> B\n", path="e.mmd")
    assert [c.id for c in cmap.concepts] == ["A", "B"]
    G = cmap.to_networkx()
    assert G.nodes["S"]["is_subgraph"] is True
