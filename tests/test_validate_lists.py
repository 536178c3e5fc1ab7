"""--fix on membership lists ("Most connected: ..."), and how tier differences are graded."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conceptmap.cli import cli
from conceptmap.parse import parse_document
from conceptmap.validate import fix_document, validate_document
from conceptmap.validate.fix import planned_edits
from conceptmap.validate.rules import tier_steps

# Degrees: Self-Attention 5, Multi-Head Attention 4, Decoder 4, Encoder 3, GPT 2,
# Layer Norm 1, Softmax 1.
DIAGRAM = """\
```mermaid
flowchart LR
    SA[Self-Attention] --> MH[Multi-Head Attention]
    SA --> ENC[Encoder]
    SA --> DEC[Decoder]
    SA --> SM[Softmax]
    SA --> LN[Layer Norm]
    MH --> ENC
    MH --> DEC
    MH --> GPT[GPT]
    ENC --> DEC
    DEC --> GPT
```
"""


def _doc(stats: str) -> str:
    return f"# Concept Map: Test\n\n{DIAGRAM}\n### Relationship Statistics\n{stats}\n"


def _check(text: str):
    return validate_document(parse_document(text, path="m.md"))


def _fixed(text: str) -> str:
    return fix_document(text, _check(text))


def _line(text: str, start: str) -> str:
    return next(ln for ln in text.splitlines() if ln.startswith(start))


def test_most_connected_list_is_rewritten_in_the_documents_style():
    text = _doc("- **Most connected:** Self-Attention (9), Softmax (3), Multi-Head (4)\n- Other.")
    result = _check(text)
    (mc,) = [f for f in result.findings if f.rule == "most-connected"]
    assert mc.fixable and mc.declared == "Softmax"
    fixed = _fixed(text)
    # The names the document used stay ("Multi-Head"); a new member gets its label; the
    # counts are right; ties (Multi-Head, Decoder: 4) keep the document's order.
    assert _line(fixed, "- **Most connected:**") == (
        "- **Most connected:** Self-Attention (5), Multi-Head (4), Decoder (4)"
    )
    # Byte for byte outside the list's items.
    (edit,) = planned_edits(result.findings)
    assert fixed[: edit[0]] == text[: edit[0]] and fixed.endswith("\n- Other.\n")
    again = _check(fixed)
    assert [f for f in again.findings if f.fixable] == []
    assert not [f for f in again.findings if f.rule in ("most-connected", "concept-connections")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "Self-Attention (9 connections), Softmax (1 connection), Decoder (4 connections)",
            "Self-Attention (5 connections), Decoder (4 connections), "
            "Multi-Head Attention (4 connections)",
        ),
        ("Softmax, Self-Attention, Multi-Head", "Self-Attention, Multi-Head, Decoder"),
        (
            "Softmax ( 1 ),  Self-Attention ( 5 ),  Decoder ( 4 )",
            "Self-Attention ( 5 ),  Decoder ( 4 ),  Multi-Head Attention ( 4 )",
        ),
        (
            "Self-Attention (5), Multi-Head (4), Decoder (4), Layer Norm (1)",
            "Self-Attention (5), Multi-Head (4), Decoder (4), Encoder (3)",
        ),
    ],
)
def test_count_style_separator_and_order(written, expected):
    fixed = _fixed(_doc(f"- **Most connected:** {written}"))
    assert _line(fixed, "- **Most connected:**") == f"- **Most connected:** {expected}"


def test_one_connection_is_singular():
    # A 3, B 2, C 2, D 1, Z 0: the top four end with D, 1 connection.
    text = (
        "```mermaid\nflowchart LR\n  A --> B\n  A --> C\n  A --> D\n  B --> C\n  Z\n```\n"
        "\n## Relationship Statistics\n"
        "- **Most connected:** A (3 connections), B (2 connections), C (2 connections), "
        "Z (0 connections)\n"
    )
    assert _line(_fixed(text), "- **Most connected:**") == (
        "- **Most connected:** A (3 connections), B (2 connections), C (2 connections), "
        "D (1 connection)"
    )


@pytest.mark.parametrize(
    ("written", "why"),
    [
        # Multi-Head Attention and Decoder tie for 2nd place: which one is not defined.
        ("Self-Attention (5), Softmax (1)", "the last place is a tie"),
        # A description would be lost.
        ("Self-Attention (the hub), Multi-Head (4), Softmax (1)", ""),
        # Counted and uncounted items mixed: no one style.
        ("Self-Attention (5), Multi-Head (4), Softmax", ""),
    ],
)
def test_not_fixed_where_the_list_is_not_well_defined(written, why):
    text = _doc(f"- **Most connected:** {written}")
    result = _check(text)
    mc = [f for f in result.findings if f.rule == "most-connected"]
    assert mc and not any(f.fixable for f in mc)
    assert why in mc[0].message
    assert "Softmax" in _line(_fixed(text), "- **Most connected:**")


def test_tie_message_names_the_candidates():
    result = _check(_doc("- **Most connected:** Self-Attention (5), Softmax (1)"))
    (mc,) = [f for f in result.findings if f.rule == "most-connected"]
    assert mc.actual == "Self-Attention (5) and 1 of Decoder / Multi-Head Attention (4)"


def test_bridge_and_cluster_lists_are_reported_not_rewritten():
    text = _doc(
        "- **Bridge concepts:** Softmax (joins things)\n"
        "- **Strongest cluster:** {Softmax, GPT, Layer Norm}"
    )
    result = _check(text)
    rules = {f.rule for f in result.findings}
    assert {"bridge-concept"} <= rules
    assert not any(f.fixable for f in result.findings)
    assert _fixed(text) == text


def test_cli_fix_rewrites_the_list_and_keeps_crlf(tmp_path):
    f = tmp_path / "m.md"
    text = _doc("- **Most connected:** Softmax (1), Self-Attention (5), Decoder (4)")
    f.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    result = CliRunner().invoke(cli, ["validate", str(f), "--fix"])
    assert "fixed" in result.stdout, result.output
    data = f.read_bytes().decode("utf-8")
    assert (
        "- **Most connected:** Self-Attention (5), Decoder (4), Multi-Head Attention (4)\r\n"
        in data
    )
    assert data.count("\r\n") == text.count("\n") and "\n" not in data.replace("\r\n", "")
    again = CliRunner().invoke(cli, ["validate", str(f)])
    assert "most-connected" not in again.stdout and "fixable" not in again.stdout


# -- tiers ---------------------------------------------------------------------------------
def test_tier_steps():
    assert tier_steps("High", "Critical") == 1
    assert tier_steps("LOW", "medium") == 1
    assert tier_steps("Critical", "Medium") == 2
    assert tier_steps("Critical", "Low") == 3


def test_one_tier_off_is_info_two_or_more_is_a_warning():
    # Max degree 5: Self-Attention Critical, Multi-Head/Decoder High (0.8), Encoder High
    # (0.6), GPT Medium (0.4), Softmax Low.
    index = (
        "| Concept | Connections | Centrality |\n"
        "|---|---|---|\n"
        "| Self-Attention | 5 | High |\n"  # one tier off: info
        "| GPT | 2 | Low |\n"  # one tier off: info
        "| Softmax | 1 | Critical |\n"  # three tiers off: warning
        "| Encoder | 3 | Low |\n"  # two tiers off: warning
    )
    text = f"# Concept Map: Test\n\n{DIAGRAM}\n## Concept Index\n\n{index}"
    tiers = [f for f in _check(text).findings if f.rule == "centrality-tier"]
    got = {(f.line - text[: text.index("| Self")].count("\n"), f.severity) for f in tiers}
    assert got == {(1, "info"), (2, "info"), (3, "warning"), (4, "warning")}
    assert all(f.code == "CM105" and f.fixable for f in tiers)
    assert "one tier apart" in tiers[0].message and "3 tiers apart" in tiers[2].message
    # Info findings are still fixed.
    fixed = _fixed(text)
    assert "| Self-Attention | 5 | Critical |" in fixed and "| GPT | 2 | Medium |" in fixed


def test_strict_fails_on_two_tier_differences_only(tmp_path):
    f = tmp_path / "m.md"
    row = "| Self-Attention | 5 | {} |\n"
    head = f"# Concept Map: Test\n\n{DIAGRAM}\n## Concept Index\n\n| Concept | Connections | Centrality |\n|---|---|---|\n"
    f.write_text(head + row.format("High"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["validate", str(f), "--strict"]).exit_code == 0
    f.write_text(head + row.format("Medium"), encoding="utf-8")
    assert CliRunner().invoke(cli, ["validate", str(f), "--strict"]).exit_code == 1


def test_seed_map_tier_findings():
    seed = Path(__file__).parent.parent / "maps" / "transformers.md"
    text = seed.read_text(encoding="utf-8")
    tiers = [f for f in _check(text).findings if f.rule == "centrality-tier"]
    warnings = sorted((f.line, f.declared, f.actual) for f in tiers if f.severity == "warning")
    # Multi-Head Attention (a leaf) presented as Critical/High, Cross-Attention and
    # Fine-tuning as High: the claims that mislead a learner stay warnings.
    assert warnings == [
        (139, "High", "Low"),
        (275, "Critical", "Low"),
        (282, "High", "Low"),
        (403, "Critical", "Low"),
        (404, "High", "Low"),
        (406, "High", "Low"),
    ]
    assert sum(f.severity == "info" for f in tiers) == 16
