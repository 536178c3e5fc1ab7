"""The report library: build_report, Markdown/HTML rendering, combined graph, index, schema."""

from __future__ import annotations

import json
import re

import pytest

from conceptmap import parse_document, parse_map
from conceptmap.export.mermaid import to_mermaid
from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph
from conceptmap.report import (
    IndexEntry,
    build_report,
    combine_maps,
    combined_section,
    index_entry,
    index_html,
    index_markdown,
    label_key,
    report_html,
    report_json_schema,
    report_markdown,
)

# A small document in the generated format: the header over-counts (4 concepts, 5
# relationships; the diagram has 3 and 2), names the right central concept with the
# wrong count, and writes a pathway whose second step is not linked to the first.
DOC = """\
# Concept Map: Attention

**Total Concepts:** 4
**Total Relationships:** 5
**Central Concept:** Self-Attention (3 connections)

```mermaid
flowchart TD
    subgraph Core["Core"]
        SA[Self-Attention]
        SM[Softmax]
    end
    QKV[Query Key Value]
    SA ==>|computes| QKV
    SA ==>|normalized by| SM
```

## Learning Pathways

### Pathway 1: Basics

```
1. Query Key Value       what is computed
        ↓
2. Softmax               normalisation
        ↓
3. Dragons               not in the map
```
"""


def _doc():
    return parse_document(DOC, path="attention.md")


def test_headline_compares_declared_and_actual_figures():
    r = build_report(_doc())
    got = [(h.field, h.declared, h.actual, h.ok) for h in r.headline]
    assert got == [
        ("Total concepts", "4", "3", False),
        ("Total relationships", "5", "2", False),
        (
            "Central concept",
            "Self-Attention (3 connections)",
            "Self-Attention (2 connections)",
            False,
        ),
    ]
    assert r.stats.concepts == 3
    assert r.validation.errors >= 3
    # Every stale header value is an error the validator also reports, at its line.
    lines = {f.line for f in r.validation.findings if f.severity == "error"}
    assert {3, 4, 5} <= lines


def test_pathway_steps_are_checked_against_the_diagram():
    r = build_report(_doc())
    assert [p.title for p in r.pathways] == ["Pathway 1: Basics"]
    steps = r.pathways[0].steps
    assert [(s.index, s.name, s.concepts, s.status) for s in steps] == [
        (1, "Query Key Value", ("QKV",), "ok"),
        (2, "Softmax", ("SM",), "gap"),
        (3, "Dragons", (), "unknown"),
    ]
    assert r.pathways[0].problems == 2


def test_tiers_cover_every_concept_in_ranking_order():
    r = build_report(_doc())
    counted = [cid for t in r.tiers for cid in t.concepts]
    assert sorted(counted) == ["QKV", "SA", "SM"]
    assert r.tiers[0].tier == "Critical" and r.tiers[0].concepts == ("SA",)


def test_siblings_are_validated_and_listed():
    cards = "# Flashcards\n\n**Concept Map:** attention.md\n\n**Concept:** Softmax\n**Centrality:** Critical (9 connections)\n"
    r = build_report(_doc(), siblings=[("cards.md", cards)])
    assert [s.path for s in r.siblings] == ["cards.md"]
    assert r.siblings[0].errors == sum(
        1 for f in r.validation.findings if f.path == "cards.md" and f.severity == "error"
    )
    assert r.siblings[0].errors >= 1
    # The map's own findings come first.
    paths = [f.path for f in r.validation.findings]
    assert paths == sorted(paths, key=lambda p: p != "attention.md")


def test_report_is_deterministic():
    a = build_report(_doc()).model_dump_json()
    b = build_report(_doc()).model_dump_json()
    assert a == b
    assert re.search(r"20\d\d-\d\d-\d\d", a) is None  # no date or timestamp


def test_json_schema_validates_the_report():
    jsonschema = pytest.importorskip("jsonschema")
    schema = report_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(build_report(_doc()).model_dump_json())
    jsonschema.validate(data, schema)
    data["stats"]["concepts"] = "three"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_markdown_escapes_labels_and_explains_numbers():
    m = ConceptMap(
        title="Pipes",
        concepts=(Concept(id="A", label="a | b"), Concept(id="B", label="<script>x</script>")),
        relationships=(Relationship(id="e", source="A", target="B", label="uses"),),
    )
    md = report_markdown(build_report(m))
    assert "a \\| b" in md
    assert "<script>" not in md
    # Every row of the centrality table has the header's number of cells.
    table = md.split("## Most important concepts", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in table.splitlines() if ln.startswith("| ")]
    assert len(rows) == 3
    assert {len(re.split(r"(?<!\\)\|", ln)) for ln in rows} == {10}
    assert "*Density* is the share" in md


def test_html_embeds_graph_and_svg_safely():
    m = ConceptMap(
        title="T",
        concepts=(Concept(id="A", label="</script><b>x"), Concept(id="B", label="B")),
        relationships=(Relationship(id="e", source="A", target="B"),),
    )
    rep = build_report(m)
    graph = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        'content="script-src \'sha256-abc=\'"></head><body>"quoted" &amp;</body></html>'
    )
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>'
    )
    page = report_html(rep, graph_page=graph, svg=svg)
    assert "<b>x" not in page and "&lt;/script&gt;&lt;b&gt;x" in page
    srcdoc = re.search(r'srcdoc="([^"]*)"', page)
    assert srcdoc is not None and "&quot;quoted&quot; &amp;amp;" in srcdoc.group(1)
    assert '<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>' in page
    assert "<?xml" not in page
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "sha256-abc=" in csp  # the frame inherits the page's policy: its scripts allowed
    assert page.count("<table") == page.count('<table class="sortable">')


def test_paired_inline_tags_render_as_html_in_both_reports():
    """CO<sub>2</sub> reads CO₂ in report.md (Markdown passes inline HTML) and report.html;
    a tag that does not close around plain text stays text."""
    m = ConceptMap(
        title="Air",
        concepts=(
            Concept(id="C", label="CO<sub>2</sub>"),
            Concept(id="X", label="<b>open <i>nest</i></b> <sup>x"),
        ),
        relationships=(Relationship(id="e", source="C", target="X", label="uses"),),
    )
    rep = build_report(m)
    md = report_markdown(rep)
    assert "CO<sub>2</sub>" in md
    assert "\\<sup\\>x" in md and "\\<b\\>open <i>nest</i>\\</b\\>" in md
    page = report_html(rep)
    assert "CO<sub>2</sub>" in page
    assert "&lt;sup&gt;x" in page and "&lt;b&gt;open <i>nest</i>&lt;/b&gt;" in page


def test_combined_graph_merges_by_normalised_label():
    a = ConceptMap(
        title="A",
        concepts=(
            Concept(id="SA", label="Self-Attention"),
            Concept(id="SM", label="Softmax"),
            Concept(id="ENC", label="Encoder"),
        ),
        relationships=(
            Relationship(id="e1", source="SA", target="SM", label="normalized by"),
            Relationship(id="e2", source="ENC", target="SA", label="uses"),
        ),
        subgraphs=(Subgraph(id="S", title="Core", concepts=("SA", "SM")),),
    )
    b = ConceptMap(
        title="B",
        concepts=(
            Concept(id="ATT", label="self attention"),
            Concept(id="SOFT", label="SOFTMAX"),
            Concept(id="VIT", label="ViT"),
        ),
        relationships=(
            Relationship(id="x1", source="ATT", target="SOFT", label="Normalized-by"),
            Relationship(id="x2", source="VIT", target="ATT", label="uses"),
        ),
    )
    g = combine_maps([("a", a), ("b", b)])
    assert [(c.label, c.maps) for c in g.shared] == [
        ("Self-Attention", ("a", "b")),
        ("Softmax", ("a", "b")),
    ]
    assert sorted(c.label for c in g.cmap.concepts) == [
        "Encoder",
        "Self-Attention",
        "Softmax",
        "ViT",
    ]
    # The same proposition written in both maps appears once.
    pairs = sorted((r.source, r.target) for r in g.cmap.relationships)
    assert pairs == [("ENC", "SA"), ("SA", "SM"), ("VIT", "SA")]
    shared_sub = [s for s in g.cmap.subgraphs if s.title == "Shared between maps"]
    assert shared_sub and shared_sub[0].concepts == ("SA", "SM")
    # Exported like a single map: the Mermaid text parses back to the same graph.
    back = parse_map(to_mermaid(g.cmap))
    assert len(back.concepts) == 4 and len(back.relationships) == 3
    section = combined_section(g)
    assert [(s.label, s.degree) for s in section.shared] == [
        ("Self-Attention", 3),
        ("Softmax", 1),
    ]
    rep = build_report(g.cmap, combined=section)
    md = report_markdown(rep)
    assert md.index("## Concepts shared between maps") < md.index("## At a glance")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Self-Attention", "self attention", True),
        ("Pre-training", "Pretraining", True),
        ("ＭＬＭ", "MLM", True),
        ("Query, Key, Value", "query key value", True),
        ("GPT", "GPT-2", False),
    ],
)
def test_label_key(a, b, same):
    assert (label_key(a) == label_key(b)) is same


def test_combine_rejects_duplicate_names():
    m = ConceptMap(concepts=(Concept(id="A", label="A"),))
    with pytest.raises(ValueError, match="unique"):
        combine_maps([("x", m), ("x", m)])


def test_index_lists_maps_and_failures():
    ok = index_entry(build_report(_doc()), name="attention")
    bad = IndexEntry(
        name="broken",
        path="maps/broken.md",
        status="failed",
        error="maps/broken.md:5:23: error: unclosed '['\n    ...",
    )
    assert (ok.concepts, ok.relationships, ok.central, ok.central_degree) == (
        3,
        2,
        "Self-Attention",
        2,
    )
    assert ok.stale_claims >= 3
    md = index_markdown([ok, bad], shared=2, combined="combined")
    assert "[Attention](attention/report.md)" in md
    assert "maps/broken.md:5:23: error: unclosed '\\['" in md
    assert "[Combined knowledge graph](combined/report.md)" in md
    page = index_html([ok, bad], shared=2, combined="combined")
    assert 'href="attention/report.html"' in page and 'href="combined/report.html"' in page


def test_glance_leaves_invisible_links_out_of_the_relationship_count():
    cmap = parse_map("flowchart LR\n  A ==>|uses| B\n  B --- C\n  A ~~~ C\n")
    md = report_markdown(build_report(cmap))
    (row,) = [ln for ln in md.splitlines() if ln.startswith("| Relationships |")]
    assert row == "| Relationships | 2 (1 plain, 1 primary; 1 invisible link not counted) |"
    only = report_markdown(build_report(parse_map("flowchart LR\n  A ~~~ B\n")))
    (row,) = [ln for ln in only.splitlines() if ln.startswith("| Relationships |")]
    assert row == "| Relationships | 0 (1 invisible link not counted) |"


def test_connector_groups_outside_subgraphs_are_named_as_concepts():
    cmap = parse_map(
        "flowchart TD\n  subgraph S1[Energy]\n    ATP\n  end\n  subgraph S2[Cell]\n    MEM[Membrane]\n"
        "  end\n  GLU[Glucose]\n  MEM -->|transports| GLU\n  GLU --> ATP\n  MEM --> ATP\n"
    )
    md = report_markdown(build_report(cmap))
    assert "| Glucose (no subgraph), Energy |" in md  # Membrane's groups
    assert "(GLU)" not in md


def test_learn_after_names_phrases_only_and_cycle_mates_as_such():
    cmap = parse_map(
        "flowchart LR\n  A --> B\n  B -->|leads to| C\n  C -->|leads to| B\n  A --o D\n"
    )
    md = report_markdown(build_report(cmap))
    rows = {ln.split(" | ")[1]: ln for ln in md.splitlines() if re.match(r"\| \d+ \|", ln)}
    assert "(plain)" not in md
    assert rows["B"].endswith("| A; in a cycle with C (leads to) |")
    assert rows["C"].endswith("| in a cycle with B (leads to) |")
    assert rows["D"].endswith("| A (has-part) |")


def test_single_links_to_a_leaf_are_summed_up_not_tabled():
    cmap = parse_map(
        "flowchart LR\n  A --> B\n  B --> C\n  C --> A\n  C -->|leads to| D\n  D --> E\n"
        "  E --> F\n  F --> D\n  F --> L[Leaf]\n"
    )
    md = report_markdown(build_report(cmap))
    assert "| C | leads to | D |" in md  # cuts the map in two parts of 3 and 4 concepts
    assert "| F | – | Leaf |" not in md
    assert "Besides, 1 concept hangs on a single link, nothing else touching it: Leaf." in md
