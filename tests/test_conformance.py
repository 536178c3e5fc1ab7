"""Every case of the mermaid-js conformance suite parses to exactly the graph mermaid-js builds.

The suite (``../shared/conformance/cases``) holds flowcharts and the graph mermaid-js 12.3's
own parser built from each, or its rejection. When the shared folder is absent (a bare
checkout), the copy under ``tests/fixtures/conformance`` is used.
"""

from __future__ import annotations

import json

import pytest

from _conformance import CASES
from conceptmap import ConceptMapError, parse_document

ALL = sorted(p.stem for p in CASES.glob("*.mmd"))


def _actual(cmap) -> dict:
    return {
        "direction": cmap.direction,
        "concepts": [
            {
                "id": c.id,
                "label": c.label,
                "shape": c.shape,
                "subgraph": c.subgraph,
                "classes": list(c.classes),
            }
            for c in cmap.concepts
        ],
        "relationships": [
            {
                "source": r.source,
                "target": r.target,
                "label": r.label,
                "stroke": r.stroke,
                "head": r.head,
                "tail": r.tail,
                "length": r.length,
            }
            for r in cmap.relationships
        ],
        "subgraphs": sorted(
            (
                {
                    "id": s.id,
                    "title": s.title,
                    "parent": s.parent,
                    "concepts": sorted(s.concepts),
                    "direction": s.direction,
                }
                for s in cmap.subgraphs
            ),
            key=lambda s: s["id"],
        ),
    }


def _expected(data: dict) -> dict:
    data = dict(data)
    data["subgraphs"] = sorted(
        ({**s, "concepts": sorted(s["concepts"])} for s in data["subgraphs"]),
        key=lambda s: s["id"],
    )
    return data


def test_suite_present():
    assert len(ALL) >= 183, f"conformance cases missing from {CASES}"


@pytest.mark.parametrize("name", ALL)
def test_case(name: str) -> None:
    text = (CASES / f"{name}.mmd").read_text(encoding="utf-8")
    expected = json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))
    if "error" in expected:
        with pytest.raises(ConceptMapError) as exc:
            parse_document(text, path=f"{name}.mmd")
        assert f"{name}.mmd:" in str(exc.value)
        return
    doc = parse_document(text, path=f"{name}.mmd")
    assert len(doc.maps) == 1
    got = _actual(doc.maps[0])
    want = _expected(expected)
    for key in ("direction", "concepts", "relationships", "subgraphs"):
        assert got[key] == want[key], key
