"""Validation rules: the seed documents' findings, tiny maps for each rule, no false alarms."""

from __future__ import annotations

from pathlib import Path

import pytest

from conceptmap.model import Concept, ConceptMap, Relationship
from conceptmap.parse import Document, parse_document
from conceptmap.validate import RULES, ValidateConfig, validate_document
from conceptmap.validate.rules import connections

FIXTURES = Path(__file__).parent / "fixtures" / "validate"


def _load(name: str) -> Document:
    return parse_document((FIXTURES / name).read_text(encoding="utf-8"), path=name)


@pytest.fixture(scope="module")
def seed():
    doc = _load("transformers-concept-map.md")
    cards = (FIXTURES / "flashcards-transformers.md").read_text(encoding="utf-8")
    return validate_document(doc, siblings=[("cards.md", cards)])


def _find(result, rule, *, path=None, line=None):
    return [
        f
        for f in result.findings
        if f.rule == rule and (path is None or f.path == path) and (line is None or f.line == line)
    ]


MAP = "transformers-concept-map.md"


def test_rules_have_unique_names_and_codes():
    assert len({r.name for r in RULES}) == len(RULES) == len({r.code for r in RULES})
    for r in RULES:
        assert r.name == r.name.lower() and " " not in r.name
        assert r.severity in ("error", "warning", "info")


def test_seed_diagram_facts():
    cmap = _load(MAP).maps[0]
    deg = connections(cmap)
    assert (len(cmap.concepts), len(cmap.relationships)) == (28, 30)
    assert (deg["SELFATTN"], deg["ENCODER"], deg["DECODER"], deg["MULTIHEAD"]) == (7, 6, 5, 1)


def test_seed_header_totals(seed):
    (tc,) = _find(seed, "total-concepts")
    assert (tc.code, tc.severity, tc.line, tc.column) == ("CM101", "error", 5, 21)
    assert (tc.declared, tc.actual, tc.fixable, tc.replacement) == ("32", "28", True, "28")
    tr = _find(seed, "total-relationships")
    assert [(f.line, f.declared, f.actual) for f in tr] == [(6, "48", "30"), (262, "48", "30")]


def test_seed_central_concept_connections(seed):
    (f,) = _find(seed, "concept-connections", path=MAP, line=7)
    assert (f.declared, f.actual, f.column) == ("11", "7", 38)
    assert "Self-Attention has 7 connections, not 11" in f.message
    # Self-Attention *is* the most connected concept: the name itself is right.
    assert _find(seed, "central-concept") == []


def test_seed_concept_index(seed):
    index = {
        f.line: (f.declared, f.actual)
        for f in _find(seed, "concept-connections", path=MAP)
        if 274 <= f.line <= 292
    }
    assert index[274] == ("11", "7")  # Self-Attention
    assert index[275] == ("7", "1")  # Multi-Head Attention
    assert index[276] == ("7", "6")  # Encoder
    assert index[277] == ("7", "5")  # Decoder
    assert 286 not in index  # Causal Mask is not a concept: reported once, below
    (unknown,) = _find(seed, "unknown-concept", line=286)
    assert (unknown.severity, unknown.declared) == ("error", "Causal Mask")
    missing = {f.actual for f in _find(seed, "index-missing-concept")}
    assert {"Softmax", "Masked LM", "Query, Key, Value"} <= missing
    assert "Self-Attention" not in missing


def test_seed_relationship_matrix(seed):
    missing = {f.line: f.declared for f in _find(seed, "matrix-missing-relationship")}
    assert missing[243] == "Multi-Head | enables | Diverse patterns"
    assert set(missing) == {243, 249, 258}  # Diverse patterns, Masked Self-Attention, Long Context
    # "Scaling Laws | govern | Pre-training" for PRETRAIN governed by SCALING: the same
    # proposition in the other voice, not an inversion (an info naming the diagram's words)
    assert _find(seed, "matrix-inverted-relationship") == []
    phrase = {
        f.line: (f.declared, f.actual, f.severity) for f in _find(seed, "matrix-phrase-mismatch")
    }
    assert phrase[251] == ("type-of", "type", "warning")  # BERT type-of Encoder-Only
    assert phrase[257] == (
        "Scaling Laws | govern | Pre-training",
        "Pre-training governed by Scaling Laws",
        "info",
    )
    assert phrase[259][1:] == ("Self-Attention approximated by Sparse Attention", "info")
    # Matches through the legend (has-part, label-less) and compounds: not reported.
    for line in (247, 248, 255):
        assert not [f for f in seed.findings if f.path == MAP and f.line == line]
    unlisted = _find(seed, "matrix-unlisted-relationship")
    assert all(f.severity == "info" for f in unlisted) and len(unlisted) == 11


def test_seed_relationship_statistics(seed):
    line263 = [(f.declared, f.actual) for f in _find(seed, "concept-connections", line=263)]
    assert line263 == [("11", "7"), ("7", "1"), ("7", "6"), ("7", "5")]
    (mc,) = _find(seed, "most-connected")
    assert mc.declared == "Multi-Head" and mc.line == 263
    (bridge,) = _find(seed, "bridge-concept")
    assert "Cross-Attention" in bridge.message


def test_seed_legend(seed):
    (f,) = _find(seed, "legend-shape")
    assert (f.line, f.declared, f.actual) == (120, "diamond", "circle end")
    assert _find(seed, "legend-missing") == [] and _find(seed, "legend-unused") == []


def test_seed_pathways(seed):
    unknown = {f.declared for f in _find(seed, "pathway-unknown-step")}
    assert unknown == {
        "Transformer Overview",
        "Efficiency Techniques",
        "Scaling Considerations",
        "Attention Complexity",
        "Modern Architectures",
    }
    gaps = {(f.line, f.column) for f in _find(seed, "pathway-gap")}
    assert (310, 4) in gaps  # Multi-Head Attention -> Positional Encoding
    assert (304, 4) not in gaps  # Self-Attention computes Query, Key, Value


def test_seed_flashcards(seed):
    card1 = _find(seed, "concept-connections", path="cards.md", line=15)
    assert [(f.declared, f.actual, f.fixable) for f in card1] == [("11", "7", True)]
    card2 = _find(seed, "concept-connections", path="cards.md", line=46)
    # "High (7 connections each)": Encoder has 6, Decoder 5 -- no single number to write.
    assert sorted((f.actual, f.fixable) for f in card2) == [("5", False), ("6", False)]
    card3 = _find(seed, "concept-connections", path="cards.md", line=83)
    assert {(f.declared, f.actual, f.fixable) for f in card3} == {("6", "2", True)}
    xref = [
        (f.line, f.declared, f.actual)
        for f in _find(seed, "concept-connections", path="cards.md")
        if f.line >= 248
    ]
    assert xref == [
        (248, "11", "7"),
        (249, "7", "6"),
        (249, "7", "5"),
        (250, "6", "2"),
        (250, "6", "2"),
        (251, "5", "4"),
    ]
    (unrec,) = _find(seed, "unrecognised-claim", path="cards.md")
    assert unrec.severity == "info" and unrec.line == 162


def test_findings_sorted_and_summarised(seed):
    keys = [(f.path, f.line, f.column, f.code) for f in seed.findings]
    assert keys == sorted(keys)
    s = seed.summary
    assert s.errors == sum(f.severity == "error" for f in seed.findings) > 0
    assert s.fixable == sum(f.fixable for f in seed.findings)


def test_select_and_ignore():
    doc = _load(MAP)
    only = validate_document(doc, config=ValidateConfig(select=("CM1",)))
    assert {f.code[:3] for f in only.findings} == {"CM1"}
    none = validate_document(doc, config=ValidateConfig(ignore=("total-concepts", "CM102")))
    assert not [f for f in none.findings if f.code in ("CM101", "CM102")]


def test_correct_documents_have_no_findings():
    doc = _load("tiny-map.md")
    cards = (FIXTURES / "tiny-flashcards.md").read_text(encoding="utf-8")
    result = validate_document(doc, siblings=[("tiny-flashcards.md", cards)])
    assert result.findings == ()


def test_correct_fixture_is_really_checked():
    text = (FIXTURES / "tiny-map.md").read_text(encoding="utf-8")
    wrong = text.replace("**Total Concepts:** 4", "**Total Concepts:** 5").replace(
        "| Softmax | Normalised weights | 2 |", "| Softmax | Normalised weights | 9 |"
    )
    result = validate_document(parse_document(wrong, path="m.md"))
    assert sorted(f.code for f in result.findings) == ["CM101", "CM104"]


# -- tiny maps, one rule each ----------------------------------------------------------------
def _map(rels, concepts="ABC", **kw):
    return ConceptMap(
        concepts=tuple(
            Concept(id=c, label=f"Concept {c}", line=i + 2, column=5)
            for i, c in enumerate(concepts)
        ),
        relationships=tuple(
            Relationship(id=f"e{i}", source=s, target=t, label=lab, line=10 + i, column=5, **kw)
            for i, (s, t, lab) in enumerate(rels)
        ),
    )


def _run(cmap, text="", *, relations=None):
    return validate_document(Document(path="m.md", text=text, maps=(cmap,)), relations=relations)


def test_hygiene_isolated_duplicate_selfloop_disconnected():
    # A-B twice (duplicate), C alone, D-E a separate part, F linked to itself.
    cmap = _map(
        [("A", "B", "uses"), ("A", "B", "uses"), ("D", "E", "x"), ("F", "F", "y")],
        concepts="ABCDEF",
    )
    codes = sorted((f.rule, f.line) for f in _run(cmap).findings)
    assert ("isolated-concept", 4) in codes  # C, declared on line 4
    assert ("duplicate-relationship", 11) in codes
    assert ("self-loop", 13) in codes
    assert [r for r, _ in codes].count("disconnected-map") == 1


def test_invisible_links_are_not_connections():
    cmap = _map([("A", "B", None)], concepts="AB", stroke="invisible")
    assert connections(cmap) == {"A": 0, "B": 0}


class _Vocab:
    def prerequisite_end(self, label, kind=None):
        return ("target", True) if label == "needs" else ("source", False)

    def is_ambiguous(self, label):
        return False


def test_prerequisite_cycle_and_pathway_order():
    cmap = _map([("A", "B", "needs"), ("B", "A", "needs")], concepts="AB")
    result = _run(cmap, relations=_Vocab())
    assert [f.rule for f in result.findings] == ["prerequisite-cycle"]
    cmap = _map([("A", "B", "needs")], concepts="AB")
    text = "## Learning Pathways\n\n```\n1. Concept A\n2. Concept B\n```\n"
    result = _run(cmap, text, relations=_Vocab())
    (order,) = result.findings
    assert (order.rule, order.line, order.column) == ("pathway-order", 5, 4)


def test_ambiguous_phrases_make_no_order_findings():
    """`type` is read both ways in real maps: no cycle or pathway-order finding rests on it."""
    cycle = _map([("A", "B", "type"), ("B", "A", "type")], concepts="AB")
    assert "prerequisite-cycle" not in [f.rule for f in _run(cycle).findings]
    known = _map([("A", "B", "requires"), ("B", "A", "requires")], concepts="AB")
    assert "prerequisite-cycle" in [f.rule for f in _run(known).findings]
    order = _map([("B", "A", "type")], concepts="AB")  # read as: B first
    text = "## Learning Pathways\n\n```\n1. Concept A\n2. Concept B\n```\n"
    assert "pathway-order" not in [f.rule for f in _run(order, text).findings]


def test_style_naming_unknown_node():
    text = "```mermaid\nflowchart TD\n  A --> B\n  style GHOST fill:#fff\n```\n"
    cmap = parse_document(text, path="m.md").maps[0]
    f = [x for x in _run(cmap, text).findings if x.rule == "style-unknown-node"]
    assert [(x.line, x.column, x.declared) for x in f] == [(4, 9, "GHOST")]


def test_style_rule_reads_the_parsed_block_of_the_map():
    """The parser's own block (not a second Markdown scan): right lines after another
    diagram, and a class line on nodes used elsewhere (ids with dots too) is fine."""
    from conceptmap.validate import validate_document

    text = (
        "```mermaid\nsequenceDiagram\n  A->>B: hi\n```\n\n"
        "```mermaid\nflowchart TD\n  A --> B.c\n  A-2 --> B.c\n"
        "  class A,B.c,A-2 hot\n  style GHOST fill:#fff\n```\n"
    )
    doc = parse_document(text, path="m.md")
    assert doc.blocks and doc.blocks[0].first_line == 7
    f = [x for x in validate_document(doc).findings if x.rule == "style-unknown-node"]
    assert [(x.line, x.column, x.declared) for x in f] == [(11, 9, "GHOST")]


def test_ambiguous_name_is_a_warning_not_a_guess():
    cmap = _map([("A", "B", "x")], concepts="AB")
    text = "| Concept | Connections |\n|---|---|\n| Concept | 1 |\n"
    found = [f for f in _run(cmap, text).findings if f.severity != "info"]
    assert [(f.rule, f.severity, f.line) for f in found] == [("ambiguous-concept", "warning", 3)]


def test_slash_compound_of_two_concepts_is_split_not_matched_to_an_alternative():
    from conceptmap import parse_map
    from conceptmap.validate.names import NameMatcher

    cmap = parse_map(
        "flowchart LR\n  E[Encoder] --> D[Decoder]\n  T[T5 / Encoder-Decoder] --> E\n"
        "  R[RoPE / ALiBi]\n",
        path="n.mmd",
    )
    m = NameMatcher(cmap)
    both = m.resolve("Encoder/Decoder")
    assert both.id is None and both.candidates == ("D", "E")
    assert m.resolve("RoPE / ALiBi").id == "R"  # a label with a slash still matches itself
    assert m.resolve("Encoder-Decoder").id == "T"


def test_a_long_prerequisite_cycle_names_ten_concepts():
    ring = [(f"C{i:02}", f"C{(i + 1) % 12:02}", "requires") for i in range(12)]
    cmap = _map(ring, concepts=[f"C{i:02}" for i in range(12)])
    (cycle,) = [f for f in _run(cmap).findings if f.rule == "prerequisite-cycle"]
    assert cycle.message.endswith("and 2 more each need the other first")
    assert cycle.line == 10  # the cycle's first relationship in the document


def test_cluster_claims_use_the_callers_clusters():
    """The report passes its own clusters: cluster claims are judged against what it shows."""
    from conceptmap.analysis import clusters
    from conceptmap.analysis.results import ClusterResult

    doc = _load(MAP)
    own = clusters(doc.maps[0])
    default = validate_document(doc)
    assert _find(default, "cluster-claim") == _find(
        validate_document(doc, clusters=own), "cluster-claim"
    )
    # one cluster holding everything: no claim can span two clusters
    everything = own.clusters[0].model_copy(
        update={"members": tuple(sorted(c.id for c in doc.maps[0].concepts))}
    )
    single = ClusterResult.model_construct(**{**own.__dict__, "clusters": (everything,)})
    assert _find(validate_document(doc, clusters=single), "cluster-claim") == []
    # every concept on its own: the seed's cluster claim spans several
    apart = own.model_copy(
        update={
            "clusters": tuple(
                everything.model_copy(update={"id": f"C{i}", "members": (c.id,)})
                for i, c in enumerate(doc.maps[0].concepts)
            )
        }
    )
    assert len(_find(validate_document(doc, clusters=apart), "cluster-claim")) == 1


def test_every_rule_is_in_the_rules_document():
    doc = (Path(__file__).parent.parent / "docs" / "validate-rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| {rule.code} | `{rule.name}` | {rule.severity}" in doc, rule.code
        assert f"**{rule.code} {rule.name}**" in doc, rule.code


def test_a_truly_inverted_matrix_row_is_still_an_error():
    from conceptmap.validate.rules import other_voice

    doc = """\
```mermaid
flowchart LR
  ENC[Encoder] ==>|uses| SA[Self-Attention]
  PT[Pre-training] -.->|governed by| SL[Scaling Laws]
```

## Relationship Matrix

| From | Relationship | To |
|------|--------------|----|
| Self-Attention | uses | Encoder |
| Scaling Laws | govern | Pre-training |
| Scaling Laws | enable | Pre-training |
"""
    r = validate_document(parse_document(doc, path="m.md"))
    assert [(f.line, f.code, f.severity) for f in r.findings if f.code in ("CM302", "CM303")] == [
        (11, "CM302", "error"),  # Encoder uses Self-Attention, not the other way round
        (12, "CM303", "info"),  # the other voice of "governed by"
        (13, "CM302", "error"),  # "enable" is not "govern"
    ]
    assert other_voice("extends", "extended by") and not other_voice("is a", "is aed by")
