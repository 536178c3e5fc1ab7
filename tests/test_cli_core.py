"""`conceptmap parse` and `conceptmap stats`: exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conceptmap.cli import cli

SEED_MAP = Path(__file__).resolve().parent.parent / "maps" / "transformers.md"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_parse_json_seed():
    res = run("parse", str(SEED_MAP), "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert len(data["concepts"]) == 28 and len(data["relationships"]) == 30
    assert data["relationships"][0]["kind"] == "primary"


def test_parse_text_lists_relationships():
    res = run("parse", "-", input="flowchart LR\n  A[Attention] -->|uses| B[Softmax]\n")
    assert res.exit_code == 0
    assert "Attention --uses--> Softmax   [plain, line 2]" in res.output


def test_text_output_draws_each_link_with_its_own_ends():
    """An open link is no arrow, a circle end is `o`, `~~~` is invisible: parse, bridges
    and path show them so, not all as `-->`."""
    text = (
        "flowchart LR\n  A[Alpha] --- B[Beta]\n  B --o C[Gamma]\n  C ~~~ D[Delta]\n"
        "  C -->|uses| D\n  D --x E[Eps]\n  E <--> F[Phi]\n"
    )
    parsed = run("parse", "-", input=text).output
    for line in ("Alpha --- Beta ", "Beta --o Gamma ", "Gamma ~~~ Delta ", "Gamma --uses--> Delta ",
                 "Delta --x Eps ", "Eps <--> Phi "):  # fmt: skip
        assert f"  {line}  [" in parsed
    bridges = run("bridges", "-", input=text).output
    assert "  Alpha --- Beta  (only link of Alpha)\n" in bridges
    assert "  Beta --(has-part)--o Gamma\n" in bridges
    route = run("path", "-", "A", "F", "--any-direction", input=text).output
    assert "Alpha -> Beta: Alpha --- Beta" in route and "Eps -> Phi: Eps <--> Phi" in route


def test_parse_error_exit_1_with_position(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("# x\n\n```mermaid\nflowchart LR\n  A --> end\n```\n")
    res = CliRunner().invoke(cli, ["parse", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:5:9: error: 'end' is a keyword" in res.output
    assert "Traceback" not in res.output


def test_missing_file_and_non_utf8_and_usage(tmp_path):
    res = CliRunner().invoke(cli, ["parse", str(tmp_path / "nope.md")])
    assert res.exit_code == 1 and "no such file" in res.output
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"# caf\xe9\n")
    res = CliRunner().invoke(cli, ["parse", str(latin)])
    assert res.exit_code == 1 and "not UTF-8" in res.output
    res = CliRunner().invoke(cli, ["parse", "--format", "xml", str(latin)])
    assert res.exit_code == 2


def test_block_option(tmp_path):
    doc = tmp_path / "two.md"
    doc.write_text("```mermaid\ngraph LR\nA-->B\n```\n\n```mermaid\ngraph LR\nC-->D\nD-->E\n```\n")
    res = run("parse", str(doc), "--format", "json")
    assert [len(m["relationships"]) for m in json.loads(res.output)] == [1, 2]
    res = run("parse", str(doc), "--format", "json", "--block", "1")
    assert len(json.loads(res.output)["relationships"]) == 2
    res = CliRunner().invoke(cli, ["parse", str(doc), "--block", "5"])
    assert res.exit_code == 1 and "out of range" in res.output
    # a broken other block: a warning, not a failure, when a block is chosen
    doc.write_text("```mermaid\ngraph LR\nA-->B\n```\n\n```mermaid\ngraph LR\nC[x\n```\n")
    res = CliRunner().invoke(cli, ["stats", str(doc), "--block", "0"])
    assert res.exit_code == 0, res.output
    assert f"warning: {doc}:6: flowchart block 1 has errors; left out (--block 0)" in res.output
    assert CliRunner().invoke(cli, ["stats", str(doc)]).exit_code == 1


def test_stats_seed_text_and_json():
    res = run("stats", str(SEED_MAP), "--top", "3")
    assert res.exit_code == 0
    assert "concepts:       28" in res.output
    assert "Self-Attention" in res.output.split("most connected:")[1].splitlines()[1]
    data = json.loads(run("stats", str(SEED_MAP), "--format", "json").output)
    assert data["concepts"] == 28 and data["relationships"] == 30
    assert data["relationships_by_kind"] == {"has-part": 4, "primary": 20, "secondary": 6}
    assert isinstance(data["components"], list) and len(data["components"]) == 1


def test_every_command_has_help_with_an_example():
    from conceptmap.cli import load_all_commands

    commands = load_all_commands()
    assert set(commands) == set(cli.list_commands(None))
    for name, command in commands.items():
        assert command.help, f"{name} has no help"
        assert "Example" in command.help, f"{name} --help shows no example"


def test_readme_documents_every_command():
    from conceptmap.cli import load_all_commands

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in load_all_commands():
        assert f"`{name}" in readme, f"README does not document `{name}`"


def test_unexpected_exception_is_one_line_not_a_traceback(monkeypatch, capsys, tmp_path):
    import pytest

    import conceptmap.analysis as analysis
    from conceptmap.cli import main

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(analysis, "map_stats", boom)
    monkeypatch.delenv("CONCEPTMAP_DEBUG", raising=False)
    monkeypatch.setattr("sys.argv", ["conceptmap", "stats", str(SEED_MAP)])
    with pytest.raises(SystemExit) as exc:
        main(hard_exit=False)
    assert exc.value.code == 3
    err = capsys.readouterr().err
    assert err.startswith("conceptmap: internal error: RuntimeError: simulated bug")
    assert "Traceback" not in err


def test_the_console_script_flushes_its_output_and_keeps_exit_codes(tmp_path):
    """The real entry point ends with os._exit (no heap teardown): output and codes stay."""
    import subprocess
    import sys

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "conceptmap", *args], capture_output=True, text=True
        )

    r = run("stats", str(SEED_MAP), "--format", "json")
    assert r.returncode == 0 and '"concepts": 28' in r.stdout
    r = run("validate", str(SEED_MAP))
    assert r.returncode == 1 and r.stdout.rstrip().endswith("fixable with --fix)")
    r = run("path", str(SEED_MAP), "bert", "nothing-like-it")
    assert r.returncode == 2 and "no concept named 'nothing-like-it'" in r.stderr
    r = run("no-such-command")
    assert r.returncode == 2 and "No such command" in r.stderr
    big = "\n".join(f"  N{i} --> N{i + 1}" for i in range(3000))
    (tmp_path / "chain.mmd").write_text("flowchart LR\n" + big + "\n", encoding="utf-8")
    r = run("order", str(tmp_path / "chain.mmd"))
    lines = r.stdout.splitlines()  # nothing lost at exit: 3,001 steps, then the assumption
    assert r.returncode == 0 and len(lines) == 3002 and lines[3000].startswith("3001. N3000")
    assert lines[-1].startswith("assumption: unlabelled links")


def test_parse_json_is_byte_for_byte_what_json_dumps_writes():
    """`parse --format json` prints pydantic's JSON (12x faster on a 100k map): the same
    bytes as json.dumps of the dump, over every conformance case that parses."""
    from _conformance import parsed_cases

    checked = 0
    for f, cmap in parsed_cases():
        slow = json.dumps(json.loads(cmap.model_dump_json()), indent=2, ensure_ascii=False)
        assert cmap.model_dump_json(indent=2) == slow, f.name
        checked += 1
    assert checked > 100
    r = CliRunner().invoke(cli, ["parse", str(SEED_MAP), "--format", "json"])
    assert json.loads(r.output)["concepts"][0]["id"] and r.output.startswith('{\n  "title"')


def test_one_map_commands_switch_the_collector_off_only_in_their_own_process():
    import gc

    from conceptmap.cli import _common

    assert gc.isenabled()
    _common.one_map_process()  # inside a test (CliRunner, main(hard_exit=False)): no change
    assert gc.isenabled()
    _common.PROCESS_ENDS_WITH_COMMAND = True
    try:
        _common.one_map_process()
        assert not gc.isenabled()
    finally:
        _common.PROCESS_ENDS_WITH_COMMAND = False
        gc.enable()


def test_stats_counts_relationships_as_the_validator_does():
    """Invisible `~~~` links are layout hints: `stats` leaves them out of the count (a
    number copied from it into the document must not be a validator error)."""
    res = run("stats", "-", input="flowchart LR\n  A --> B\n  B ~~~ C\n  C --> A\n")
    assert "  relationships:  2 (plain 2; 1 invisible link not counted)\n" in res.output


def test_stats_reports_the_good_files_when_one_cannot_be_read(tmp_path):
    bad = tmp_path / "bad.mmd"
    bad.write_text("flowchart LR\n  A[x --> B\n", encoding="utf-8")
    res = run("stats", str(SEED_MAP), str(bad))
    assert res.exit_code == 1
    assert "  concepts:       28\n" in res.output  # the good map is still described
    assert f"{bad}:2:" in res.output  # and the bad one's error has its position
    data = json.loads(run("stats", str(SEED_MAP), str(bad), "--format", "json").stdout)
    assert [d["concepts"] for d in data] == [28]
