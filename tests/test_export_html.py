"""The interactive HTML exporter, read as source (the browser test drives it for real)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from conceptmap.errors import UnknownConceptError
from conceptmap.export import html as html_export
from conceptmap.export.html import (
    PHYSICS_MAX_CONCEPTS,
    VendorIntegrityError,
    graph_data,
    graphviz_positions,
    layout_positions,
    load_vendor,
    to_html,
)
from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

XSS_SCRIPT = "</script><script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
VENDOR = Path(html_export.__file__).parent / "vendor"


def small_map() -> ConceptMap:
    # A -> B -> C inside subgraph S; D outside, linked to A by a has-part link;
    # two concepts carry script-injection labels; one invisible layout link.
    return ConceptMap(
        title="Attention <b>basics</b>",
        direction="LR",
        concepts=(
            Concept(id="A", label="Attention", subgraph="S"),
            Concept(id="B", label="Softmax", subgraph="S"),
            Concept(id="C", label=XSS_SCRIPT, subgraph="S"),
            Concept(id="D", label=XSS_IMG),
        ),
        relationships=(
            Relationship(
                id="e1", source="A", target="B", label="uses", kind="primary", stroke="thick"
            ),
            Relationship(
                id="e2",
                source="B",
                target="C",
                label="<!-- x -->",
                kind="secondary",
                stroke="dotted",
            ),
            Relationship(id="e3", source="D", target="A", kind="has-part", head="circle"),
            Relationship(
                id="e4", source="C", target="D", kind="invisible", stroke="invisible", head="none"
            ),
        ),
        subgraphs=(Subgraph(id="S", title="Core & <friends>", concepts=("A", "B", "C")),),
    )


def data_block(page: str) -> str:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert m is not None
    return m.group(1)


@pytest.fixture(scope="module")
def page() -> str:
    return to_html(small_map(), metrics={}, groups={}, highlight_path=["D", "A", "B"])


def test_self_contained(page: str) -> None:
    # every <script> is inline, no stylesheet/font/image/frame is loaded from anywhere
    assert re.search(r"<script[^>]*\bsrc\s*=", page, re.I) is None
    assert re.search(r"<link\b", page, re.I) is None
    assert re.search(r"<(img|iframe|object|embed|audio|video|source)\b", page, re.I) is None
    assert re.search(r"@import|url\(\s*['\"]?https?:", page, re.I) is None
    # the tags the page itself writes never point at the network
    tags = re.findall(r"<(?:script|link|meta|style)\b[^>]*>", page, re.I)
    assert tags and not any(re.search(r"https?://", t) for t in tags)
    # the vendored library is inlined whole
    library = (VENDOR / "cytoscape.min.js").read_text(encoding="utf-8")
    assert library in page


def test_csp_pins_the_two_inline_scripts(page: str) -> None:
    attr = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    csp = html.unescape(attr)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2
    import base64

    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_json_block_round_trips(page: str) -> None:
    raw = data_block(page)
    data = json.loads(raw)
    assert data == graph_data(small_map(), metrics={}, groups={}, highlight_path=["D", "A", "B"])
    assert [c["key"] for c in data["concepts"]] == ["A", "B", "C", "D"]
    assert [c["label"] for c in data["concepts"]][2:] == [XSS_SCRIPT, XSS_IMG]
    assert [r["key"] for r in data["relationships"]] == ["e1", "e2", "e3", "e4"]
    assert data["relationships"][1]["label"] == "<!-- x -->"
    assert data["subgraphs"] == [
        {"id": "g0", "key": "S", "title": "Core & <friends>", "parent": None, "box": None}
    ]
    # concepts in S are children of its compound node; D is not
    assert [c["parent"] for c in data["concepts"]] == ["g0", "g0", "g0", None]


def test_user_text_stays_inert(page: str) -> None:
    raw = data_block(page)
    # nothing in the JSON block can end the script or open a comment
    for bad in ("</", "<!--", "<script", "<img", "<"):
        assert bad not in raw
    # the page holds exactly the three <script> tags it writes itself
    assert len(re.findall(r"<script\b", page, re.I)) == 3
    assert page.count(XSS_IMG) == 0 and "onerror=alert" not in page.replace(
        "onerror=alert(1)\\u003e", ""
    )
    # title goes through Jinja2 autoescaping
    assert "<title>Attention &lt;b&gt;basics&lt;/b&gt;</title>" in page
    assert "<b>basics" not in page


def test_page_script_never_uses_inner_html() -> None:
    js = (Path(html_export.__file__).parent / "templates" / "graph.js").read_text()
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", js)
    assert "textContent" in js


def test_deterministic() -> None:
    a = to_html(small_map(), metrics={}, groups={})
    b = to_html(small_map(), metrics={}, groups={})
    assert a == b
    assert to_html(small_map()) == to_html(small_map())


def test_styles_path_and_layout_data(page: str) -> None:
    data = json.loads(data_block(page))
    rels = {r["key"]: r for r in data["relationships"]}
    assert (rels["e1"]["stroke"], rels["e2"]["stroke"], rels["e3"]["head"]) == (
        "thick",
        "dotted",
        "circle",
    )
    assert rels["e4"]["stroke"] == "invisible"
    # path D -> A -> B: links e3 (D-A) and e1 (A-B) are on it, e2 (B-C) is not
    assert [k for k, r in rels.items() if r["path"]] == ["e1", "e3"]
    assert [c["key"] for c in data["concepts"] if c["path"]] == ["A", "B", "D"]
    assert data["layout"] == "physics"
    kinds = [k[0] for k in data["legend"]["kinds"]]
    assert kinds == ["primary", "secondary", "has-part", "invisible"]


def test_fallback_metrics_are_visible_degree() -> None:
    data = graph_data(small_map(), metrics=None, groups={})
    degree = {c["key"]: dict(c["metrics"])["degree"] for c in data["concepts"]}
    # the invisible link C~~~D is not counted
    assert degree == {"A": 2, "B": 2, "C": 1, "D": 1}
    sizes = {c["key"]: c["size"] for c in data["concepts"]}
    assert sizes["A"] > sizes["C"] and sizes["A"] == sizes["B"]
    assert data["legend"]["size_by"] == "degree"


def test_colours_by_cluster_then_subgraph() -> None:
    by_sub = graph_data(small_map(), metrics={}, groups={})
    assert by_sub["legend"]["group_kind"] == "subgraph"
    assert [g[0] for g in by_sub["legend"]["groups"]] == ["Core & <friends>"]
    by_cluster = graph_data(small_map(), metrics={}, groups={"A": "x", "B": "x", "D": "y"})
    colours = {c["key"]: c["color"] for c in by_cluster["concepts"]}
    assert colours["A"] == colours["B"] != colours["D"]
    assert [g[0] for g in by_cluster["legend"]["groups"]] == ["x", "y"]


def test_unknown_path_concept() -> None:
    with pytest.raises(UnknownConceptError, match="'Atention'; did you mean: A\\?"):
        to_html(small_map(), metrics={}, groups={}, highlight_path=["Atention"])


def test_positions_switch_to_preset() -> None:
    pos = {"A": (0.0, 0.0), "B": (100.0, 0.0), "C": (200.0, 50.5), "D": (0.0, 100.0)}
    data = graph_data(small_map(), metrics={}, groups={}, positions=pos)
    assert data["layout"] == "preset"
    assert [(c["x"], c["y"]) for c in data["concepts"]] == list(pos.values())


def test_large_map_without_positions_gets_a_grid() -> None:
    n = PHYSICS_MAX_CONCEPTS + 1
    cmap = ConceptMap(concepts=tuple(Concept(id=f"c{i}", label=f"C {i}") for i in range(n)))
    data = graph_data(cmap, metrics={}, groups={})
    assert data["layout"] == "preset" and data["large"] is True
    points = {(c["x"], c["y"]) for c in data["concepts"]}
    assert len(points) == n  # no two concepts stacked


def test_seed_grid_keeps_subgraphs_apart() -> None:
    subs = tuple(
        Subgraph(id=f"S{k}", title=f"S{k}", concepts=tuple(f"c{k}_{i}" for i in range(5)))
        for k in range(4)
    )
    concepts = tuple(
        Concept(id=f"c{k}_{i}", label="x", subgraph=f"S{k}") for k in range(4) for i in range(5)
    )
    pos = html_export._seed_positions(ConceptMap(concepts=concepts, subgraphs=subs), [])
    boxes = []
    for k in range(4):
        xs = [pos[f"c{k}_{i}"][0] for i in range(5)]
        ys = [pos[f"c{k}_{i}"][1] for i in range(5)]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_checksum_verified(tmp_path: Path) -> None:
    for name in ("cytoscape.min.js", "CHECKSUMS"):
        shutil.copy(VENDOR / name, tmp_path / name)
    assert load_vendor(tmp_path, "cytoscape.min.js").startswith("/**")
    with open(tmp_path / "cytoscape.min.js", "a", encoding="utf-8") as fh:
        fh.write("\nfetch('https://evil.example/');\n")
    with pytest.raises(VendorIntegrityError, match="does not match CHECKSUMS"):
        load_vendor(tmp_path, "cytoscape.min.js")
    (tmp_path / "CHECKSUMS").unlink()
    with pytest.raises(VendorIntegrityError, match="missing"):
        load_vendor(tmp_path, "cytoscape.min.js")


def test_vendored_files_match_pins() -> None:
    pins = dict(
        reversed(line.split("  ")) for line in (VENDOR / "CHECKSUMS").read_text().splitlines()
    )
    assert set(pins) == {"cytoscape.min.js", "cytoscape.LICENSE"}
    for name, digest in pins.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest
    assert "Permission is hereby granted" in (VENDOR / "cytoscape.LICENSE").read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_graphviz_positions() -> None:
    cmap = small_map()
    pos = graphviz_positions(cmap)
    assert pos is not None and set(pos) == {"A", "B", "C", "D"}
    assert len(set(pos.values())) == 4
    # LR: A -> B -> C run left to right
    assert pos["A"][0] < pos["B"][0] < pos["C"][0]
    assert graphviz_positions(cmap) == pos  # deterministic
    assert layout_positions(cmap) is None  # small maps use in-browser physics


def test_graphviz_missing_returns_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_export.shutil, "which", lambda name: None)
    assert graphviz_positions(small_map()) is None


def test_layout_dot_has_no_user_text() -> None:
    source, names = html_export._layout_dot(small_map(), "dot")
    assert "Attention" not in source and "<" not in source and "alert" not in source
    assert "subgraph cluster_0" in source and names == {"n0": "A", "n1": "B", "n2": "C", "n3": "D"}


def test_inline_html_in_labels_is_shown_as_read() -> None:
    """The page draws text itself: CO<sub>2</sub> becomes CO₂, <b>x</b> becomes x."""
    from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

    cmap = ConceptMap(
        concepts=(
            Concept(id="C", label="CO<sub>2</sub>", subgraph="S"),
            Concept(id="B", label="B"),
        ),
        relationships=(Relationship(id="e", source="C", target="B", label="<b>fixes</b>"),),
        subgraphs=(Subgraph(id="S", title="H<sub>2</sub>O cycle", concepts=("C",)),),
    )
    data = graph_data(cmap, metrics={}, groups={})
    assert data["concepts"][0]["label"] == "CO₂"
    assert data["relationships"][0]["label"] == "fixes"
    assert data["subgraphs"][0]["title"] == "H₂O cycle"
