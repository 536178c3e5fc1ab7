"""JSON node-link, GraphML, GEXF and CSV exports: every attribute, loadable, deterministic."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import networkx as nx
import pytest

from conceptmap import parse_map
from conceptmap.export.data import concept_metrics, to_csv, to_gexf, to_graphml, to_json
from conceptmap.export.dot import to_dot
from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "maps" / "transformers.md"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CONCEPTMAP_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def seed() -> ConceptMap:
    return parse_map(SEED.read_text(encoding="utf-8"), path="maps/transformers.md")


def _small() -> ConceptMap:
    # A -> B (labelled, primary), B --o A, A -> subgraph S (an endpoint that is no concept)
    return ConceptMap(
        title="Small",
        concepts=(
            Concept(id="A", label='Q "&" <A>', shape="square", classes=("c1", "c2"), link="u"),
            Concept(id="B", label="B\nline", subgraph="S", styles=("fill:#fff",)),
        ),
        relationships=(
            Relationship(id="e1", source="A", target="B", label="uses", kind="primary"),
            Relationship(id="L_B_A_0", source="B", target="A", head="circle", kind="has-part"),
            Relationship(id="L_A_S_0", source="A", target="S"),
        ),
        subgraphs=(Subgraph(id="S", title="Group", concepts=("B",)),),
        class_defs={"c1": ("fill:#f9f",)},
    )


def test_json_holds_every_field_and_loads_back() -> None:
    cmap = _small()
    data = json.loads(to_json(cmap))
    assert data["directed"] and data["multigraph"]
    node_a = data["nodes"][0]
    assert node_a["id"] == "A"
    assert set(Concept.model_fields) - {"id"} <= set(node_a)
    assert node_a["classes"] == ["c1", "c2"] and node_a["link"] == "u"
    edge = data["edges"][0]
    assert edge["key"] == "e1" and edge["user_id"] is False and edge["kind"] == "primary"
    assert set(Relationship.model_fields) - {"id"} <= set(edge)
    assert data["graph"]["subgraphs"][0]["id"] == "S"
    assert data["graph"]["class_defs"] == {"c1": ["fill:#f9f"]}
    assert data["nodes"][2] == {"id": "S", "label": "Group", "is_subgraph": True}
    G = nx.node_link_graph(data, edges="edges")
    assert G.number_of_nodes() == 3 and G.number_of_edges() == 3
    assert G.edges["A", "B", "e1"]["label"] == "uses"


def test_graphml_loads_back_with_networkx() -> None:
    G = nx.read_graphml(io.StringIO(to_graphml(_small())), force_multigraph=True)
    assert G.is_directed()
    assert G.nodes["A"]["label"] == 'Q "&" <A>'
    assert json.loads(G.nodes["A"]["classes"]) == ["c1", "c2"]
    assert G.nodes["B"]["label"] == "B\nline"
    assert "tooltip" not in G.nodes["A"]  # None values are left out
    assert G.edges["A", "B", "e1"]["kind"] == "primary"
    assert json.loads(G.graph["class_defs"]) == {"c1": ["fill:#f9f"]}


def test_gexf_loads_back_and_has_no_date() -> None:
    text = to_gexf(_small())
    assert "lastmodifieddate" not in text
    G = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    assert G.nodes["A"]["label"] == 'Q "&" <A>'
    assert json.loads(G.nodes["A"]["classes"]) == ["c1", "c2"]
    edges = {d["id"]: d for _u, _v, d in G.edges(data=True)}
    assert edges["L_B_A_0"]["kind"] == "has-part"


@pytest.mark.parametrize("fn", [to_json, to_graphml, to_gexf, to_csv])
def test_same_input_same_bytes(fn, seed: ConceptMap) -> None:
    assert fn(seed).encode() == fn(seed).encode()


def test_seed_graphml_and_gexf_round_trip_counts(seed: ConceptMap) -> None:
    for G in (
        nx.read_graphml(io.StringIO(to_graphml(seed))),
        nx.read_gexf(io.BytesIO(to_gexf(seed).encode())),
    ):
        assert G.number_of_nodes() == 28
        assert G.number_of_edges() == 30


def test_seed_csv_has_metrics(seed: ConceptMap) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(seed))))
    assert len(rows) == 28
    by_id = {r["id"]: r for r in rows}
    assert by_id["SELFATTN"]["degree"] == "7"
    assert by_id["SELFATTN"]["label"] == "Self-Attention"
    assert by_id["QKV"]["label"] == "Query, Key, Value"  # quoted by the csv writer
    assert {"id", "label", "subgraph", "shape", "degree", "in_degree", "out_degree"} <= set(rows[0])
    top = max(rows, key=lambda r: int(r["degree"]))
    assert top["id"] == "SELFATTN"


def test_metrics_count_degrees_without_invisible_links_and_leave_out_undefined() -> None:
    cmap = ConceptMap(
        concepts=tuple(Concept(id=x, label=x) for x in "ABCDE"),
        relationships=(
            Relationship(id="r1", source="A", target="B"),
            Relationship(id="r2", source="A", target="B", stroke="invisible", head="none"),
            Relationship(id="r3", source="B", target="C"),
            Relationship(id="r4", source="D", target="E"),
        ),
    )
    m = concept_metrics(cmap)
    assert (m["A"]["degree"], m["A"]["in_degree"], m["A"]["out_degree"]) == (1, 0, 1)
    # D and E lie outside the largest component: no eigenvector, and no "None" written
    assert "eigenvector" in m["A"] and "eigenvector" not in m["D"]
    assert "eigenvector: None" not in to_dot(cmap, metrics=m)


def test_seed_json_golden(seed: ConceptMap) -> None:
    text = to_json(seed)
    data = json.loads(text)
    assert len(data["nodes"]) == 28 and len(data["edges"]) == 30
    golden = GOLDEN / "transformers.json"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
    assert text == golden.read_text(encoding="utf-8"), (
        "JSON export changed; rerun with CONCEPTMAP_UPDATE_GOLDEN=1 if intended"
    )
