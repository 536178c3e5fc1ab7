"""--fix: only the declared values change, byte for byte, and a second run finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conceptmap.parse import parse_document
from conceptmap.validate import fix_document, validate_document
from conceptmap.validate.findings import Finding, ValidationResult
from conceptmap.validate.fix import planned_edits

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
MAP = "transformers-concept-map.md"
CARDS = "flashcards-transformers.md"


def _read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _validate(map_text: str, cards_text: str):
    return validate_document(parse_document(map_text, path=MAP), siblings=[(CARDS, cards_text)])


def _outside_spans_equal(before: str, after: str, edits) -> None:
    """Walk both texts edit by edit: everything between edits is identical."""
    pos_b = pos_a = 0
    for start, end, rep in edits:
        gap = start - pos_b
        assert before[pos_b:start] == after[pos_a : pos_a + gap]
        assert after[pos_a + gap : pos_a + gap + len(rep)] == rep
        pos_a += gap + len(rep)
        pos_b = end
    assert before[pos_b:] == after[pos_a:]


@pytest.mark.parametrize("name", [MAP, CARDS])
def test_round_trip_changes_only_the_fixed_spans(name):
    map_text, cards_text = _read(MAP), _read(CARDS)
    result = _validate(map_text, cards_text)
    before = _read(name)
    after = fix_document(before, result, path=name)
    edits = planned_edits(result.for_path(name))
    assert edits and after != before
    _outside_spans_equal(before, after, edits)


def test_fix_then_validate_reports_no_fixable_findings():
    map_text, cards_text = _read(MAP), _read(CARDS)
    result = _validate(map_text, cards_text)
    fixed_map = fix_document(map_text, result, path=MAP)
    fixed_cards = fix_document(cards_text, result, path=CARDS)
    again = _validate(fixed_map, fixed_cards)
    assert [f for f in again.findings if f.fixable] == []
    assert again.summary.errors < result.summary.errors
    assert "**Total Concepts:** 28\n**Total Relationships:** 30\n" in fixed_map
    assert "**Central Concept:** Self-Attention (7 connections)" in fixed_map
    assert "| Concept Map Node | Practice Problem |" in fixed_cards
    assert "| Card 1 | Concepts 1, 2 | Self-Attention (7) | Problem 1 |" in fixed_cards
    # Unfixable: "(7 connections each)" where Encoder has 6 and Decoder 5.
    assert "**Centrality:** High (7 connections each)" in fixed_cards


def test_the_diagram_is_never_touched():
    map_text = _read(MAP)
    fixed = fix_document(map_text, _validate(map_text, _read(CARDS)), path=MAP)
    fence = map_text[map_text.index("```mermaid") : map_text.index("```\n\n**Diagram Key")]
    assert fence in fixed


def test_crlf_text_keeps_its_newlines():
    map_text = _read(MAP)
    result = validate_document(parse_document(map_text, path=MAP))
    crlf = map_text.replace("\n", "\r\n")
    fixed = fix_document(crlf, result)
    assert fixed == fix_document(map_text, result).replace("\n", "\r\n")


def _f(start: int, end: int, rep: str) -> Finding:
    return Finding(
        rule="r",
        code="CM1",
        severity="error",
        path="p",
        line=1,
        column=1,
        message="m",
        fixable=True,
        start=start,
        end=end,
        replacement=rep,
    )


def test_overlapping_edits_prefer_the_wider_one_and_dedupe():
    edits = planned_edits([_f(0, 5, "X"), _f(2, 3, "y"), _f(6, 7, "z"), _f(6, 7, "z")])
    assert edits == [(0, 5, "X"), (6, 7, "z")]
    result = ValidationResult.from_findings([_f(0, 5, "X"), _f(6, 7, "z")], path="p")
    assert fix_document("abcde f g", result) == "X z g"


def test_central_concept_name_and_count_are_rewritten_together():
    text = (
        "**Central Concept:** Softmax (9 connections)\n\n"
        "```mermaid\nflowchart LR\n  A[Attention] --> B[Softmax]\n  A --> C[Values]\n```\n"
    )
    result = validate_document(parse_document(text, path="m.md"))
    assert {f.rule for f in result.findings} >= {"central-concept", "concept-connections"}
    fixed = fix_document(text, result)
    assert fixed.startswith("**Central Concept:** Attention (2 connections)\n")
    again = validate_document(parse_document(fixed, path="m.md"))
    assert [f for f in again.findings if f.fixable] == []
