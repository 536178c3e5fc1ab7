"""Static checks: mypy (types) and ruff (lint and format), with the settings in pyproject.toml."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (pip install -e '.[test]' to run the type check)",
)
def test_mypy_passes() -> None:
    proc = _run("mypy", "src/conceptmap")
    assert proc.returncode == 0, f"mypy failed:\n{proc.stdout}{proc.stderr}"


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed (pip install -e '.[test]' to run the lint)",
)
@pytest.mark.parametrize("check", [("check",), ("format", "--check")])
def test_ruff_passes(check: tuple[str, ...]) -> None:
    proc = _run("ruff", *check, "src", "tests", "benchmarks", "docs")
    assert proc.returncode == 0, f"ruff {' '.join(check)} failed:\n{proc.stdout}{proc.stderr}"
