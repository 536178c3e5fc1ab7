"""DOT export and Graphviz rendering: escaping, clusters, kind styles, golden, determinism."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conceptmap import parse_map
from conceptmap.export import ExportError, GraphvizMissingError
from conceptmap.export.dot import render, to_dot
from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "maps" / "transformers.md"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CONCEPTMAP_UPDATE_GOLDEN") == "1"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def _hostile() -> ConceptMap:
    # Labels that are HTML-like, ids that DOT would read as node:port or keywords.
    return ConceptMap(
        title="<i>title</i>",
        concepts=(
            Concept(id="a:b", label="<b>x</b> <td>", subgraph="S"),
            Concept(id="node", label='say "hi" \\ back\\', subgraph="Inner"),
            Concept(id="c", label="two\nlines"),
        ),
        relationships=(
            Relationship(id="r1", source="a:b", target="node", label="<td>", kind="primary"),
            Relationship(id="r2", source="node", target="c", stroke="dotted", kind="secondary"),
            Relationship(id="r3", source="c", target="a:b", head="circle", kind="has-part"),
            Relationship(id="r4", source="c", target="node", head="none", kind="plain"),
            Relationship(
                id="r5", source="c", target="c", stroke="invisible", head="none", kind="invisible"
            ),
            Relationship(id="r6", source="c", target="S", kind="plain"),
        ),
        subgraphs=(
            Subgraph(id="Inner", title="Inner <u>", parent="S", concepts=("node",)),
            Subgraph(id="S", title="Outer", concepts=("a:b",)),
        ),
    )


def _edge_line(dot: str, src: str, dst: str) -> str:
    lines = [ln for ln in dot.splitlines() if re.match(rf"\s*{src} -> {dst} ", ln)]
    assert len(lines) == 1, dot
    return lines[0]


def test_user_text_never_becomes_an_id_or_html_label() -> None:
    dot = to_dot(_hostile())
    node_ids = re.findall(r"^\s*(\S+) \[label=", dot, re.M)
    # Synthetic ids only, top level first; the anchor stands for subgraph S as an endpoint.
    assert node_ids == ["n2", "sg1_anchor", "n0", "n1"]
    # quoted string, not a <...> HTML label; inline tags shown as read, others literally
    assert 'label="x <td>"' in dot
    assert 'tooltip="a:b"' in dot  # the original id is kept as tooltip
    assert "label=<" not in dot
    assert 'label="two\\nlines"' in dot
    assert 'label="say \\"hi\\" \\\\ back\\\\"' in dot


def test_inline_html_in_labels_is_drawn_as_read() -> None:
    """CO<sub>2</sub> is drawn CO₂ (Graphviz would show the tags); the model keeps them."""
    cmap = ConceptMap(
        concepts=(Concept(id="c", label="CO<sub>2</sub>"), Concept(id="x", label="x<sup>n</sup>")),
        relationships=(Relationship(id="r", source="c", target="x", label="<i>makes</i>"),),
    )
    dot = to_dot(cmap)
    assert 'label="CO₂"' in dot and 'label="xⁿ"' in dot and "label=makes" in dot
    assert cmap.concepts[0].label == "CO<sub>2</sub>"


def test_clusters_nest_and_kinds_become_styles() -> None:
    dot = to_dot(_hostile())
    outer = dot.index("subgraph cluster_sg1 {")
    inner = dot.index("subgraph cluster_sg0 {")
    assert outer < inner  # Inner (sg0) is written inside Outer (sg1)
    assert dot.index("n1 [label=") > inner
    assert "style=bold" in _edge_line(dot, "n0", "n1")
    assert "style=dashed" in _edge_line(dot, "n1", "n2")
    assert "arrowhead=odot" in _edge_line(dot, "n2", "n0")
    assert "dir=none" in _edge_line(dot, "n2", "n1")
    assert "style=invis" in _edge_line(dot, "n2", "n2")
    # A subgraph used as an endpoint points at the cluster through an invisible anchor.
    assert "lhead=cluster_sg1" in _edge_line(dot, "n2", "sg1_anchor")
    assert "compound=true" in dot


def test_highlight_path_marks_nodes_and_links() -> None:
    dot = to_dot(_hostile(), highlight_path=["a:b", "node"])
    assert 'color="#d62728"' in _edge_line(dot, "n0", "n1")
    assert 'color="#d62728"' not in _edge_line(dot, "n1", "n2")


def test_metrics_go_into_tooltips() -> None:
    dot = to_dot(_hostile(), metrics={"c": {"degree": 5, "pagerank": 0.12345}})
    assert 'tooltip="c\\ndegree: 5\\npagerank: 0.123"' in dot


def test_same_input_same_bytes() -> None:
    assert to_dot(_hostile()).encode() == to_dot(_hostile()).encode()


def test_seed_map_golden() -> None:
    cmap = parse_map(SEED.read_text(encoding="utf-8"), path="maps/transformers.md")
    dot = to_dot(cmap)
    assert dot.count("subgraph cluster_") == 6
    assert len(re.findall(r"^\s*n\d+ -> n\d+ ", dot, re.M)) == 30
    golden = GOLDEN / "transformers.dot"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(dot, encoding="utf-8", newline="\n")
    assert dot == golden.read_text(encoding="utf-8"), (
        "DOT export changed; rerun with CONCEPTMAP_UPDATE_GOLDEN=1 if intended"
    )


@needs_dot
def test_hostile_map_renders_to_svg() -> None:
    svg = render(to_dot(_hostile()), "svg").decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "x &lt;td&gt;" in svg  # shown as text
    assert "<b>" not in svg and "<td>" not in svg
    assert svg.count('class="node"') == 3  # the invisible cluster anchor is not drawn
    assert svg.count('class="cluster"') == 2


@needs_dot
def test_render_png_is_deterministic() -> None:
    dot = to_dot(_hostile())
    png = render(dot, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert render(dot, "png") == png


def test_missing_dot_gives_install_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` anywhere
    with pytest.raises(GraphvizMissingError, match="apt-get install graphviz"):
        render("digraph { a }", "svg")


def test_unknown_render_format() -> None:
    with pytest.raises(ExportError, match="cannot render 'gif'"):
        render("digraph { a }", "gif")


@needs_dot
def test_dot_syntax_error_is_an_export_error() -> None:
    with pytest.raises(ExportError, match="dot` failed"):
        render("digraph { a -> }", "svg")


def test_engine_by_size() -> None:
    from conceptmap.export.dot import DOT_MAX_CONCEPTS, engine_for
    from conceptmap.model import Concept, ConceptMap

    def of(n: int) -> ConceptMap:
        return ConceptMap(concepts=tuple(Concept(id=f"c{i}", label=f"c{i}") for i in range(n)))

    assert engine_for(of(DOT_MAX_CONCEPTS)) == "dot"
    assert engine_for(of(DOT_MAX_CONCEPTS + 1)) == "sfdp"  # dot: minutes at thousands


@needs_dot
def test_render_gives_up_after_its_time_limit() -> None:
    with pytest.raises(ExportError, match=r"did not finish drawing the map within 0 s"):
        render(to_dot(_hostile()), "svg", timeout=0.0001)
