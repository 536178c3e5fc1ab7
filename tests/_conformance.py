"""The mermaid-js conformance cases, for every test that walks them.

``../shared/conformance/cases`` when the shared folder is there, else the copy kept with
the tests (a bare checkout).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from conceptmap import ConceptMap, ConceptMapError, parse_document

_HERE = Path(__file__).resolve().parent
CASES = _HERE.parent.parent / "shared" / "conformance" / "cases"
if not CASES.is_dir():
    CASES = _HERE / "fixtures" / "conformance"


def valid_cases() -> list[Path]:
    """The ``.mmd`` cases mermaid-js accepts (their ``.json`` holds no ``error``)."""
    out = []
    for mmd in sorted(CASES.glob("*.mmd")):
        expected = json.loads(mmd.with_suffix(".json").read_text(encoding="utf-8"))
        if "error" not in expected:
            out.append(mmd)
    return out


def parsed_cases() -> Iterator[tuple[Path, ConceptMap]]:
    """(case, its map) for every case conceptmap parses."""
    for mmd in sorted(CASES.glob("*.mmd")):
        try:
            yield mmd, parse_document(mmd.read_text(encoding="utf-8"), path=mmd.name).map()
        except ConceptMapError:
            continue
