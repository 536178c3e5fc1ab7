"""JSON Canvas export: a valid board, boxes around members, no overlaps, stable output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conceptmap import parse_map
from conceptmap.cli import cli
from conceptmap.export import export
from conceptmap.export.canvas import to_canvas

ROOT = Path(__file__).resolve().parents[1]
SEED = parse_map((ROOT / "maps" / "transformers.md").read_text(encoding="utf-8"))

NESTED = """flowchart TD
  subgraph Outer[Outer group]
    A[CO<sub>2</sub> *uptake*] -->|drives| B[Rubisco]
    subgraph Inner[Inner group]
      C[Calvin cycle]
    end
  end
  B <-->|feeds| C
  C --> D[Sugar]
  D ~~~ A
"""


def _board(text: str) -> dict:
    return json.loads(text)


def _inside(inner: dict, outer: dict) -> bool:
    return (
        outer["x"] <= inner["x"]
        and outer["y"] <= inner["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"]
    )


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_board_follows_the_json_canvas_spec():
    cmap = parse_map(NESTED)
    board = _board(to_canvas(cmap))  # no positions: a grid
    ids = [n["id"] for n in board["nodes"]] + [e["id"] for e in board["edges"]]
    assert len(ids) == len(set(ids))
    for n in board["nodes"]:
        assert n["type"] in ("text", "group")
        assert all(isinstance(n[k], int) for k in ("x", "y", "width", "height"))
    nodes = {n["id"]: n for n in board["nodes"]}
    assert nodes["c:A"]["text"] == r"CO₂ \*uptake\*"  # read as text, Markdown escaped
    for e in board["edges"]:
        assert e["fromNode"] in nodes and e["toNode"] in nodes
        assert e["fromEnd"] in ("none", "arrow") and e["toEnd"] in ("none", "arrow")
    edges = {(e["fromNode"], e["toNode"]): e for e in board["edges"]}
    assert ("c:D", "c:A") not in edges  # the invisible link is layout only
    assert edges[("c:B", "c:C")]["fromEnd"] == "arrow" == edges[("c:B", "c:C")]["toEnd"]
    assert edges[("c:A", "c:B")]["label"] == "drives" and "label" not in edges[("c:C", "c:D")]


def test_groups_surround_their_members_and_nested_groups():
    board = _board(to_canvas(parse_map(NESTED)))
    nodes = {n["id"]: n for n in board["nodes"]}
    assert [n["id"] for n in board["nodes"] if n["type"] == "group"] == ["g:Outer", "g:Inner"]
    assert nodes["g:Outer"]["label"] == "Outer group"
    assert _inside(nodes["c:A"], nodes["g:Outer"]) and _inside(nodes["c:B"], nodes["g:Outer"])
    assert _inside(nodes["c:C"], nodes["g:Inner"]) and _inside(nodes["g:Inner"], nodes["g:Outer"])
    assert not _inside(nodes["c:D"], nodes["g:Outer"])


def _no_overlaps(board: dict) -> None:
    texts = [n for n in board["nodes"] if n["type"] == "text"]
    groups = [n for n in board["nodes"] if n["type"] == "group"]
    assert len(texts) == 28 and len(groups) == 6 and len(board["edges"]) == 30
    assert not any(_overlap(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :])
    assert not any(_overlap(a, b) for i, a in enumerate(groups) for b in groups[i + 1 :])
    # a concept outside a group never sits on top of it
    member_of = {f"c:{c.id}": f"g:{c.subgraph}" for c in SEED.concepts}
    for t in texts:
        for g in groups:
            if member_of.get(t["id"]) != g["id"]:
                assert not _overlap(t, g), (t["id"], g["id"])


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_layout_has_no_overlaps_on_the_seed_map():
    _no_overlaps(_board(export(SEED, "canvas")))


def test_the_grid_without_graphviz_has_no_overlaps_either():
    _no_overlaps(_board(to_canvas(SEED)))


def test_the_path_is_coloured_and_the_output_is_stable():
    path = ["SELFATTN", "FLASH", "CONTEXT"]
    text = to_canvas(SEED, highlight_path=path)
    assert text == to_canvas(SEED, highlight_path=path)
    board = _board(text)
    coloured = sorted(n["id"] for n in board["nodes"] if n.get("color") == "4")
    assert coloured == ["c:CONTEXT", "c:FLASH", "c:SELFATTN"]
    assert sorted((e["fromNode"], e["toNode"]) for e in board["edges"] if "color" in e) == [
        ("c:FLASH", "c:CONTEXT"),
        ("c:SELFATTN", "c:FLASH"),
    ]


def test_cli_writes_a_canvas_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "m.mmd"
    src.write_text(NESTED, encoding="utf-8")
    r = CliRunner().invoke(cli, ["export", str(src), "--to", "canvas"])
    assert r.exit_code == 0, r.output
    board = json.loads((tmp_path / "output" / "m.canvas").read_text(encoding="utf-8"))
    assert {n["id"] for n in board["nodes"]} >= {"c:A", "c:B", "c:C", "c:D", "g:Outer"}


@pytest.mark.parametrize("layout", ["graphviz", "grid"])
def test_no_overlaps_on_any_conformance_map_with_subgraphs(layout):
    """Concepts never overlap each other or a group they are not in; groups overlap only
    by nesting — over every conformance flowchart with subgraphs (nested, empty, linked),
    laid out by Graphviz and by the grid used without it."""
    from _conformance import parsed_cases

    if layout == "graphviz" and shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    checked = 0
    for f, cmap in parsed_cases():
        if not cmap.subgraphs:
            continue
        board = _board(export(cmap, "canvas") if layout == "graphviz" else to_canvas(cmap))
        parent = {f"g:{s.id}": f"g:{s.parent}" if s.parent else None for s in cmap.subgraphs}
        member = {f"c:{c.id}": f"g:{c.subgraph}" if c.subgraph else None for c in cmap.concepts}

        def ancestors(g, parent=parent):
            out = set()
            while g:
                out.add(g)
                g = parent.get(g)
            return out

        texts = [n for n in board["nodes"] if n["type"] == "text"]
        groups = [n for n in board["nodes"] if n["type"] == "group"]
        for i, a in enumerate(texts):
            assert not any(_overlap(a, b) for b in texts[i + 1 :]), f.name
            mine = ancestors(member.get(a["id"]))
            assert not any(g["id"] not in mine and _overlap(a, g) for g in groups), f.name
        for i, g in enumerate(groups):
            for h in groups[i + 1 :]:
                assert not _overlap(g, h) or _inside(g, h) or _inside(h, g), (f.name, g, h)
        checked += 1
    assert checked >= 50
