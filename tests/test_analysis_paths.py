"""Relation vocabulary, concept names, learning paths, prerequisites and orders."""

from __future__ import annotations

import pytest

from _analysis_maps import build, seed_map
from conceptmap.analysis import (
    default_relations,
    learning_order,
    learning_path,
    load_relations,
    normalize_label,
    prerequisites,
    resolve_concept,
)
from conceptmap.errors import InputError, UnknownConceptError


# -- vocabulary -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("uses", ("target", True)),  # ENCODER uses SELFATTN: Self-Attention first
        ("extended by", ("source", True)),  # SELFATTN extended by MULTIHEAD
        ("type of", ("target", True)),  # MLM type of PRETRAIN
        ("type", ("source", True)),  # POSENC type SINCOS
        ("Extended-By", ("source", True)),
        ("depends_on", ("target", True)),
        ("optimized by", ("source", True)),  # passive voice rule
        ("modern", ("source", False)),  # unknown: default end, not known
        (None, ("source", False)),
    ],
)
def test_prerequisite_end(label, expected):
    assert default_relations().prerequisite_end(label) == expected


def test_unlabelled_has_part_uses_kind():
    assert default_relations().prerequisite_end(None, "has-part") == ("source", True)


def test_normalize_label():
    assert normalize_label("  Type_Of\u00a0 ") == "type of"


def test_load_relations_overrides_and_replaces():
    v = load_relations('default = "target"\n[relations]\n"Modern" = "target"\n"uses" = "source"\n')
    assert v.prerequisite_end("modern") == ("target", True)
    assert v.prerequisite_end("uses") == ("source", True)
    assert v.prerequisite_end("enables") == ("source", True)  # built-ins kept
    assert v.prerequisite_end("zzz") == ("target", False)
    only = load_relations('replace = true\n[relations]\n"x" = "source"\n')
    assert only.prerequisite_end("enables") == ("source", False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[relations\n", "invalid TOML"),
        ('[relations]\n"uses" = "first"\n', "expected 'source' or 'target'"),
        ('default = "middle"\n', "default must be"),
        ('colour = "red"\n', "unknown key"),
    ],
)
def test_load_relations_rejects(text, message):
    with pytest.raises(InputError, match=message):
        load_relations(text)


# -- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "cid"),
    [
        ("SELFATTN", "SELFATTN"),
        ("Self-Attention", "SELFATTN"),
        ("self attention", "SELFATTN"),
        ("SELF_ATTENTION", "SELFATTN"),
        ("selfattention", "SELFATTN"),
        ("selfattn", "SELFATTN"),
        ("ＢＥＲＴ", "BERT"),  # full-width: NFKC
        ("pre training", "PRETRAIN"),
        ("multi head attention", "MULTIHEAD"),
    ],
)
def test_resolve_concept(name, cid):
    assert resolve_concept(seed_map(), name) == cid


def test_unknown_concept_suggests():
    with pytest.raises(UnknownConceptError) as exc:
        resolve_concept(seed_map(), "self-atention")
    assert exc.value.suggestions[0] == "Self-Attention (SELFATTN)"
    assert "did you mean" in str(exc.value)


def test_ambiguous_name_lists_candidates():
    cmap = build("A[Node]\nB[node]\nA --> B")
    with pytest.raises(UnknownConceptError) as exc:
        resolve_concept(cmap, "NODE")
    assert exc.value.suggestions == ["Node (A)", "node (B)"]


# -- learning path --------------------------------------------------------------------------
def test_path_on_seed():
    r = learning_path(seed_map(), "SELFATTN", "CONTEXT")
    assert r.found
    assert [(s.from_id, s.to_id, s.relationship.label) for s in r.steps] == [
        ("SELFATTN", "FLASH", "optimized by"),
        ("FLASH", "CONTEXT", "enables"),
    ]
    assert r.cost == pytest.approx(2.0 + 1.0)  # secondary, then primary


def test_path_follows_learning_order_not_arrows():
    # ENCODER uses SELFATTN: Self-Attention is learned first, against the arrow
    r = learning_path(seed_map(), "SELFATTN", "ENCODER")
    assert [(s.from_id, s.to_id) for s in r.steps] == [("SELFATTN", "ENCODER")]
    assert r.steps[0].relationship.source == "ENCODER"


def test_no_path_then_any_direction():
    r = learning_path(seed_map(), "ENCODER", "SELFATTN")
    assert not r.found and r.steps == () and r.reverse_exists
    a = learning_path(seed_map(), "ENCODER", "SELFATTN", any_direction=True)
    assert a.found and [s.follows_order for s in a.steps] == [False]


def test_primary_route_preferred():
    # two routes A..D: via B (primary, primary) or via C (secondary, secondary)
    cmap = build("A ==>|enables| B\nB ==>|enables| D\nA -.->|enables| C\nC -.->|enables| D")
    assert [s.to_id for s in learning_path(cmap, "A", "D").steps] == ["B", "D"]


def test_path_reports_assumptions_and_cycles():
    cmap = build("A -->|zaps| B\nB -->|enables| C\nC -->|enables| B\nC -->|enables| D")
    r = learning_path(cmap, "A", "D")
    assert r.found
    assert [(a.label, a.assumed, a.count) for a in r.assumptions] == [("zaps", "source", 1)]
    assert [c.concepts for c in r.cycles] == [("B", "C")]


# -- prerequisites and order ----------------------------------------------------------------
def test_prereqs_on_seed():
    r = prerequisites(seed_map(), "ENCODER")
    # ENCODER uses SELFATTN, which requires POSENC; has-part: ENCODER before its parts
    assert [(s.id, s.depth) for s in r.steps] == [("POSENC", 2), ("SELFATTN", 1)]
    assert r.steps[1].via[0].label == "uses"
    assert r.cycles == ()


def test_prereqs_with_cycle_do_not_crash():
    cmap = build("T -->|uses| A\nA -->|uses| B\nB -->|uses| A\nB -->|uses| C")
    r = prerequisites(cmap, "T")
    assert [c.concepts for c in r.cycles] == [("A", "B")]
    assert [s.id for s in r.steps][0] == "C"
    assert {s.id for s in r.steps} == {"A", "B", "C"}


def test_learning_order_valid_and_deterministic():
    cmap = seed_map()
    r = learning_order(cmap)
    assert r == learning_order(cmap)
    pos = {s.id: s.position for s in r.steps}
    assert len(pos) == 28
    assert pos["POSENC"] < pos["SELFATTN"] < pos["ENCODER"] < pos["ENCONLY"]
    assert pos["SELFATTN"] < pos["MULTIHEAD"]  # extended by: source first
    assert [a.label for a in r.assumptions] == ["modern"]


def test_learning_order_with_relations_override():
    cmap = build("A -->|zaps| B")
    assert [s.id for s in learning_order(cmap).steps] == ["A", "B"]
    vocab = load_relations('[relations]\n"zaps" = "target"\n')
    r = learning_order(cmap, relations=vocab)
    assert [s.id for s in r.steps] == ["B", "A"] and r.assumptions == ()


def test_names_ignore_punctuation_as_a_last_resort():
    from conceptmap import parse_map
    from conceptmap.analysis import resolve_concept

    cmap = parse_map("flowchart LR\n  C{Gamma?} --> R[RoPE / ALiBi]\n", path="n.mmd")
    assert resolve_concept(cmap, "gamma") == "C"
    assert resolve_concept(cmap, "rope alibi") == "R"
