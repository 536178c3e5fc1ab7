"""Mermaid export: lossless round trip (parse -> to_mermaid -> parse), escaping traps, golden."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from _conformance import valid_cases
from conceptmap import parse_map
from conceptmap.export import ExportError
from conceptmap.export.mermaid import to_mermaid
from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "maps" / "transformers.md"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CONCEPTMAP_UPDATE_GOLDEN") == "1"


def _comparable(cmap: ConceptMap) -> dict:
    """model_dump without source positions and file name (they differ by design)."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("line", "column", "path")}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        return value

    data = strip(cmap.model_dump())
    # mermaid-js quirk: an edge-id `e1@{...}` or a `linkStyle ...;` written inside a subgraph
    # block lists `e1` / `;` as a member without creating a node. Such non-concept members
    # cannot be written back without that statement, so only concept members are compared.
    ids = {c["id"] for c in data["concepts"]}
    for s in data["subgraphs"]:
        s["concepts"] = [m for m in s["concepts"] if m in ids]
    return data


def _round_trip(cmap: ConceptMap, path: str = "roundtrip.mmd") -> ConceptMap:
    return parse_map(to_mermaid(cmap), path=path)


CASE_FILES = valid_cases()


@pytest.mark.skipif(not CASE_FILES, reason="conformance cases not found")
@pytest.mark.parametrize("case", CASE_FILES, ids=[c.stem for c in CASE_FILES])
def test_conformance_case_round_trips(case: Path) -> None:
    first = parse_map(case.read_text(encoding="utf-8"), path=case.name)
    text = to_mermaid(first)
    second = parse_map(text, path=case.name)
    assert _comparable(second) == _comparable(first), text


def test_seed_map_round_trips() -> None:
    first = parse_map(SEED.read_text(encoding="utf-8"), path="maps/transformers.md")
    second = parse_map(to_mermaid(first), path="transformers.mmd")
    a, b = _comparable(first), _comparable(second)
    # The Markdown's "Diagram Key" legend is document text, not diagram text; the kinds it
    # gives are also the default kinds, so every relationship keeps its kind.
    a.pop("legend"), b.pop("legend")
    assert b == a
    assert len(second.concepts) == 28 and len(second.relationships) == 30
    assert [r.kind for r in second.relationships] == [r.kind for r in first.relationships]


def test_seed_map_golden() -> None:
    cmap = parse_map(SEED.read_text(encoding="utf-8"), path="maps/transformers.md")
    text = to_mermaid(cmap)
    golden = GOLDEN / "transformers.mmd"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
    assert text == golden.read_text(encoding="utf-8"), (
        "Mermaid export changed; rerun with CONCEPTMAP_UPDATE_GOLDEN=1 if intended"
    )


def test_same_input_same_bytes() -> None:
    text = SEED.read_text(encoding="utf-8")
    a = to_mermaid(parse_map(text, path="maps/transformers.md")).encode()
    b = to_mermaid(parse_map(text, path="maps/transformers.md")).encode()
    assert a == b


def _c(cid: str, label: str, **kw) -> Concept:
    return Concept(id=cid, label=label, **kw)


TRICKY_LABELS = [
    'say "hi"',
    "C# & <b>x</b>",
    "CO<sub>2</sub>",
    "<i>starts</i> and ends <b>bold</b>",
    "<sup>-dash</sup>-",
    "a </b> stray <i and <b x>",
    "back`tick`",
    "set direction LR here",
    "DIRECTION TB",
    "two\nlines",
    "brackets [a] (b) {c} |d|",
    "\\starts with backslash",
    "/slashes/",
    "-dash-",
    "  padded  ",
    "mail@example.org",
    "%%{init: {}}%% directive",
    "#quot; literal code",
    "&lt;b&gt; literal entity",
    "<br> literal tag",
    "end style class click",
    "emoji 😀 and 中文",
    "ends with newline\n",
]


@pytest.mark.parametrize("label_type", ["text", "string", "markdown"])
@pytest.mark.parametrize("shape", ["square", "round", "lean_right", "ellipse", "odd", "hex"])
def test_tricky_labels_round_trip(shape: str, label_type: str) -> None:
    concepts = tuple(
        _c(f"n{i}", lab, shape=shape, label_type=label_type) for i, lab in enumerate(TRICKY_LABELS)
    )
    rels = tuple(
        Relationship(
            id=f"L_n{i}_n{i + 1}_0",
            source=f"n{i}",
            target=f"n{i + 1}",
            label=lab,
            label_type=label_type,
        )
        for i, lab in enumerate(TRICKY_LABELS[:-1])
    )
    cmap = ConceptMap(direction="LR", concepts=concepts, relationships=rels)
    text = to_mermaid(cmap)
    # No emitted line may be mistaken for a direction statement.
    assert not re.search(r"direction\s+(TB|BT|RL|LR|TD)", text, re.IGNORECASE)
    back = _round_trip(cmap)
    assert [(c.label, c.label_type, c.shape) for c in back.concepts] == [
        (lab, label_type, shape) for lab in TRICKY_LABELS
    ]
    assert [(r.label, r.label_type) for r in back.relationships] == [
        (lab, label_type) for lab in TRICKY_LABELS[:-1]
    ]


def test_inline_html_is_kept_so_mermaid_still_renders_it() -> None:
    """`CO<sub>2</sub>` stays a subscript: entity-coding the tags would show them as text."""
    cmap = ConceptMap(
        concepts=(
            _c("CO2", "CO<sub>2</sub>", shape="square"),
            _c("W", "H<sub>2</sub>O", shape="square", label_type="string"),
        ),
        relationships=(Relationship(id="e", source="CO2", target="W", label="<i>with</i>"),),
    )
    text = to_mermaid(cmap)
    assert "CO2[CO<sub>2</sub>]" in text
    assert 'W["H<sub>2</sub>O"]' in text
    assert "|<i>with</i>|" in text
    back = _round_trip(cmap)
    assert [(c.label, c.label_type) for c in back.concepts] == [
        (c.label, c.label_type) for c in cmap.concepts
    ]


LINKS = [
    (stroke, head, tail, length)
    for stroke in ("normal", "thick", "dotted")
    for head, tail in (
        ("arrow", "none"),
        ("none", "none"),
        ("circle", "none"),
        ("cross", "none"),
        ("arrow", "arrow"),
        ("circle", "circle"),
        ("cross", "cross"),
    )
    for length in (1, 2, 3)
] + [("invisible", "none", "none", n) for n in (1, 2, 5)]


def test_every_link_kind_round_trips_with_tricky_ids() -> None:
    # Ids ending or starting in o/x next to a link would change the link without spaces.
    ids = ["Ao", "xB", "oC", "Dx", "o", "x", "v", "a.b", "n-x", "Ελλάδα"]
    concepts = tuple(_c(i, i) for i in ids)
    rels = []
    for k, (stroke, head, tail, length) in enumerate(LINKS):
        s, t = ids[k % len(ids)], ids[(k * 3 + 1) % len(ids)]
        n = sum(1 for r in rels if (r.source, r.target) == (s, t))
        rels.append(
            Relationship(
                id=f"L_{s}_{t}_{n + 1 if n else 0}",
                source=s,
                target=t,
                stroke=stroke,
                head=head,
                tail=tail,
                length=length,
                kind=_kind(stroke, head, tail),
            )
        )
    cmap = ConceptMap(concepts=concepts, relationships=tuple(rels))
    back = _round_trip(cmap)
    assert [c.id for c in back.concepts] == ids
    assert [
        (r.source, r.target, r.stroke, r.head, r.tail, r.length, r.kind, r.id)
        for r in back.relationships
    ] == [(r.source, r.target, r.stroke, r.head, r.tail, r.length, r.kind, r.id) for r in rels]


def _kind(stroke: str, head: str, tail: str) -> str:
    from conceptmap.parse.legend import kind_of

    return kind_of(stroke, head, tail)


def test_structure_styles_and_interaction_round_trip() -> None:
    cmap = ConceptMap(
        title='Title with "quotes" and #',
        direction="RL",
        concepts=(
            _c("A", "Alpha", shape="square", subgraph="Inner", classes=("core", "clickable")),
            _c("B", "Beta", shape="round", subgraph="Outer", styles=("fill:#f9f", "stroke:#333")),
            _c("C", "C", subgraph="Outer"),
            _c("D", "Delta", shape="cyl", label_type="markdown"),
            _c("E", "E", shape="hex"),
        ),
        relationships=(
            Relationship(id="e1", source="A", target="B", user_id=True, label="uses"),
            Relationship(id="L_B_C_0", source="B", target="C", stroke="thick", kind="primary"),
            Relationship(id="L_C_D_0", source="C", target="D", styles=("stroke:red",)),
            Relationship(id="L_D_A_0", source="D", target="A", styles=("stroke:red",)),
        ),
        subgraphs=(
            Subgraph(id="Inner", title="Inner [x]", parent="Outer", concepts=("A",)),
            Subgraph(
                id="Outer", title="Outer", concepts=("B", "C"), direction="LR", classes=("grp",)
            ),
            Subgraph(id="Empty", title="Empty"),
        ),
        class_defs={"core": ("fill:#fff", "stroke:#000"), "grp": ("fill:#eee",)},
        default_link_style=("stroke:#999",),
    )
    text = to_mermaid(cmap)
    assert "linkStyle 2,3 stroke:red" in text  # identical link styles share a statement
    back = _round_trip(cmap)
    got = _comparable(back)
    want = _comparable(cmap)
    for key in ("concepts", "relationships", "subgraphs", "class_defs", "title", "direction"):
        assert got[key] == want[key], key


def test_subgraph_members_listed_once() -> None:
    cmap = ConceptMap(
        concepts=(_c("A", "A", subgraph="In"), _c("B", "B", subgraph="Out")),
        subgraphs=(
            Subgraph(id="In", title="In", parent="Out", concepts=("A",)),
            Subgraph(id="Out", title="Out", concepts=("B",)),
        ),
    )
    text = to_mermaid(cmap)
    # Declared once at top level, listed once as a member (first closing block wins).
    assert [line.strip() for line in text.splitlines()].count("A") == 2
    back = _round_trip(cmap)
    assert {s.id: s.concepts for s in back.subgraphs} == {"In": ("A",), "Out": ("B",)}
    assert back.subgraph_by_id["In"].parent == "Out"


def test_highlight_and_colour_options_add_styling_only() -> None:
    cmap = parse_map(SEED.read_text(encoding="utf-8"), path="maps/transformers.md")
    text = to_mermaid(
        cmap, highlight_path=["BERT", "ENCONLY", "ENCODER"], color_by={"BERT": 0, "GPT": 1}
    )
    assert "classDef cmPath" in text and "class BERT,ENCONLY,ENCODER cmPath" in text
    assert "classDef cmGroup0 fill:" in text and "class GPT cmGroup1" in text
    back = parse_map(text, path="x.mmd")
    assert [c.id for c in back.concepts] == [c.id for c in cmap.concepts]
    assert "cmPath" in back.concept_by_id["ENCONLY"].classes
    path_links = [r for r in back.relationships if r.styles]
    assert {(r.source, r.target) for r in path_links} == {
        ("BERT", "ENCONLY"),
        ("ENCONLY", "ENCODER"),
    }


@pytest.mark.parametrize("bad_id", ["end", "a b", "x[y]", "style.node", ""])
def test_ids_mermaid_cannot_express_are_rejected(bad_id: str) -> None:
    cmap = ConceptMap(concepts=(_c(bad_id, "label"),))
    with pytest.raises(ExportError, match="cannot be written"):
        to_mermaid(cmap)


def test_bare_concepts_and_label_only_nodes() -> None:
    cmap = ConceptMap(
        concepts=(_c("A", "A"), _c("B", "Has a label"), _c("C", "C", shape="rect")),
    )
    text = to_mermaid(cmap)
    assert text.splitlines()[1:] == [
        "    A",
        '    B@{ label: "Has a label", labelType: "text" }',
        "    C@{ shape: rect }",
    ]
    back = _round_trip(cmap)
    assert [(c.id, c.label, c.shape) for c in back.concepts] == [
        ("A", "A", None),
        ("B", "Has a label", None),
        ("C", "C", "rect"),
    ]
