"""The README's tour shows what the commands print: each `$ conceptmap ...` block is run.

A line ``...`` in the README stands for any number of lines; a line ending in `` ...``
stands for the printed line that starts with what comes before it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from conceptmap.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _tour() -> list[tuple[str, list[str]]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        cmd: str | None = None
        lines: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ conceptmap "):
                if cmd is not None:
                    out.append((cmd, lines))
                cmd, lines = line[2:], []
            elif cmd is not None:
                lines.append(line)
        if cmd is not None:
            out.append((cmd, lines))
    return out


def _matches(expected: list[str], actual: list[str]) -> bool:
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    i = 0
    for k, want in enumerate(expected):
        if want == "...":
            rest = expected[k + 1 :]
            if not rest:
                return True
            return any(_matches(rest, actual[j:]) for j in range(i, len(actual) + 1))
        if i >= len(actual):
            return False
        got = actual[i]
        if want.endswith(" ..."):
            if not got.startswith(want[:-4]):
                return False
        elif got != want:
            return False
        i += 1
    return i == len(actual)


TOUR = _tour()


def test_the_tour_has_commands():
    assert len(TOUR) >= 4


@pytest.mark.parametrize(("command", "expected"), TOUR, ids=[c for c, _ in TOUR])
def test_tour_output_is_what_the_command_prints(command, expected, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(cli, args)
    printed = result.stdout.splitlines()
    assert _matches(expected, printed), "\n".join(["README:", *expected, "printed:", *printed])


def test_library_examples_run(monkeypatch):
    """The README's ```pycon blocks are doctests: the library section stays true."""
    import doctest

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README pycon block {i + 1}", "README.md", 0)
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
