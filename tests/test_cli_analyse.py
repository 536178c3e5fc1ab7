"""CLI: centrality, clusters, bridges, path, prereqs, order, quality (exit codes, output)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from _analysis_maps import SEED
from conceptmap.cli import cli


def as_markdown(diagram: str) -> str:
    lines = []
    for line in diagram.strip().splitlines():
        lines.append("    " + line)
    return "# Concept Map: Test\n\n```mermaid\nflowchart TD\n" + "\n".join(lines) + "\n```\n"


@pytest.fixture
def seed_file(tmp_path: Path) -> str:
    p = tmp_path / "seed.md"
    p.write_text(as_markdown(SEED), encoding="utf-8")
    return str(p)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_centrality_text_and_json(seed_file):
    r = run("centrality", seed_file, "--top", "2")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[1].split()[:3] == ["1", "Self-Attention", "7"]
    assert lines[1].endswith("Critical")
    assert len(lines) == 4 and "exact" in lines[-1]
    data = json.loads(run("centrality", seed_file, "--format", "json", "--top", "3").output)
    assert [c["id"] for c in data["concepts"]] == ["SELFATTN", "ENCODER", "DECODER"]
    assert set(data["concepts"][0]) >= {
        "id",
        "label",
        "degree",
        "in_degree",
        "out_degree",
        "betweenness",
        "pagerank",
        "closeness",
        "eigenvector",
        "tier",
    }
    assert data["exact"] is True and data["k"] is None and data["seed"] == 0


def test_centrality_measure(seed_file):
    data = json.loads(
        run("centrality", seed_file, "--measure", "betweenness", "--format", "json").output
    )
    values = [c["betweenness"] for c in data["concepts"]]
    assert values == sorted(values, reverse=True)


def test_clusters(seed_file):
    r = run("clusters", seed_file)
    assert r.exit_code == 0, r.output
    assert "modularity: 0.566" in r.output
    assert "subgraph modularity: 0.442" in r.output
    data = json.loads(run("clusters", seed_file, "--format", "json", "--method", "greedy").output)
    assert data["method"] == "greedy"
    assert set(data) >= {
        "clusters",
        "modularity",
        "subgraph_modularity",
        "agreement",
        "misplaced",
        "gaps",
    }
    assert set(data["agreement"]) == {"nmi", "ari"}
    assert {"members", "central", "name"} <= set(data["clusters"][0])


def test_bridges(seed_file):
    r = run("bridges", seed_file, "--top", "1")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("articulation points: Decoder (DECODER), Encoder (ENCODER)")
    assert "Self-Attention (SELFATTN) P=0.73" in r.output
    data = json.loads(run("bridges", seed_file, "--format", "json").output)
    assert set(data) >= {
        "articulation_points",
        "bridges",
        "connectors",
        "cross_links",
        "components",
    }
    assert len(data["components"]) == 1


def test_path(seed_file):
    r = run("path", seed_file, "self attention", "context-length")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "Self-Attention -> Context Length (2 steps, cost 3)",
        "  1. Self-Attention -> Flash Attention: Self-Attention --optimized by--> Flash Attention",
        "  2. Flash Attention -> Context Length: Flash Attention --enables--> Context Length",
    ]
    data = json.loads(run("path", seed_file, "SELFATTN", "CONTEXT", "--format", "json").output)
    assert [s["relationship"]["id"] for s in data["steps"]] == [
        "L_SELFATTN_FLASH_0",
        "L_FLASH_CONTEXT_0",
    ]


def test_path_none_and_any_direction(seed_file):
    r = run("path", seed_file, "Encoder", "Self-Attention")
    assert r.exit_code == 1
    assert "no learning route from Encoder to Self-Attention" in r.output
    assert "try swapping them" in r.output
    r = run("path", seed_file, "Encoder", "Self-Attention", "--any-direction")
    assert r.exit_code == 0
    assert "(against the learning order)" in r.output


def test_unknown_concept_exits_2_with_suggestions(seed_file):
    r = run("path", seed_file, "self-atention", "BERT")
    assert r.exit_code == 2
    assert "did you mean: Self-Attention (SELFATTN)" in r.output
    assert run("prereqs", seed_file, "nothing-like-it").exit_code == 2


def test_prereqs_and_relations_file(seed_file, tmp_path):
    r = run("prereqs", seed_file, "encoder")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "before Encoder, learn:",
        "  1. Positional Encoding (depth 2) via Self-Attention --requires--> Positional Encoding",
        "  2. Self-Attention (depth 1) via Encoder --uses--> Self-Attention",
        # readings that decided what is left out (POSENC modern ROPE, POSENC type SINCOS)
        # the phrases that decide most come first
        "assumption: link phrase 'type' is used both ways round in maps (X type Y: Y is a "
        "type of X, or X is of type Y); assumed the source comes first in 2 relationships: "
        "Positional Encoding --type--> Sinusoidal, Positional Encoding --type--> Learned "
        "Positions; where that is backwards, write 'type of' in the map, or settle 'type' in "
        "a --relations file",
        "assumption: link phrase 'modern' not in the vocabulary; assumed the source comes "
        "first in 1 relationship: Positional Encoding --modern--> RoPE / ALiBi",
    ]
    toml = tmp_path / "rel.toml"
    toml.write_text('[relations]\n"uses" = "source"\n', encoding="utf-8")
    r = run("prereqs", seed_file, "encoder", "--relations", str(toml))
    assert "Self-Attention" not in r.output
    # naming an ambiguous phrase settles it: no longer reported
    toml.write_text('[relations]\n"type" = "target"\n', encoding="utf-8")
    r = run("prereqs", seed_file, "bert", "--relations", str(toml))
    assert "'type'" not in r.output and "Encoder-Only (depth 1)" in r.output
    toml.write_text("[relations\n", encoding="utf-8")
    assert run("prereqs", seed_file, "encoder", "--relations", str(toml)).exit_code == 1


def test_order(seed_file):
    r = run("order", seed_file, "--top", "3")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "  1. Positional Encoding (level 0)"
    full = run("order", seed_file).output.splitlines()
    assert "  4. Self-Attention (level 1)  after Positional Encoding" in full  # labels, not ids
    # "SCALED normalized by SOFTMAX" is read both ways: said, with the relationship
    assert full[-1] == (
        "assumption: link phrase 'normalized by' is used both ways round in maps; assumed the "
        "source comes first in 1 relationship: Scaled Dot-Product --normalized by--> Softmax; "
        "where that is backwards, settle 'normalized by' in a --relations file"
    )
    assert lines[-3].startswith("assumption: link phrase 'type' is used both ways round")
    assert lines[-2].startswith("assumption: link phrase 'modern'")
    data = json.loads(run("order", seed_file, "--format", "json").output)
    assert len(data["steps"]) == 28 and {
        "steps",
        "assumptions",
        "cycles",
        "known",
        "left_out",
    } == set(data)


def test_assumptions_do_not_bury_the_answer():
    """A map of many unusual phrases: five assumption lines (most relationships first) and
    a count of the rest; JSON keeps every one."""
    llm = str(Path(__file__).resolve().parents[1] / "maps" / "llm-scaling.md")
    lines = run("order", llm, "--top", "3").output.splitlines()
    assumed = [ln for ln in lines if ln.startswith("assumption:")]
    assert len(assumed) == 6 and assumed[0].startswith("assumption: link phrase 'relates'")
    assert assumed[-1] == (
        "assumption: 13 more link phrases read by assumption (--format json lists them all)"
    )
    data = json.loads(run("order", llm, "--format", "json").output)
    assert len(data["assumptions"]) == 18


def test_quality(seed_file):
    r = run("quality", seed_file)
    assert r.exit_code == 0, r.output
    assert r.output.startswith("score: 188\n")
    assert "7  uses  (overused)" in r.output
    assert json.loads(run("quality", seed_file, "--format", "json").output)["cross_links"] == 11


def test_missing_file_exits_1(tmp_path):
    r = run("centrality", str(tmp_path / "nope.md"))
    assert r.exit_code == 1


@pytest.mark.parametrize(
    "command", ["centrality", "clusters", "bridges", "path", "prereqs", "order", "quality"]
)
def test_help_has_example(command):
    r = run(command, "--help")
    assert r.exit_code == 0 and "Example:" in r.output


@pytest.mark.skipif(not Path("maps/transformers.md").exists(), reason="no maps/transformers.md")
def test_real_seed_map():
    data = json.loads(run("centrality", "maps/transformers.md", "--format", "json").output)
    assert len(data["concepts"]) == 28
    assert (data["concepts"][0]["id"], data["concepts"][0]["degree"]) == ("SELFATTN", 7)


def test_text_shows_labels_as_read_and_names_match_them(tmp_path):
    """`CO<sub>2</sub>` prints as CO₂ and is found as "co2"; JSON keeps the label as written."""
    f = tmp_path / "air.mmd"
    f.write_text(
        "flowchart LR\n  CO2[CO<sub>2</sub>] -->|enables| R[Rubisco]\n  R -->|leads to| C[Calvin]\n",
        encoding="utf-8",
    )
    r = run("path", str(f), "co2", "calvin")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "CO₂ -> Calvin (2 steps, cost 3)"
    assert "CO₂ --enables--> Rubisco" in r.output
    assert "CO₂" in run("stats", str(f)).output
    data = json.loads(run("path", str(f), "co2", "calvin", "--format", "json").output)
    assert data["steps"][0]["from_label"] == "CO<sub>2</sub>"


def test_text_tables_line_up_with_wide_characters(tmp_path):
    """CJK labels take two terminal columns each: the numbers still line up."""
    from conceptmap.labels import display_width

    f = tmp_path / "zh.mmd"
    f.write_text(
        "flowchart LR\n  A[注意力机制] -->|uses| B[Softmax 函数]\n  A --> C[BERT]\n  D[Transformer 模型] --> A\n",
        encoding="utf-8",
    )
    rows = run("stats", str(f)).output.split("most connected:\n")[1].splitlines()
    assert len(rows) == 4
    assert len({display_width(r.split("(in")[0]) for r in rows}) == 1
    table = run("centrality", str(f)).output.splitlines()[1:5]
    assert len(table) == 4 and any("注意力机制" in r for r in table)
    # every column after the label starts at the same terminal column (the tier ends rows)
    assert len({display_width(r.rsplit(" ", 1)[0]) for r in table}) == 1


def test_shell_completion_offers_concepts_of_the_file(seed_file):
    """TAB after `path FILE`, `prereqs FILE` or `--known` completes concept ids (label as
    help), matching ids or labels forgivingly; a missing file completes nothing."""
    from click.shell_completion import ShellComplete

    from conceptmap.cli import load_all_commands

    load_all_commands()

    def complete(args, incomplete):
        sc = ShellComplete(cli, {}, "conceptmap", "_CONCEPTMAP_COMPLETE")
        return [(c.value, c.help) for c in sc.get_completions(args, incomplete)]

    assert complete(["path", seed_file], "self att") == [("SELFATTN", "Self-Attention")]
    assert complete(["path", seed_file, "SELFATTN"], "cont") == [("CONTEXT", "Context Length")]
    assert ("ENCONLY", "Encoder-Only") in complete(["prereqs", seed_file], "enc")
    assert complete(["prereqs", seed_file, "gpt", "--known"], "ber") == [("BERT", "BERT")]
    assert complete(["order", seed_file, "--known"], "pos") == [("POSENC", "Positional Encoding")]
    assert complete(["path", "no-such-file.md"], "a") == []


def test_fast_json_is_byte_for_byte_what_json_dumps_writes(tmp_path):
    """path/prereqs/order print pydantic's JSON (7x faster on big answers): it must equal
    json.dumps of the model's dump, as every other command prints, --top included."""
    import random

    from conceptmap import parse_map
    from conceptmap.analysis import learning_order, learning_path, prerequisites

    rnd = random.Random(7)
    tokens = ["-->", "==>", "-.->", "---", "--o"]
    phrases = ["uses", "extended by", "type of", "ça dépend", "需要", None]
    lines = ["flowchart LR"]
    for _ in range(120):
        a, b = rnd.randrange(40), rnd.randrange(40)
        tok, ph = rnd.choice(tokens), rnd.choice(phrases)
        lines.append(f"  N{a}[Été {a}] {tok}{'|' + ph + '|' if ph else ''} N{b}[概念 {b}]")
    text = "\n".join(lines) + "\n"
    f = tmp_path / "r.mmd"
    f.write_text(text, encoding="utf-8")
    cmap = parse_map(text)

    def slow(model, top=None):
        data = model.model_dump(mode="json")
        if top is not None:
            data["steps"] = data["steps"][:top]
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    checked = 0
    for start, goal in [(0, 39), (5, 17), (39, 0), (3, 3)]:
        for any_dir in (False, True):
            args = ["path", str(f), f"N{start}", f"N{goal}", "--format", "json"]
            out = run(*args, *(["--any-direction"] if any_dir else [])).output
            want = learning_path(cmap, f"N{start}", f"N{goal}", any_direction=any_dir)
            assert out == slow(want)
            checked += bool(want.steps)
    assert checked >= 3
    r = prerequisites(cmap, "N0")
    assert run("prereqs", str(f), "N0", "--format", "json").output == slow(r)
    assert run("prereqs", str(f), "N0", "--format", "json", "--top", "2").output == slow(r, 2)
    order = learning_order(cmap)
    assert run("order", str(f), "--format", "json", "--top", "5").output == slow(order, 5)


@pytest.mark.parametrize("value", ["0", "-1"])
def test_clusters_refuse_a_resolution_that_is_not_positive(seed_file, value):
    r = run("clusters", seed_file, "--resolution", value)
    assert r.exit_code == 2 and "--resolution" in r.output


def test_stats_names_isolated_concepts_by_label_and_id():
    text = "flowchart LR\n  A[Alpha] --> B[Beta]\n  N[Napoleon]\n"
    r = CliRunner().invoke(cli, ["stats", "-"], input=text)
    assert r.exit_code == 0 and "isolated:       Napoleon (N)" in r.output


CYCLE = """\
```mermaid
flowchart LR
  A[Algebra] -->|leads to| B[Calculus]
  B -->|leads to| C[Physics]
  C -->|motivates| B
  C -->|leads to| D[Engineering]
  E[Logic] -->|enables| A
  B -->|leads to| B
```
"""


def run_on(tmp_path: Path, text: str, command: str, *args: str):
    """*command* on a map file holding *text*."""
    f = tmp_path / "map.md"
    f.write_text(text, encoding="utf-8")
    return run(command, str(f), *args)


def test_order_puts_a_cycle_on_one_level_and_names_its_members_as_such(tmp_path):
    r = run_on(tmp_path, CYCLE, "order")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "  1. Logic (level 0)",
        "  2. Algebra (level 1)  after Logic",
        "  3. Calculus (level 2)  after Algebra; in a cycle with Physics",  # not "after Physics"
        "  4. Physics (level 2)  in a cycle with Calculus",
        "  5. Engineering (level 3)  after Physics",
        "cycle: these concepts are each other's prerequisites: Calculus, Physics",
    ]


CELLS = """\
```mermaid
flowchart TD
  subgraph "Energy"
    ATP[ATP]
    MITO[Mitochondria]
  end
  subgraph S2["Cell structure"]
    CELL[Cell]
    NUC[Nucleus]
    MEM[Membrane]
  end
  GLU[Glucose]
  CELL -->|contains| MITO
  CELL -->|contains| NUC
  CELL -->|has part| MEM
  MITO -->|produces| ATP
  GLU -->|converted to| ATP
  MEM -->|transports| GLU
  NUC -->|controls| CELL
```
"""


def test_bridges_names_groups_by_title_and_says_none(tmp_path):
    r = run_on(tmp_path, CELLS, "bridges")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [
        "articulation points: Cell (CELL)",
        "bridges (0):",
        "  none",
        "connectors (participation over subgraphs):",
        # a concept outside every subgraph is its own group, named as a concept
        "  ATP (ATP) P=0.50 groups: Glucose (no subgraph), Energy",
        "  Glucose (GLU) P=0.50 groups: Energy, Cell structure",  # S2's title, not its id
        "  Membrane (MEM) P=0.50 groups: Glucose (no subgraph), Cell structure",
        "  Mitochondria (MITO) P=0.50 groups: Energy, Cell structure",
        "  Cell (CELL) P=0.38 groups: Energy, Cell structure",
        "cross-links (1):",
        "  Cell --contains--> Mitochondria (Cell structure -> Energy)",
    ]
    data = json.loads(run_on(tmp_path, CELLS, "bridges", "--format", "json").output)
    assert data["connectors"][0]["groups"] == ["(GLU)", "Energy"]  # JSON keeps the ids
    plain = tmp_path / "plain.md"
    plain.write_text("```mermaid\nflowchart LR\n  A --> B\n  B --> C\n  C --> A\n```\n")
    out = run("bridges", str(plain)).output
    assert "cross-links (0):\n  none (the map has no subgraphs)\n" in out
    assert "connectors (participation over clusters):\n  none\n" in out


def test_bridges_names_the_clusters_of_a_map_without_subgraphs(tmp_path):
    two = (
        "```mermaid\nflowchart LR\n  A --> B\n  B --> C\n  C --> A\n  C --> D\n"
        "  D --> E\n  E --> F\n  F --> D\n```\n"
    )
    lines = run_on(tmp_path, two, "bridges").output.splitlines()
    assert lines[3:6] == [
        "connectors (participation over clusters):",
        "  C (C) P=0.44 groups: C1 (C), C2 (D)",  # each cluster named after its central concept
        "  D (D) P=0.44 groups: C1 (C), C2 (D)",
    ]
