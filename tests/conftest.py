from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_MAP = ROOT / "maps" / "transformers.md"


@pytest.fixture
def seed_text() -> str:
    return SEED_MAP.read_text(encoding="utf-8")


# Hypothesis: explore freely on a developer's machine, but in CI use a fixed sequence of
# examples so a rare find cannot turn a green build red at random.
try:
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")
except ImportError:  # pragma: no cover
    pass
