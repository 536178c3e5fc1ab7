"""Card decks: what flashcards say about themselves (CM8xx), found, located and fixed."""

from __future__ import annotations

from pathlib import Path

from conceptmap.parse import parse_document
from conceptmap.validate import extract_claims, fix_document, validate_document

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
SEED_CARDS = (FIXTURES / "flashcards-transformers.md").read_text(encoding="utf-8")
MAP = parse_document(
    (FIXTURES / "transformers-concept-map.md").read_text(encoding="utf-8"), path="map.md"
)

DECK = """\
# Flashcards

**Concept Map:** map.md
**Total Cards:** {total}
**Distribution:** {easy} Easy | 1 Hard

## Easy Cards

### Card 1 of {of}
Front / back.

### Card {second} of 3 | Easy
Front / back.

## Hard Cards

### Card 3 of 3
Front / back.

## Review Schedule

| Card | First Review |
|------|--------------|
| Card 1 (Easy) | Day 1 |
| Card 2 ({level}) | Day 1 |
| Card {ref} | Day 3 |
"""


def _deck(**kw: object) -> str:
    values = {"total": 3, "easy": 2, "of": 3, "second": 2, "level": "Easy", "ref": 3}
    values.update(kw)
    return DECK.format(**values)


def _cm8(text: str):
    result = validate_document(MAP, siblings=[("cards.md", text)])
    return result, [
        (f.code, f.line, f.column, f.declared, f.actual, f.fixable)
        for f in result.findings
        if f.code.startswith("CM8")
    ]


def test_the_seed_flashcards_are_consistent_with_themselves():
    claims = extract_claims(SEED_CARDS, path="cards.md")
    cards = [c for c in claims if c.kind == "card"]
    assert [(c.number, c.extra[0]) for c in cards] == [
        (1, "easy"),
        (2, "easy"),
        (3, "medium"),
        (4, "medium"),
        (5, "hard"),
    ]
    assert [c.number for c in claims if c.kind == "total-cards"] == [5]
    assert [(c.number, c.extra) for c in claims if c.kind == "card-distribution"] == [
        (2, ("easy",)),
        (2, ("medium",)),
        (1, ("hard",)),
    ]
    assert len([c for c in claims if c.kind == "card-reference"]) == 10  # two tables
    assert _cm8(SEED_CARDS)[1] == []


def test_a_consistent_deck_has_no_findings():
    assert _cm8(_deck())[1] == []


def test_wrong_total_heading_count_and_distribution_are_fixable_errors():
    text = _deck(total=4, of=5, easy=1)
    result, found = _cm8(text)
    assert found == [
        ("CM801", 4, 18, "4", "3", True),
        ("CM804", 5, 19, "1", "2", True),
        ("CM802", 9, 15, "5", "3", True),
    ]
    fixed = fix_document(text, result, path="cards.md")
    assert fixed == _deck()  # only the three numbers changed
    assert _cm8(fixed)[1] == []


def test_a_level_is_read_from_the_heading_or_its_section():
    claims = extract_claims(_deck(), path="cards.md")
    assert [c.extra for c in claims if c.kind == "card"] == [
        ("easy", "Easy"),  # from "## Easy Cards"
        ("easy", "Easy"),  # from "| Easy"
        ("hard", "Hard"),  # from "## Hard Cards"
    ]


def test_numbering_gaps_repeats_and_order_are_warnings():
    result, found = _cm8(_deck(second=4, ref=1))
    assert found == [
        ("CM803", 12, 10, "Card 4", None, False),
        ("CM803", 17, 10, "Card 3", None, False),
        ("CM805", 25, 8, "Card 2", None, False),  # the schedule's Card 2 is gone
    ]
    assert [f.message for f in result.findings if f.code == "CM803"] == [
        "no Card 2 to 3 before Card 4",
        "Card 3 comes after Card 4: cards are numbered in order",
    ]
    result, found = _cm8(_deck(second=1, ref=1))
    assert [f[:4] for f in found] == [
        ("CM803", 12, 10, "Card 1"),
        ("CM803", 17, 10, "Card 3"),
        ("CM805", 25, 8, "Card 2"),
    ]
    assert "a second Card 1 (the first is on line 9)" in result.findings[0].message


def test_references_to_missing_cards_and_wrong_levels():
    result, found = _cm8(_deck(ref=7, level="Hard"))
    assert found == [
        ("CM805", 25, 8, "Hard", "Easy", True),
        ("CM805", 26, 8, "Card 7", None, False),
    ]
    msgs = [f.message for f in result.findings if f.code == "CM805"]
    assert msgs == [
        "Card 2 is Easy (line 12), not Hard",
        "there is no Card 7 (the document's cards: 1-3)",
    ]
    fixed = fix_document(_deck(ref=7, level="Hard"), result, path="cards.md")
    assert "| Card 2 (Easy) |" in fixed and "| Card 7 |" in fixed


def test_documents_without_card_headings_are_not_judged():
    text = "# Notes\n\n**Concept Map:** map.md\n**Total Cards:** 12\n\n| Card 9 | x |\n|--|--|\n"
    assert _cm8(text)[1] == []


def test_a_heading_topic_word_is_not_a_level():
    claims = extract_claims("## Medium Cards\n\n### Card 1: Hard attention\n", path="c.md")
    assert [c.extra for c in claims if c.kind == "card"] == [("medium", "Medium")]


# -- decks with no map to check them against -------------------------------------------------
def _validate(*args: str):
    from click.testing import CliRunner

    from conceptmap.cli import cli

    return CliRunner().invoke(cli, ["validate", *args])


def test_a_deck_without_a_map_is_checked_against_itself(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    deck = _deck(total=4).replace("**Concept Map:** map.md\n", "")
    Path("deck.md").write_text(deck, encoding="utf-8")
    Path("notes.md").write_text("# Notes\n\nNo cards, no map.\n", encoding="utf-8")
    r = _validate(".")
    assert r.exit_code == 1
    assert r.output.splitlines() == [
        "deck.md:3:18: error[CM801 total-cards]: the document has 3 cards, not 4 "
        "(declared 4, actual 3)",
        "1 error, 0 warnings, 0 info in 2 files (1 fixable with --fix)",
    ]
    # Named explicitly, the deck is checked too (a plain note named so is still an error).
    assert _validate("deck.md").exit_code == 1
    assert _validate("notes.md").exit_code == 1  # input rejected: no map, no deck
    assert _validate("deck.md", "--fix").exit_code == 0
    assert Path("deck.md").read_text(encoding="utf-8") == deck.replace(
        "**Total Cards:** 4", "**Total Cards:** 3"
    )


def test_a_deck_whose_map_is_missing_still_gets_its_own_counts_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("deck.md").write_text(_deck(of=5).replace("map.md", "gone.md"), encoding="utf-8")
    out = _validate(".").output
    assert "deck.md:3:18: warning[CM205 map-not-found]" in out
    assert "deck.md:9:15: error[CM802 card-heading-total]" in out
