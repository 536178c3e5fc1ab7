"""`conceptmap export`: every format through the CLI, default paths, missing Graphviz."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conceptmap import parse_map
from conceptmap.cli import cli
from conceptmap.export import FORMATS

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "maps" / "transformers.md"
HAS_DOT = shutil.which("dot") is not None


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    p = tmp_path / "transformers.md"
    p.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return p


def test_mermaid_to_stdout_parses_back(runner: CliRunner, seed_file: Path) -> None:
    result = runner.invoke(cli, ["export", str(seed_file), "--to", "mermaid"])
    assert result.exit_code == 0, result.output
    back = parse_map(result.stdout, path="out.mmd")
    assert len(back.concepts) == 28 and len(back.relationships) == 30


@pytest.mark.parametrize("fmt", ["dot", "json", "graphml", "gexf", "csv"])
def test_text_formats_to_file(runner: CliRunner, seed_file: Path, tmp_path: Path, fmt) -> None:
    out = tmp_path / "sub" / f"map.{fmt}"
    result = runner.invoke(cli, ["export", str(seed_file), "--to", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "SELFATTN" in text or "Self-Attention" in text
    if fmt == "json":
        assert len(json.loads(text)["nodes"]) == 28


def test_html_goes_to_output_dir_by_default(
    runner: CliRunner, seed_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["export", str(seed_file), "--to", "html"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "output" / "transformers.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Self-Attention" in page


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` not installed")
@pytest.mark.parametrize("fmt,magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_svg_png_default_path(
    runner: CliRunner, seed_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt, magic
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["export", str(seed_file), "--to", fmt])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / f"transformers.{fmt}").read_bytes().startswith(magic)


def test_svg_without_dot_writes_dot_file_and_exits_1(
    runner: CliRunner, seed_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "pics" / "map.svg"
    result = runner.invoke(cli, ["export", str(seed_file), "--to", "svg", "-o", str(out)])
    assert result.exit_code == 1
    assert "apt-get install graphviz" in result.stderr
    assert not out.exists()
    dot = (tmp_path / "pics" / "map.dot").read_text(encoding="utf-8")
    assert dot.startswith("digraph")


def test_path_highlights_learning_route(runner: CliRunner, seed_file: Path) -> None:
    result = runner.invoke(
        cli, ["export", str(seed_file), "--to", "mermaid", "--path", "BERT", "encoder"]
    )
    assert result.exit_code == 0, result.output
    assert "class BERT,ENCONLY,ENCODER cmPath" in result.stdout


def test_path_unknown_concept_is_usage_error(runner: CliRunner, seed_file: Path) -> None:
    result = runner.invoke(
        cli, ["export", str(seed_file), "--to", "dot", "--path", "BERT", "Nonexistent"]
    )
    assert result.exit_code == 2
    assert "no concept named 'Nonexistent'" in result.stderr


def test_unknown_format_is_usage_error(runner: CliRunner, seed_file: Path) -> None:
    result = runner.invoke(cli, ["export", str(seed_file), "--to", "pdf"])
    assert result.exit_code == 2


def test_block_out_of_range(runner: CliRunner, seed_file: Path) -> None:
    result = runner.invoke(cli, ["export", str(seed_file), "--to", "json", "--block", "3"])
    assert result.exit_code == 1
    assert "out of range" in result.stderr


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", str(tmp_path / "nope.md"), "--to", "json"])
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_stdin_and_same_bytes_twice(runner: CliRunner) -> None:
    text = "flowchart LR\n  A[Attention] ==>|uses| B[Softmax]\n"
    a = runner.invoke(cli, ["export", "-", "--to", "dot"], input=text)
    b = runner.invoke(cli, ["export", "-", "--to", "dot"], input=text)
    assert a.exit_code == 0, a.output
    assert a.stdout_bytes == b.stdout_bytes
    assert "label=Attention" in a.stdout


def test_every_format_is_offered() -> None:
    cmd = cli.get_command(None, "export")
    to = next(p for p in cmd.params if p.name == "fmt")
    assert list(to.type.choices) == list(FORMATS)
    assert set(FORMATS) == {
        "mermaid",
        "dot",
        "svg",
        "png",
        "json",
        "graphml",
        "gexf",
        "csv",
        "html",
        "canvas",
    }


@pytest.mark.parametrize("fmt", ["mermaid", "canvas"])
def test_an_output_path_that_cannot_be_written_is_a_one_line_error(
    runner: CliRunner, seed_file: Path, tmp_path: Path, fmt: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    target = blocker / f"x.{fmt}"
    result = runner.invoke(cli, ["export", str(seed_file), "--to", fmt, "-o", str(target)])
    assert result.exit_code == 1 and not isinstance(result.exception, OSError)
    assert result.stderr.startswith(f"error: cannot write {target}: ")
    assert len(result.stderr.splitlines()) == 1 and "internal error" not in result.output
    assert not target.exists()


def test_an_unwritable_output_file_names_the_path_and_the_reason(
    runner: CliRunner, seed_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conceptmap.cli._common as common  # write_output's writer

    def refuse(path: object, data: object) -> None:
        raise FileNotFoundError(2, "No such file or directory", "/proc/.x.svg.tmp")

    monkeypatch.setattr(common, "write_atomic", refuse)
    result = runner.invoke(cli, ["export", str(seed_file), "--to", "mermaid", "-o", "/proc/x.mmd"])
    assert result.exit_code == 1
    assert result.stderr == "error: cannot write /proc/x.mmd: No such file or directory\n"
