"""Claims read from concept-map documents, with exact positions (seed documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conceptmap.model import Concept, ConceptMap
from conceptmap.validate.claims import extract_claims
from conceptmap.validate.names import NameMatcher, split_compound

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
SEED = FIXTURES / "transformers-concept-map.md"
CARDS = FIXTURES / "flashcards-transformers.md"


@pytest.fixture(scope="module")
def seed_claims():
    text = SEED.read_text(encoding="utf-8")
    return text, extract_claims(text, path="map.md")


@pytest.fixture(scope="module")
def card_claims():
    text = CARDS.read_text(encoding="utf-8")
    return text, extract_claims(text, path="cards.md")


def _kind(claims, kind):
    return [c for c in claims if c.kind == kind]


def test_header_fields_with_exact_spans(seed_claims):
    text, claims = seed_claims
    (tc,) = _kind(claims, "total-concepts")
    assert (tc.line, tc.column, tc.number) == (5, 21, 32)
    assert text[tc.start : tc.end] == "32"
    tr = _kind(claims, "total-relationships")
    assert [(c.line, c.number, c.context) for c in tr] == [
        (6, 48, "header"),
        (262, 48, "relationship statistics"),
    ]
    (central,) = _kind(claims, "central-concept")
    assert central.subjects == ("Self-Attention",)
    counts = [c for c in _kind(claims, "connections") if c.line == 7]
    assert [(c.column, c.number, text[c.start : c.end]) for c in counts] == [(38, 11, "11")]


def test_every_value_span_is_the_value(seed_claims):
    text, claims = seed_claims
    for c in claims:
        if c.kind in ("connections", "total-concepts", "total-relationships"):
            assert text[c.start : c.end] == str(c.number)
        line = text.split("\n")[c.line - 1]
        assert line[c.column - 1 :].startswith(text[c.start : c.end].split("\n")[0])


def test_relationship_statistics_lists(seed_claims):
    _, claims = seed_claims
    (ranked,) = _kind(claims, "ranked-list")
    assert ranked.subjects == ("Self-Attention", "Multi-Head", "Encoder", "Decoder")
    line263 = [c.number for c in _kind(claims, "connections") if c.line == 263]
    assert line263 == [11, 7, 7, 7]
    (cluster,) = _kind(claims, "cluster")
    assert cluster.subjects == ("Self-Attention", "Multi-Head", "QKV", "Encoder", "Decoder")
    assert [c.subjects[0] for c in _kind(claims, "bridge")] == ["Cross-Attention", "Pre-training"]
    high = [c.subjects[0] for c in _kind(claims, "tier") if c.line == 264]
    assert high == ["BERT", "GPT", "Pre-training", "Positional Encoding"]


def test_concept_index_rows(seed_claims):
    _, claims = seed_claims
    (index,) = _kind(claims, "index")
    assert len(index.subjects) == 19 and "Causal Mask" in index.subjects
    rows = [(c.subjects[0], c.number) for c in _kind(claims, "connections") if c.context == "index"]
    assert rows[:3] == [("Self-Attention", 11), ("Multi-Head Attention", 7), ("Encoder", 7)]
    tiers = [(c.line, c.value) for c in _kind(claims, "tier") if c.context == "index"]
    assert tiers[0] == (274, "Critical") and tiers[-1] == (292, "Low")


def test_relationship_matrix_rows(seed_claims):
    _, claims = seed_claims
    rows = _kind(claims, "matrix-row")
    assert len(rows) == 21
    triples = {(r.subjects[0], r.relation, r.target) for r in rows}
    assert ("Multi-Head", "enables", "Diverse patterns") in triples
    assert ("Scaling Laws", "govern", "Pre-training") in triples
    assert ("Encoder", "has-part", "FFN") in triples
    assert rows[0].line == 239 and rows[0].column == 3


def test_pathways_and_critical_path(seed_claims):
    _, claims = seed_claims
    steps = _kind(claims, "step")
    first = [s.value for s in steps if s.context.startswith("Pathway 1")]
    assert first == [
        "Self-Attention",
        "Query, Key, Value",
        "Scaled Dot-Product",
        "Multi-Head Attention",
        "Positional Encoding",
        "Layer Norm + FFN",
    ]
    boxes = [s.value for s in steps if s.context.startswith("Critical Path")]
    assert boxes == [
        "Self-Attention",
        "Multi-Head Attention",
        "Encoder/Decoder",
        "BERT vs GPT",
        "Pre-train/Fine-tune",
    ]


def test_hierarchy_annotations(seed_claims):
    _, claims = seed_claims
    hier = [(c.subjects[0], c.value) for c in _kind(claims, "tier") if c.context == "hierarchy"]
    assert ("Self-Attention", "Critical") in hier and ("Encoder", "High") in hier
    counts = [(c.line, c.number) for c in _kind(claims, "connections") if c.context == "hierarchy"]
    assert counts == [(129, 11)]


def test_legend_items(seed_claims):
    _, claims = seed_claims
    legend = [(c.line, c.value, c.extra[0]) for c in _kind(claims, "legend")]
    assert legend == [
        (118, "==>", "Solid arrows ("),
        (119, "-.->", "Dashed arrows ("),
        (120, "--o", "Diamond arrows ("),
    ]


def test_flashcard_claims(card_claims):
    text, claims = card_claims
    (ref,) = _kind(claims, "map-reference")
    assert ref.value == "notes/transformers/concept-maps/transformers-concept-map.md"
    cards = [
        (c.line, c.subjects, c.number, c.each)
        for c in _kind(claims, "connections")
        if c.context == "card"
    ]
    assert cards == [
        (15, ("Self-Attention", "Multi-Head Attention"), 11, False),
        (46, ("Encoder", "Decoder Architecture"), 7, True),
        (83, ("BERT", "GPT"), 6, True),
        (119, ("Positional Encoding",), 5, True),
    ]
    table = [
        (c.line, c.subjects[0], c.number)
        for c in _kind(claims, "connections")
        if c.context == "table"
    ]
    assert table[:3] == [(248, "Self-Attention", 11), (249, "Encoder", 7), (249, "Decoder", 7)]
    (unrec,) = _kind(claims, "unrecognised")
    assert unrec.value == "Integration (spans all concepts)" and unrec.line == 162


def test_counted_list_keeps_commas_inside_a_name():
    claims = extract_claims(
        "### Relationship Statistics\n- **Most connected:** A (3), Query, Key, Value (2)\n"
    )
    (ranked,) = _kind(claims, "ranked-list")
    assert ranked.subjects == ("A", "Query, Key, Value")


def test_unknown_statistics_bullet_is_unrecognised():
    claims = extract_claims("### Relationship Statistics\n- **Average degree:** about two\n")
    assert [c.kind for c in claims] == ["unrecognised"]


def test_fences_are_not_fields():
    claims = extract_claims("```\n**Total Concepts:** 3\n```\n")
    assert claims == []


# -- name matching --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def matcher():
    labels = {
        "SELFATTN": "Self-Attention",
        "MULTIHEAD": "Multi-Head Attention",
        "FFN": "Feed-Forward Network",
        "LAYERNORM": "Layer Normalization",
        "QKV": "Query, Key, Value",
        "ROPE": "RoPE / ALiBi",
        "MLM": "Masked LM",
        "FINETUNE": "Fine-tuning",
        "ENCODER": "Encoder",
        "ENCONLY": "Encoder-Only",
        "DECODER": "Decoder",
        "SPARSE": "Sparse Attention",
        "FLASH": "Flash Attention",
    }
    return NameMatcher(
        ConceptMap(concepts=tuple(Concept(id=k, label=v) for k, v in labels.items()))
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Self-Attention", "SELFATTN"),
        ("self attention", "SELFATTN"),
        ("SELFATTN", "SELFATTN"),
        ("Multi-Head", "MULTIHEAD"),
        ("Layer Norm", "LAYERNORM"),
        ("FFN", "FFN"),
        ("Feed forward network", "FFN"),
        ("QKV", "QKV"),
        ("RoPE", "ROPE"),
        ("ALiBi", "ROPE"),
        ("MLM", "MLM"),
        ("Fine-tune", "FINETUNE"),
        ("Encoder", "ENCODER"),
        ("Encoder-Only (BERT)", "ENCONLY"),
        ("Decoder Architecture", "DECODER"),
        ("**Encoder**", "ENCODER"),
    ],
)
def test_forgiving_names(matcher, name, expected):
    assert matcher.resolve(name).id == expected


@pytest.mark.parametrize("name", ["Causal Mask", "Diverse patterns", "Long Context", ""])
def test_unknown_names(matcher, name):
    m = matcher.resolve(name)
    assert m.id is None and not m.ambiguous


def test_ambiguous_names_are_not_guessed(matcher):
    m = matcher.resolve("Attention")  # no label is just "Attention"; several start with it?
    assert m.id is None
    amb = matcher.resolve("Enc")  # word prefix of Encoder and Encoder-Only
    assert amb.id is None and amb.ambiguous and set(amb.candidates) == {"ENCODER", "ENCONLY"}


def test_split_compound():
    assert split_compound("Encoder + Decoder") == ["Encoder", "Decoder"]
    assert split_compound("Pre-train/Fine-tune") == ["Pre-train", "Fine-tune"]
