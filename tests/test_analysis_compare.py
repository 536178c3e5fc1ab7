"""Comparing a map with a reference map: pairing, proposition classes, scores, CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conceptmap import parse_map
from conceptmap.analysis.compare import compare_maps
from conceptmap.cli import cli

EXPERT = """flowchart LR
  SA[Self-Attention] -->|computes| QKV[Query, Key, Value]
  QKV -->|produces| SDP[Scaled Dot-Product]
  SDP -->|normalized by| SM[Softmax]
  SA -->|extended by| MHA[Multi-Head Attention]
  ENC[Encoder] -->|uses| SA
  FFN[Feed-Forward Network] -.- ENC
  ENC ~~~ SM
"""

STUDENT = """flowchart LR
  a[self attention] -->|Computes| b[Query, Key, Value]
  b -->|leads to| c[Scaled dot product]
  d[Softmax] -->|normalizes| c
  a -->|extended-by| e[Multi-Head]
  f[FFN] --- g[Encoders]
  g -->|uses| a
  g -->|uses| h[Tokens]
"""


def _result():
    return compare_maps(parse_map(STUDENT), parse_map(EXPERT))


def test_concepts_pair_by_name_then_loosely_and_say_how():
    r = _result()
    assert [(p.label, p.reference_label, p.how) for p in r.shared] == [
        ("self attention", "Self-Attention", "same name"),
        ("Query, Key, Value", "Query, Key, Value", "same name"),
        ("Scaled dot product", "Scaled Dot-Product", "same name"),
        ("Softmax", "Softmax", "same name"),
        ("Multi-Head", "Multi-Head Attention", "prefix"),
        ("FFN", "Feed-Forward Network", "name = id"),  # the expert's id is FFN
        ("Encoders", "Encoder", "plural"),
    ]
    assert [c.label for c in r.missing] == []
    assert [c.label for c in r.extra] == ["Tokens"]
    assert (r.concept_recall, r.concept_precision) == (1.0, 0.875)


def test_propositions_are_matched_reworded_reversed_extra_or_missing():
    r = _result()

    def pairs(items):
        return [(p.relationship.label, p.reference.label) for p in items]

    assert pairs(r.matched) == [
        ("Computes", "computes"),  # phrases compare normalised
        ("extended-by", "extended by"),
        (None, None),  # two unlabelled links (FFN --- Encoders, FFN -.- ENC) match
        ("uses", "uses"),
    ]
    assert pairs(r.phrase_differs) == [("leads to", "produces")]
    assert pairs(r.reversed) == [("normalizes", "normalized by")]
    assert [(x.source, x.target) for x in r.extra_relationships] == [("g", "h")]
    assert r.missing_relationships == ()
    # the invisible ENC ~~~ SM is layout, not a relationship
    assert r.reference_relationships == 6 and r.map_relationships == 7
    assert r.proposition_recall == round(4 / 6, 4) and r.proposition_precision == round(4 / 7, 4)
    assert r.link_recall == round(5 / 6, 4)


def test_an_acronym_pairs_with_its_expansion():
    r = compare_maps(
        parse_map("flowchart LR\n  x[FFN] --> y[MLM]\n"),
        parse_map("flowchart LR\n  N[Feed-Forward Network] --> M[Masked Language Model]\n"),
    )
    assert [(p.label, p.how) for p in r.shared] == [("FFN", "acronym"), ("MLM", "acronym")]
    assert len(r.matched) == 1


def test_pairing_is_one_to_one_and_never_guesses():
    # Two student concepts could both be "Encoder": only the exact one is paired.
    r = compare_maps(
        parse_map("flowchart LR\n  A[Encoder] --> B[Encoders]\n"),
        parse_map("flowchart LR\n  E[Encoder] --> D[Decoder]\n"),
    )
    assert [(p.label, p.reference_label) for p in r.shared] == [("Encoder", "Encoder")]
    assert [c.label for c in r.extra] == ["Encoders"] and [c.label for c in r.missing] == [
        "Decoder"
    ]
    # Names of punctuation only are no names: "?" and "!" are not the same concept.
    r = compare_maps(
        parse_map('flowchart LR\n  A["?"] --> B\n'), parse_map('flowchart LR\n  X["!"] --> Y\n')
    )
    assert [p.label for p in r.shared] == []
    # A name that could mean two reference concepts pairs with neither.
    r = compare_maps(
        parse_map("flowchart LR\n  A[Multi] --> B[X]\n"),
        parse_map("flowchart LR\n  M[Multi-Head] --> N[Multi-Query]\n"),
    )
    assert r.shared == ()


def test_each_reference_relationship_is_used_once():
    r = compare_maps(
        parse_map("flowchart LR\n  A -->|uses| B\n  A -->|uses| B\n"),
        parse_map("flowchart LR\n  A -->|uses| B\n"),
    )
    assert len(r.matched) == 1 and len(r.extra_relationships) == 1
    # An exact twin is not taken by a reworded relationship that comes first.
    r = compare_maps(
        parse_map("flowchart LR\n  A -->|needs| B\n  A -->|uses| B\n"),
        parse_map("flowchart LR\n  A -->|uses| B\n  A -->|has| B\n"),
    )
    assert [p.relationship.label for p in r.matched] == ["uses"]
    assert [(p.relationship.label, p.reference.label) for p in r.phrase_differs] == [
        ("needs", "has")
    ]


def test_identical_maps_score_one_and_empty_maps_do_not_divide_by_zero():
    m = parse_map(EXPERT)
    r = compare_maps(m, m)
    assert r.concept_recall == r.proposition_precision == r.link_recall == 1.0
    assert not (r.missing or r.extra or r.missing_relationships or r.extra_relationships)
    empty = parse_map("flowchart LR\n")
    assert compare_maps(empty, empty).concept_recall == 1.0


def test_cli_text_and_json(tmp_path):
    (tmp_path / "s.mmd").write_text(STUDENT, encoding="utf-8")
    (tmp_path / "e.mmd").write_text(EXPERT, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(cli, ["compare", str(tmp_path / "s.mmd"), str(tmp_path / "e.mmd")])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[1] == (
        "concepts:       7 of 7 reference concepts (100%); 1 of the map's 8 not in the reference"
    )
    assert "  FFN = Feed-Forward Network (name = id)" in lines
    assert "  Scaled Dot-Product --normalizes--> Softmax  (reference: " not in r.output
    assert (
        "  Softmax --normalizes--> Scaled dot product  "
        "(reference: Scaled Dot-Product --normalized by--> Softmax)"
    ) in lines
    assert "extra relationships (1):" in lines and "  Encoders --uses--> Tokens" in lines
    r = runner.invoke(
        cli, ["compare", str(tmp_path / "s.mmd"), str(tmp_path / "e.mmd"), "--format", "json"]
    )
    data = json.loads(r.output)
    assert data["extra"] == [{"id": "h", "label": "Tokens"}]
    assert data["link_recall"] == round(5 / 6, 4)
    r = runner.invoke(cli, ["compare", str(tmp_path / "s.mmd"), str(tmp_path / "none.mmd")])
    assert r.exit_code == 1 and "none.mmd" in r.output and "Traceback" not in r.output
