from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CONFORMANCE = SHARED / "conformance" / "cases"
SEED_MAP = ROOT / "maps" / "transformers.md"


@pytest.fixture
def seed_text() -> str:
    return SEED_MAP.read_text(encoding="utf-8")
