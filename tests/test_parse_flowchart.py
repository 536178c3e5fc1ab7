"""FlowDB semantics that the conformance JSON does not pin (ids, styles, click, kinds)."""

from __future__ import annotations

from conceptmap import parse_map


def _m(body: str):
    return parse_map("flowchart LR\n" + body, path="t.mmd")


def test_edge_ids_auto_and_user():
    m = _m("A-->B\nA-->B\nA e1@--> B\nC e1@--> D\n")
    assert [r.id for r in m.relationships] == ["L_A_B_0", "L_A_B_2", "e1", "L_C_D_0"]
    assert [r.user_id for r in m.relationships] == [False, False, True, False]


def test_edge_id_with_amp_compares_by_value_like_mermaid():
    m = _m("G & m & m e6@--o E\n")
    assert [(r.source, r.id) for r in m.relationships] == [
        ("G", "L_G_E_0"),
        ("m", "e6"),
        ("m", "L_m_E_2"),
    ]


def test_edge_metadata_is_not_a_node():
    m = _m("A e1@--> B\ne1@{ animate: true }\n")
    assert [c.id for c in m.concepts] == ["A", "B"]


def test_label_precedence_and_styles_and_click():
    m = _m(
        "A\nA[First]\nA(Round)\nstyle A fill:#f00,stroke:#333\n"
        'click A "https://example.org" "Open"\nclassDef hot fill:#f00\nclass A hot\n'
    )
    (a,) = m.concepts
    assert (a.label, a.shape) == ("Round", "round")
    assert a.styles == ("fill:#f00", "stroke:#333")
    assert a.link == "https://example.org/" and a.tooltip == "Open"
    assert a.classes == ("clickable", "hot")
    assert m.class_defs == {"hot": ("fill:#f00",)}


def test_linkstyle_and_lengths_and_ends():
    m = _m("A ---> B\nB -...-> C\nC <==> D\nD o--o E\nE ~~~~~ F\nlinkStyle 0,2 stroke:red\n")
    assert [r.length for r in m.relationships] == [2, 3, 1, 1, 3]
    assert [(r.tail, r.head) for r in m.relationships][2:4] == [
        ("arrow", "arrow"),
        ("circle", "circle"),
    ]
    assert m.relationships[0].styles == ("stroke:red",)
    assert m.relationships[1].styles == ()
    assert [r.kind for r in m.relationships] == [
        "plain",
        "secondary",
        "primary",
        "has-part",
        "invisible",
    ]


def test_membership_first_subgraph_to_close_wins():
    m = _m("subgraph O\n subgraph I\n  X\n end\n X --> Y\nend\nsubgraph L\n Y\nend\n")
    assert m.concept_by_id["X"].subgraph == "I"
    assert m.concept_by_id["Y"].subgraph == "O"
    assert m.subgraph_by_id["L"].concepts == ()
    assert m.subgraph_by_id["I"].parent == "O"


def test_auto_subgraph_ids_count_in_closing_order():
    m = _m("subgraph Outer words\n subgraph inner words\n A\n end\nend\n")
    assert {s.id: s.title for s in m.subgraphs} == {
        "subGraph0": "inner words",
        "subGraph1": "Outer words",
    }


def test_entities_markdown_and_br():
    m = _m('A["a #quot;b#quot; #35;1<br/>two"] --> B["`**bold**`"]\n')
    assert m.concepts[0].label == 'a "b" #1\ntwo'
    assert (m.concepts[1].label, m.concepts[1].label_type) == ("**bold**", "markdown")


def test_shape_data_label_type_key():
    m = _m('A@{ shape: rect, label: "x", labelType: "text" }\nB@{ shape: hex, label: "y" }\n')
    assert [(c.shape, c.label_type) for c in m.concepts] == [("rect", "text"), ("hex", "markdown")]


def test_statement_words_are_not_nodes():
    m = _m("A --> B\nclick A\naccTitle: t\n")
    assert [c.id for c in m.concepts] == ["A", "B"]
